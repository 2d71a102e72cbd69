// The outbox's SQL: claiming due dispatches under a lease, loading what delivery needs, and
// recording outcomes. Claims use FOR UPDATE SKIP LOCKED in a short statement and release the
// lock at once; the lease (status 'delivering' + lease_until) is what keeps other workers away
// while the platform is called, and what lets them take the row over if this process dies.
import type { Sql } from '../db/client.js'
import { uuidv7 } from '../db/uuid.js'
import type { DispatchSourceRow } from './input.js'
import type { HookPublisher } from '../webhooks/publisher.js'

export interface ClaimedDispatch {
  id: string
  workspace_id: string
  connector: string
  connector_event_id: string
  event_id: string
  event_occurred_at: Date
  /** Including this claim; doubles as the fencing token when the outcome is written. */
  attempts: number
}

export async function claimDueDispatches (sql: Sql, opts: { limit: number, leaseMs: number }): Promise<ClaimedDispatch[]> {
  return await sql<ClaimedDispatch[]>`
    with due as (
      select d.workspace_id, d.id from connector_dispatches d
      where ((d.status in ('pending', 'failed') and coalesce(d.next_attempt_at, '-infinity') <= now())
          or (d.status = 'delivering' and d.lease_until < now()))
        and not exists (
          select 1 from settings s
          where s.workspace_id = d.workspace_id and s.key = 'connector:' || d.connector
            and jsonb_typeof(s.value -> 'paused') = 'object')
      order by d.next_attempt_at nulls first
      limit ${opts.limit}
      for update of d skip locked
    )
    update connector_dispatches d
      set status = 'delivering', lease_until = now() + ${opts.leaseMs} * interval '1 millisecond',
          attempts = d.attempts + 1, last_attempted_at = now(), updated_at = now()
    from due where d.workspace_id = due.workspace_id and d.id = due.id
    returning d.id, d.workspace_id, d.connector, d.connector_event_id, d.event_id, d.event_occurred_at, d.attempts`
}

/**
 * Extends the lease of the dispatches this worker still holds (status 'delivering' with this
 * claim's attempt count) and returns their ids: a dispatch missing from the answer was taken over
 * (or settled) and must not be sent by this worker.
 */
export async function renewLeases (sql: Sql, held: readonly ClaimedDispatch[], leaseMs: number): Promise<Set<string>> {
  if (held.length === 0) return new Set()
  const rows = held.map((d) => ({ ws: d.workspace_id, id: d.id, claimed: d.attempts }))
  const renewed = await sql<Array<{ id: string }>>`
    update connector_dispatches d set lease_until = now() + ${leaseMs} * interval '1 millisecond'
    from jsonb_to_recordset(${sql.json(rows)}) as u(ws uuid, id uuid, claimed int)
    where d.workspace_id = u.ws and d.id = u.id and d.status = 'delivering' and d.attempts = u.claimed
    returning d.id`
  return new Set(renewed.map((r) => r.id))
}

export async function loadDispatchSources (sql: Sql, workspaceId: string, ids: readonly string[]): Promise<DispatchSourceRow[]> {
  return await sql<DispatchSourceRow[]>`
    select d.id, d.connector_event_id, d.source_context, d.event_occurred_at,
      (e.id is not null) as event_found, e.event_type, e.event_name, e.occurred_at, e.amount_cents, e.currency,
      e.context->>'url' as url, e.context->>'ip' as client_ip, e.context->>'user_agent' as user_agent, coalesce(e.properties, '{}'::jsonb) as properties,
      v.id as visitor_id, v.person_email, v.person_phone, v.person_name, v.person_external_id, v.person_metadata, v.geo,
      v.click_id_params, v.click_id_history, v.connector_identifiers
    from connector_dispatches d
    left join events e on e.workspace_id = d.workspace_id and e.id = d.event_id and e.occurred_at = d.event_occurred_at
    left join visitors v on v.workspace_id = d.workspace_id and v.id = d.visitor_id
    where d.workspace_id = ${workspaceId} and d.id = any(${ids as string[]}::uuid[])`
}

export const FINAL_STATUSES = ['delivered', 'failed', 'permanently_failed', 'skipped', 'paused'] as const
export type AttemptOutcome = (typeof FINAL_STATUSES)[number]

export interface DispatchResult {
  dispatch: ClaimedDispatch
  outcome: AttemptOutcome
  nextAttemptAt?: Date
  lastError?: string
  /** Whether the platform was called (pre-send skips and refusals are recorded too, with no HTTP fields). */
  httpStatus?: number
  errorKind?: string
  durationMs: number
  responseExcerpt?: string
  platformRef?: string
  /** Changes made to the input before sending (DispatchInput.notes), kept with the attempt. */
  notes?: string
}

/**
 * Writes the outcomes and their attempt rows in ONE transaction. Each update is fenced on
 * (status 'delivering', attempts = this claim's count): a worker whose lease expired and whose
 * row was taken over cannot overwrite the newer claim. A paused dispatch goes back to 'failed',
 * due at once, with this attempt refunded (the pause, not the row, was at fault).
 */
export async function recordResults (sql: Sql, results: readonly DispatchResult[], hooks: HookPublisher | null = null): Promise<number> {
  if (results.length === 0) return 0
  const updates = results.map((r) => ({
    ws: r.dispatch.workspace_id,
    id: r.dispatch.id,
    claimed: r.dispatch.attempts,
    status: r.outcome === 'paused' ? 'failed' : r.outcome,
    refund: r.outcome === 'paused' ? 1 : 0,
    next_at: r.outcome === 'failed' ? r.nextAttemptAt?.toISOString() ?? null : r.outcome === 'paused' ? new Date().toISOString() : null,
    err: r.lastError ?? null,
    ref: r.platformRef ?? null
  }))
  const attempts = results.map((r) => ({
    id: uuidv7(),
    workspace_id: r.dispatch.workspace_id,
    dispatch_id: r.dispatch.id,
    connector: r.dispatch.connector,
    attempt: r.dispatch.attempts,
    outcome: r.outcome,
    http_status: r.httpStatus ?? null,
    error_kind: r.errorKind ?? null,
    duration_ms: Math.round(r.durationMs),
    response_excerpt: r.responseExcerpt ?? null,
    error: r.lastError ?? null,
    notes: r.notes ?? null
  }))
  return await sql.begin(async (tx) => {
    const updated = await tx`
      update connector_dispatches d set
        status = u.status, next_attempt_at = u.next_at, last_error = u.err, lease_until = null,
        attempts = d.attempts - u.refund, platform_ref = coalesce(u.ref, d.platform_ref),
        delivered_at = case when u.status = 'delivered' then now() else d.delivered_at end, updated_at = now()
      from jsonb_to_recordset(${tx.json(updates)}) as u(ws uuid, id uuid, claimed int, status text, refund int, next_at timestamptz, err text, ref text)
      where d.workspace_id = u.ws and d.id = u.id and d.status = 'delivering' and d.attempts = u.claimed
      returning d.id`
    // Announce (webhook `dispatch.failed`) the permanent failures this call actually wrote, in its transaction.
    const written = new Set(updated.map((row) => row.id as string))
    const failed = results.filter((r) => r.outcome === 'permanently_failed' && written.has(r.dispatch.id))
    if (hooks !== null && failed.length > 0) {
      await hooks.publishMany(tx, failed.map((r) => ({
        workspaceId: r.dispatch.workspace_id,
        type: 'dispatch.failed' as const,
        data: {
          dispatch_id: r.dispatch.id, connector: r.dispatch.connector, event_id: r.dispatch.event_id,
          connector_event_id: r.dispatch.connector_event_id, attempts: r.dispatch.attempts, error: r.lastError ?? null
        }
      })))
    }
    await tx`insert into connector_dispatch_attempts ${tx(attempts, 'id', 'workspace_id', 'dispatch_id', 'connector', 'attempt', 'outcome', 'http_status', 'error_kind', 'duration_ms', 'response_excerpt', 'error', 'notes')}`
    return updated.count
  })
}
