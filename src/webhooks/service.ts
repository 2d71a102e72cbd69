// Webhook endpoints and their delivery log: SQL and the views the API returns. Every query is
// scoped by workspace_id (the credential's), so one tenant never sees another's rows.
import type { Sql } from '../db/client.js'
import { uuidv7 } from '../db/uuid.js'
import { generateWebhookSecret } from '../connectors/webhook/sign.js'
import type { DeliveryStatus } from './event-types.js'
import { sealWebhookSecret } from './secret.js'

export interface WebhookRecord {
  id: string
  workspace_id: string
  url: string
  description: string | null
  event_types: string[]
  enabled: boolean
  consecutive_failures: number
  disabled_reason: string | null
  disabled_at: Date | null
  created_at: Date
  updated_at: Date
}

const COLUMNS = ['id', 'workspace_id', 'url', 'description', 'event_types', 'enabled', 'consecutive_failures', 'disabled_reason', 'disabled_at', 'created_at', 'updated_at'] as const

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString())

export function webhookView (r: WebhookRecord): Record<string, unknown> {
  return {
    id: r.id, url: r.url, description: r.description, event_types: r.event_types, enabled: r.enabled,
    consecutive_failures: r.consecutive_failures, disabled_reason: r.disabled_reason, disabled_at: iso(r.disabled_at),
    created_at: iso(r.created_at), updated_at: iso(r.updated_at)
  }
}

export async function createWebhook (sql: Sql, serviceSecret: string, input: { workspaceId: string, url: string, eventTypes: string[], description: string | null, enabled: boolean }): Promise<{ row: WebhookRecord, secret: string }> {
  const id = uuidv7()
  const secret = generateWebhookSecret()
  const [row] = await sql<WebhookRecord[]>`
    insert into webhooks (id, workspace_id, url, description, event_types, enabled, secret_sealed)
    values (${id}, ${input.workspaceId}, ${input.url}, ${input.description}, ${input.eventTypes}, ${input.enabled}, ${sealWebhookSecret(secret, id, serviceSecret)})
    returning ${sql([...COLUMNS])}`
  return { row, secret }
}

export async function listWebhooks (sql: Sql, workspaceId: string, limit: number, offset: number): Promise<WebhookRecord[]> {
  return await sql<WebhookRecord[]>`
    select ${sql([...COLUMNS])} from webhooks where workspace_id = ${workspaceId} order by created_at desc, id desc limit ${limit} offset ${offset}`
}

export async function findWebhook (sql: Sql, workspaceId: string, id: string): Promise<WebhookRecord | null> {
  const [row] = await sql<WebhookRecord[]>`select ${sql([...COLUMNS])} from webhooks where workspace_id = ${workspaceId} and id = ${id}`
  return row ?? null
}

export interface WebhookChanges { url?: string, eventTypes?: string[], description?: string | null, enabled?: boolean }

/** Enabling clears the failure run and the disabled marks, so the endpoint gets a fresh start. */
export async function updateWebhook (sql: Sql, workspaceId: string, id: string, c: WebhookChanges): Promise<WebhookRecord | null> {
  const [row] = await sql<WebhookRecord[]>`
    update webhooks set
      url = coalesce(${c.url ?? null}, url),
      event_types = coalesce(${c.eventTypes ?? null}::text[], event_types),
      description = case when ${c.description !== undefined} then ${c.description ?? null} else description end,
      enabled = coalesce(${c.enabled ?? null}::boolean, enabled),
      consecutive_failures = case when ${c.enabled === true} then 0 else consecutive_failures end,
      disabled_reason = case when ${c.enabled === true} then null else disabled_reason end,
      disabled_at = case when ${c.enabled === true} then null else disabled_at end,
      updated_at = now()
    where workspace_id = ${workspaceId} and id = ${id}
    returning ${sql([...COLUMNS])}`
  return row ?? null
}

/** Removes the endpoint with its deliveries and their attempts (messages may serve other endpoints). */
export async function deleteWebhook (sql: Sql, workspaceId: string, id: string): Promise<boolean> {
  return await sql.begin(async tx => {
    const [gone] = await tx`delete from webhooks where workspace_id = ${workspaceId} and id = ${id} returning id`
    if (gone === undefined) return false
    await tx`delete from webhook_attempts where delivery_id in (select id from webhook_deliveries where webhook_id = ${id})`
    await tx`delete from webhook_deliveries where webhook_id = ${id}`
    return true
  })
}

interface DeliveryRecord {
  id: string
  webhook_id: string
  message_id: string
  event_type: string
  status: DeliveryStatus
  attempts: number
  next_attempt_at: Date
  last_status_code: number | null
  last_error: string | null
  delivered_at: Date | null
  created_at: Date
  body: string
}

interface AttemptRecord { delivery_id: string, attempt: number, status_code: number | null, duration_ms: number, response_body: string | null, error: string | null, created_at: Date }

export async function listDeliveries (sql: Sql, workspaceId: string, webhookId: string, f: { limit: number, offset: number, status?: DeliveryStatus }): Promise<Array<Record<string, unknown>>> {
  const rows = await sql<DeliveryRecord[]>`
    select d.id, d.webhook_id, d.message_id, d.event_type, d.status, d.attempts, d.next_attempt_at, d.last_status_code,
           d.last_error, d.delivered_at, d.created_at, m.body
    from webhook_deliveries d join webhook_messages m on m.id = d.message_id
    where d.workspace_id = ${workspaceId} and d.webhook_id = ${webhookId}
      ${f.status === undefined ? sql`` : sql`and d.status = ${f.status}`}
    order by d.created_at desc, d.id desc limit ${f.limit} offset ${f.offset}`
  const attempts = rows.length === 0
    ? []
    : await sql<AttemptRecord[]>`
      select delivery_id, attempt, status_code, duration_ms, response_body, error, created_at from webhook_attempts
      where workspace_id = ${workspaceId} and delivery_id = any(${rows.map(r => r.id)}::uuid[]) order by attempt`
  return rows.map(r => ({
    id: r.id,
    webhook_id: r.webhook_id,
    message_id: r.message_id,
    event_type: r.event_type,
    status: r.status,
    attempts: r.attempts,
    next_attempt_at: r.status === 'pending' || r.status === 'retrying' ? iso(r.next_attempt_at) : null,
    last_status_code: r.last_status_code,
    last_error: r.last_error,
    delivered_at: iso(r.delivered_at),
    created_at: iso(r.created_at),
    payload: JSON.parse(r.body) as unknown,
    attempt_log: attempts.filter(a => a.delivery_id === r.id).map(a => ({
      attempt: a.attempt, status_code: a.status_code, duration_ms: a.duration_ms, response_body: a.response_body, error: a.error, created_at: iso(a.created_at)
    }))
  }))
}

export type ReplayOutcome = 'queued' | 'not_found' | 'in_flight' | 'webhook_disabled'

/** Sends the same message again (same webhook-id, the receiver can dedupe) as soon as a worker runs. */
export async function replayDelivery (sql: Sql, workspaceId: string, deliveryId: string): Promise<ReplayOutcome> {
  return await sql.begin(async tx => {
    const [d] = await tx<Array<{ status: DeliveryStatus, locked_until: Date | null, enabled: boolean }>>`
      select d.status, d.locked_until, w.enabled from webhook_deliveries d join webhooks w on w.id = d.webhook_id
      where d.workspace_id = ${workspaceId} and d.id = ${deliveryId} for update of d`
    if (d === undefined) return 'not_found'
    if (!d.enabled) return 'webhook_disabled'
    if (d.status === 'sending' && d.locked_until !== null && d.locked_until > new Date()) return 'in_flight'
    await tx`update webhook_deliveries set status = 'pending', next_attempt_at = now(), locked_until = null, updated_at = now() where id = ${deliveryId}`
    await tx`select pg_notify('ga_webhook_deliveries', '')`
    return 'queued'
  })
}
