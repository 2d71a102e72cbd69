// The delivery worker: claims due deliveries with FOR UPDATE SKIP LOCKED and a lease (so any
// number of processes share the work and a crashed one's rows come back), sends each message
// signed over its exact stored bytes, logs the attempt, schedules the retry, and disables an
// endpoint after a run of consecutive failures (or at once on 410 Gone).
import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher } from 'undici'
import { webhookHeaders } from '../connectors/webhook/sign.js'
import type { Sql } from '../db/client.js'
import { uuidv7 } from '../db/uuid.js'
import { safeRequest, type SafeResponse } from '../net/safe-fetch.js'
import { DEFAULT_DISABLE_AFTER, failureText, nextRetryDelay, RETRY_SCHEDULE_MS, verdictOf } from './retry.js'
import { openWebhookSecret } from './secret.js'

export interface DeliveryWorkerOptions {
  sql: Sql
  /** GA_SECRET: unseals the signing secrets. */
  serviceSecret: string
  /** A safe dispatcher (src/net/safe-fetch.ts): the address policy is enforced at connect time. */
  agent: Dispatcher
  log: FastifyBaseLogger
  schedule?: readonly number[]
  disableAfter?: number
  /** Whole attempt, connect to last body byte (Standard Webhooks suggests 15–30 s). */
  timeoutMs?: number
  leaseMs?: number
  batchSize?: number
  concurrency?: number
}

interface Claimed {
  id: string
  workspace_id: string
  webhook_id: string
  attempts: number
  url: string
  secret_sealed: string
  body: string
}

const STORED_BODY_CHARS = 2048

function leaseOf (o: DeliveryWorkerOptions): number {
  return o.leaseMs ?? Math.max(60_000, (o.timeoutMs ?? 15_000) * 4)
}

/** Extends the lease of the deliveries this worker still holds; returns their ids (issue 14 item 14). */
async function renewLeases (o: DeliveryWorkerOptions, held: readonly Claimed[]): Promise<Set<string>> {
  if (held.length === 0) return new Set()
  const rows = await o.sql<Array<{ id: string }>>`
    update webhook_deliveries d set locked_until = now() + ${leaseOf(o)} * interval '1 millisecond'
    from jsonb_to_recordset(${o.sql.json(held.map(h => ({ id: h.id, claimed: h.attempts })))}) as u(id uuid, claimed int)
    where d.id = u.id and d.status = 'sending' and d.attempts = u.claimed
    returning d.id`
  return new Set(rows.map(r => r.id))
}

async function claimDue (o: DeliveryWorkerOptions): Promise<Claimed[]> {
  const leaseMs = leaseOf(o)
  return await o.sql<Claimed[]>`
    with due as (
      select d.id, w.url, w.secret_sealed, m.body
      from webhook_deliveries d
      join webhooks w on w.id = d.webhook_id and w.enabled
      join webhook_messages m on m.id = d.message_id
      where d.status in ('pending', 'retrying', 'sending')
        and ((d.status <> 'sending' and d.next_attempt_at <= now()) or (d.status = 'sending' and d.locked_until < now()))
      order by d.next_attempt_at
      limit ${o.batchSize ?? 50}
      for update of d skip locked)
    update webhook_deliveries d
    set status = 'sending', attempts = d.attempts + 1, locked_until = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
    from due where d.id = due.id
    returning d.id, d.workspace_id, d.webhook_id, d.attempts, due.url, due.secret_sealed, due.body`
}

async function send (o: DeliveryWorkerOptions, d: Claimed): Promise<{ res: SafeResponse | null, err: unknown, ms: number }> {
  const started = performance.now()
  try {
    const secret = openWebhookSecret(d.secret_sealed, d.webhook_id, o.serviceSecret)
    // webhook-id is the delivery's id: the same on every retry and replay, the receiver's dedupe key.
    const headers = webhookHeaders([secret], `msg_${d.id}`, Math.floor(Date.now() / 1000), d.body)
    const res = await safeRequest(d.url, o.agent, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'GoodAnalytics-Webhooks/1', ...headers },
      body: d.body,
      timeoutMs: o.timeoutMs ?? 15_000
    })
    return { res, err: null, ms: Math.round(performance.now() - started) }
  } catch (err) {
    return { res: null, err, ms: Math.round(performance.now() - started) }
  }
}

async function record (o: DeliveryWorkerOptions, d: Claimed, outcome: { res: SafeResponse | null, err: unknown, ms: number }): Promise<void> {
  const status = outcome.res?.status ?? null
  const verdict = outcome.err === null ? verdictOf(status) : 'retry'
  const error = failureText(status, outcome.err)
  const delay = verdict === 'retry' ? nextRetryDelay(d.attempts, o.schedule ?? RETRY_SCHEDULE_MS) : null
  const disableAfter = o.disableAfter ?? DEFAULT_DISABLE_AFTER
  const disabled = await o.sql.begin(async tx => {
    await tx`
      insert into webhook_attempts (id, delivery_id, workspace_id, attempt, status_code, duration_ms, response_body, error)
      values (${uuidv7()}, ${d.id}, ${d.workspace_id}, ${d.attempts}, ${status}, ${outcome.ms},
              ${outcome.res === null ? null : outcome.res.bodyText.slice(0, STORED_BODY_CHARS)}, ${error})`
    // Only the holder of this attempt may settle it (a lease that ran out was claimed again).
    const [settled] = await tx`
      update webhook_deliveries set
        status = ${verdict === 'delivered' ? 'delivered' : delay === null ? 'failed' : 'retrying'},
        next_attempt_at = now() + ${delay ?? 0} * interval '1 millisecond',
        locked_until = null, last_status_code = ${status}, last_error = ${error},
        delivered_at = ${verdict === 'delivered' ? new Date() : null}, updated_at = now()
      where id = ${d.id} and status = 'sending' and attempts = ${d.attempts}
      returning id`
    if (settled === undefined) return null
    if (verdict === 'delivered') {
      await tx`update webhooks set consecutive_failures = 0 where id = ${d.webhook_id} and consecutive_failures <> 0`
      return null
    }
    const reason = verdict === 'gone' ? 'endpoint answered 410 Gone' : `${disableAfter} consecutive failed attempts`
    const [hook] = await tx<Array<{ consecutive_failures: number, disabled: boolean }>>`
      update webhooks set
        consecutive_failures = consecutive_failures + 1,
        enabled = case when ${verdict === 'gone'} or consecutive_failures + 1 >= ${disableAfter} then false else enabled end,
        disabled_at = case when enabled and (${verdict === 'gone'} or consecutive_failures + 1 >= ${disableAfter}) then now() else disabled_at end,
        disabled_reason = case when enabled and (${verdict === 'gone'} or consecutive_failures + 1 >= ${disableAfter}) then ${reason} else disabled_reason end,
        updated_at = now()
      where id = ${d.webhook_id}
      returning consecutive_failures, (disabled_at is not null and disabled_at >= now() and not enabled) as disabled`
    return hook?.disabled === true ? { reason, failures: hook.consecutive_failures } : null
  })
  if (disabled !== null) {
    o.log.warn({ webhook_id: d.webhook_id, workspace_id: d.workspace_id, reason: disabled.reason, consecutive_failures: disabled.failures }, 'webhook.disabled')
  }
}

/** One pass: claims due deliveries and attempts each once. Returns how many were attempted. */
export async function deliverDueWebhooks (o: DeliveryWorkerOptions): Promise<number> {
  const claimed = await claimDue(o)
  if (claimed.length === 0) return 0
  // A lease must not run out while its delivery waits or is sent: renew the unsettled ones a few
  // times per lease period, and confirm each one's right before sending it.
  const unsettled = new Set(claimed)
  const renewal = setInterval(() => {
    renewLeases(o, [...unsettled]).catch((err: unknown) => { o.log.warn({ err }, 'webhook.lease_renewal_failed') })
  }, Math.max(50, Math.floor(leaseOf(o) / 3)))
  renewal.unref()
  let next = 0
  const lanes = Array.from({ length: Math.min(o.concurrency ?? 8, claimed.length) }, async () => {
    while (next < claimed.length) {
      const d = claimed[next++]
      try {
        // Taken over by another worker (or the database cannot confirm): not ours to send.
        const held = await renewLeases(o, [d]).catch(() => null)
        if (held === null || !held.has(d.id)) continue
        const outcome = await send(o, d)
        await record(o, d, outcome).catch((err: unknown) => { o.log.error({ err, delivery_id: d.id }, 'webhook.record_failed') })
      } finally {
        unsettled.delete(d)
      }
    }
  })
  try {
    await Promise.all(lanes)
  } finally {
    clearInterval(renewal)
  }
  return claimed.length
}
