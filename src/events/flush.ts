// The spine's batched writer: one transaction per batch. Keys are claimed first (a duplicate
// settles its item and writes nothing), then the before-insert consumers, the multi-row insert of
// every remaining row, the in-transaction consumers; once committed, each item's outcome is
// `created` and the after-commit consumers fan out. A failure that concerns one item settles that
// item only (a consumer sets its outcome); anything thrown fails — and retries — the batch.
import type postgres from 'postgres'
import { bulkInsert } from '../db/bulk-insert.js'
import { isUuid } from '../db/uuid.js'
import { ValidationFailed } from '../errors.js'
import { inRetriedTransaction } from '../identity/retry.js'
import { EVENT_COLUMNS } from './columns.js'
import { IdempotencyKeyReused } from './errors.js'
import { pending, type EventKey, type Spine, type SpineItem, type Tx } from './spine.js'

const keyId = (ws: string, k: EventKey): string => `${ws}\u0000${k.kind}\u0000${k.key}`

/** Claims each key once; later holders of the same key become duplicates (same body) or 409s. */
async function claimKeys (tx: Tx, items: SpineItem[]): Promise<void> {
  const leaders = new Map<string, SpineItem>()
  const followers: Array<[SpineItem, SpineItem]> = []
  for (const item of items) {
    if (item.key === null) continue
    const id = keyId(item.row.workspace_id, item.key)
    const leader = leaders.get(id)
    if (leader === undefined) leaders.set(id, item)
    else followers.push([item, leader])
  }
  if (leaders.size > 0) {
    const rows = [...leaders.values()].map(i => {
      const k = i.key as EventKey
      return { workspace_id: i.row.workspace_id, kind: k.kind, key: k.key, event_id: i.row.id, body_hash: k.hash }
    })
    const claimed = await tx<Array<{ event_id: string }>>`
      insert into event_keys ${tx(rows)} on conflict do nothing returning event_id`
    const won = new Set(claimed.map(r => r.event_id))
    for (const leader of leaders.values()) {
      if (won.has(leader.row.id)) continue
      const k = leader.key as EventKey
      const [existing] = await tx<Array<{ event_id: string, body_hash: string }>>`
        select event_id, body_hash from event_keys where workspace_id = ${leader.row.workspace_id} and kind = ${k.kind} and key = ${k.key}`
      leader.outcome = existing === undefined || existing.body_hash !== k.hash
        ? { ok: false, error: new IdempotencyKeyReused() }
        : { ok: true, result: { event_id: existing.event_id, visitor_id: null, status: 'duplicate', dispatches: [] } }
    }
  }
  for (const [item, leader] of followers) {
    if (item.key?.hash !== leader.key?.hash) { item.outcome = { ok: false, error: new IdempotencyKeyReused() }; continue }
    if (leader.outcome?.ok === false) { item.outcome = leader.outcome; continue }
    const eventId = leader.outcome?.ok === true ? leader.outcome.result.event_id : leader.row.id
    item.outcome = { ok: true, result: { event_id: eventId, visitor_id: null, status: 'duplicate', dispatches: [] } }
  }
}

// An item the database would refuse must never sink its batch: pushed (acknowledged) items are
// retried until they commit, so one bad row would hold every later one back.
function refuseMalformed (items: readonly SpineItem[]): void {
  for (const item of items) {
    const r = item.row
    if (!isUuid(r.workspace_id) || !isUuid(r.id) || (r.ga_id !== '' && !isUuid(r.ga_id))) {
      item.outcome = { ok: false, error: new ValidationFailed({ ga_id: 'must be a UUID (a browser id this service minted)' }) }
    }
  }
}

export async function writeInTransaction (tx: Tx, spine: Spine, items: SpineItem[]): Promise<SpineItem[]> {
  for (const item of items) { delete item.outcome; delete item.dropped; delete item.visitorId; delete item.dispatches }
  refuseMalformed(items)
  await claimKeys(tx, items.filter(i => i.outcome === undefined))
  for (const consumer of spine.of('before-insert')) await consumer.handle(pending(items), tx)
  const live = pending(items)
  await bulkInsert(tx, 'events', EVENT_COLUMNS, live.map(i => i.row as unknown as Record<string, unknown>))
  for (const consumer of spine.of('in-transaction')) await consumer.handle(live, tx)
  return live
}

/** The buffer's flush: one transaction, retried on deadlock or serialization failure. */
export async function writeBatch (sql: postgres.Sql, spine: Spine, items: SpineItem[]): Promise<void> {
  const live = await inRetriedTransaction(sql, async tx => await writeInTransaction(tx, spine, items))
  for (const item of live) {
    item.outcome = { ok: true, result: { event_id: item.row.id, visitor_id: item.visitorId ?? null, status: 'created', dispatches: item.dispatches ?? [] } }
  }
  // Dropped items (nothing stored) still answer ok: upstream drops such pings silently.
  for (const item of items) if (item.dropped === true && item.outcome === undefined) item.outcome = { ok: true, result: { event_id: item.row.id, visitor_id: null, status: 'created', dispatches: [] } }
  const committed = live
  for (const consumer of spine.of('after-commit')) {
    // Not awaited: the writers' answers and the next batch need not wait for fan-out.
    void consumer.handle(committed, null).catch(() => {})
  }
}
