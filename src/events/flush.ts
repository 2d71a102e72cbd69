// One group-commit batch (DESIGN §5): a single transaction that resolves visitors, claims
// idempotency keys, inserts the events in one multi-row INSERT, rolls them up onto their visitors,
// and plans connector dispatches for leads and sales. Failures that concern one item (its visitor
// vanished, its key belongs to another body) settle that item only; anything else fails the batch.
import type postgres from 'postgres'
import type { FastifyBaseLogger } from 'fastify'
import type { IdentityPort, ResolveInput } from '../identity/port.js'
import { VisitorNotFound } from '../identity/errors.js'
import { findLiving } from '../identity/queries.js'
import { inRetriedTransaction } from '../identity/retry.js'
import type { JsonObject } from '../identity/visitor.js'
import { eventRollup } from '../identity/event-rollup.js'
import { uuidv7 } from '../db/uuid.js'
import {
  connectorSettings, conversionSignals, isConversion, planDispatches, type ConnectorSetting, type VisitorSignalFacts
} from '../conversions/plan.js'
import { bulkInsert } from '../db/bulk-insert.js'
import { EVENT_ROW_COLUMNS, type EventKey, type PreparedEvent } from './prepare.js'
import { IdempotencyKeyReused } from './errors.js'
import type { RecordResult } from './types.js'
import type { HookPublisher } from '../webhooks/publisher.js'
import type { RecordedEvent } from '../webhooks/event-json.js'

export type Target = { visitorId: string } | { resolve: ResolveInput }

export interface PendingEvent {
  prepared: PreparedEvent
  target: Target
  outcome?: { ok: true, result: RecordResult } | { ok: false, error: Error }
}

export interface FlushDeps {
  identity: IdentityPort
  connectorsEnabled: boolean
  log: FastifyBaseLogger
  /** Webhook outbox + live stream NOTIFY, written in this transaction (null without the webhooks plugin). */
  hooks?: HookPublisher | null
}

type Tx = postgres.TransactionSql
const BROWSER_IDS = ['_fbp', '_fbc'] as const

const keyId = (ws: string, k: EventKey): string => `${ws}\u0000${k.kind}\u0000${k.key}`

/** The amount the event adds to ltv and link revenue: none for a client-trust sale the workspace did not opt into. */
function revenueOf (item: PendingEvent): number | null {
  return item.prepared.countsRevenue ? item.prepared.row.amount_cents : null
}

// Resolved visitors take the event's roll-up inside the resolution, so each is written once.
function withRollup (item: PendingEvent): ResolveInput {
  const r = item.prepared.row
  const browserIds: Record<string, string> = {}
  for (const k of BROWSER_IDS) if (item.prepared.connectorSignals[k] !== undefined) browserIds[k] = item.prepared.connectorSignals[k]
  return {
    ...(item.target as { resolve: ResolveInput }).resolve,
    // A client-trust sale adds no ltv unless the workspace opted in (issue 14 item 2).
    rollup: eventRollup({ event_type: r.event_type, occurred_at: r.occurred_at, amount_cents: revenueOf(item) }),
    browser_ids: browserIds
  }
}

async function resolveVisitors (tx: Tx, items: PendingEvent[], deps: FlushDeps): Promise<Map<PendingEvent, string>> {
  const visitorOf = new Map<PendingEvent, string>()
  const byWorkspace = new Map<string, PendingEvent[]>()
  for (const item of items) {
    const ws = item.prepared.row.workspace_id
    byWorkspace.set(ws, [...(byWorkspace.get(ws) ?? []), item])
  }
  for (const [ws, group] of byWorkspace) {
    const resolving = group.filter(i => 'resolve' in i.target)
    if (resolving.length > 0) {
      const ids = await deps.identity.resolveMany(tx, ws, resolving.map(i => withRollup(i)))
      resolving.forEach((item, n) => visitorOf.set(item, ids[n]))
    }
    // Fixed visitors were checked before queueing; a merge since then moves the event to the survivor.
    // The lookups are issued together so postgres.js pipelines them in one round trip.
    const fixed = group.filter(i => 'visitorId' in i.target)
    const living = await Promise.all(fixed.map(async item => await findLiving(tx, ws, (item.target as { visitorId: string }).visitorId)))
    fixed.forEach((item, n) => {
      const v = living[n]
      if (v === null) item.outcome = { ok: false, error: new VisitorNotFound() }
      else visitorOf.set(item, v.id)
    })
  }
  return visitorOf
}

/** Claims each key once; later holders of the same key become duplicates (same body) or 409s. */
async function claimKeys (tx: Tx, items: PendingEvent[]): Promise<void> {
  const leaders = new Map<string, PendingEvent>()
  const followers: Array<[PendingEvent, PendingEvent]> = []
  for (const item of items) {
    const k = item.prepared.key
    if (k === null) continue
    const id = keyId(item.prepared.row.workspace_id, k)
    const leader = leaders.get(id)
    if (leader === undefined) leaders.set(id, item)
    else followers.push([item, leader])
  }
  if (leaders.size > 0) {
    const rows = [...leaders.values()].map(i => {
      const k = i.prepared.key as EventKey
      return { workspace_id: i.prepared.row.workspace_id, kind: k.kind, key: k.key, event_id: i.prepared.row.id, body_hash: k.hash }
    })
    const claimed = await tx<Array<{ event_id: string }>>`
      insert into event_keys ${tx(rows)} on conflict do nothing returning event_id`
    const won = new Set(claimed.map(r => r.event_id))
    for (const leader of leaders.values()) {
      if (won.has(leader.prepared.row.id)) continue
      const k = leader.prepared.key as EventKey
      const [existing] = await tx<Array<{ event_id: string, body_hash: string }>>`
        select event_id, body_hash from event_keys where workspace_id = ${leader.prepared.row.workspace_id} and kind = ${k.kind} and key = ${k.key}`
      leader.outcome = existing === undefined || existing.body_hash !== k.hash
        ? { ok: false, error: new IdempotencyKeyReused() }
        : { ok: true, result: { event_id: existing.event_id, visitor_id: null, status: 'duplicate', dispatches: [] } }
    }
  }
  for (const [item, leader] of followers) {
    const sameBody = item.prepared.key?.hash === leader.prepared.key?.hash
    if (!sameBody) { item.outcome = { ok: false, error: new IdempotencyKeyReused() }; continue }
    if (leader.outcome?.ok === false) { item.outcome = leader.outcome; continue }
    const eventId = leader.outcome?.ok === true ? leader.outcome.result.event_id : leader.prepared.row.id
    item.outcome = { ok: true, result: { event_id: eventId, visitor_id: null, status: 'duplicate', dispatches: [] } }
  }
}

function sourceContext (item: PendingEvent, visitorId: string): JsonObject | null {
  const signals = item.prepared.connectorSignals
  if (Object.keys(signals).length === 0) return null
  const r = item.prepared.row
  const ctx: Record<string, unknown> = {
    signals, visitor_id: visitorId, source: item.prepared.source, event_type: r.event_type,
    amount_cents: r.amount_cents, currency: r.currency, captured_at: r.inserted_at.toISOString()
  }
  for (const k of Object.keys(ctx)) if (ctx[k] === null) delete ctx[k]
  return ctx as JsonObject
}

async function insertEvents (tx: Tx, live: PendingEvent[], visitorOf: Map<PendingEvent, string>): Promise<void> {
  if (live.length === 0) return
  const rows = live.map(item => {
    const r = item.prepared.row
    const visitorId = visitorOf.get(item) as string
    const ctx = sourceContext(item, visitorId)
    return { ...r, visitor_id: visitorId, connector_source_context: ctx }
  })
  await bulkInsert(tx, 'events', EVENT_ROW_COLUMNS, rows)
}

interface Rollup { events: number, pageviews: number, ltv: number, convertedAt: Date | null, target: 'lead' | 'customer' | null, lastSeen: Date, browserIds: Record<string, string> }

// Counters move by deltas so concurrent batches add up; status only climbs the ladder.
async function rollUp (tx: Tx, live: PendingEvent[], visitorOf: Map<PendingEvent, string>): Promise<void> {
  const byVisitor = new Map<string, Rollup & { ws: string }>()
  for (const item of live) {
    const r = item.prepared.row
    const id = visitorOf.get(item) as string
    const acc = byVisitor.get(id) ?? { ws: r.workspace_id, events: 0, pageviews: 0, ltv: 0, convertedAt: null, target: null, lastSeen: r.occurred_at, browserIds: {} }
    if (r.event_type !== 'engagement') acc.events++
    if (r.event_type === 'pageview') acc.pageviews++
    if (r.event_type === 'sale') { acc.ltv += revenueOf(item) ?? 0; acc.target = 'customer' }
    if (r.event_type === 'lead' && acc.target === null) acc.target = 'lead'
    if (isConversion(r.event_type) && (acc.convertedAt === null || r.occurred_at < acc.convertedAt)) acc.convertedAt = r.occurred_at
    if (r.occurred_at > acc.lastSeen) acc.lastSeen = r.occurred_at
    for (const k of BROWSER_IDS) if (item.prepared.connectorSignals[k] !== undefined) acc.browserIds[k] = item.prepared.connectorSignals[k]
    byVisitor.set(id, acc)
  }
  // Sorted (two batches lock visitors in the same order) and pipelined: one round trip in all.
  await Promise.all([...byVisitor].sort(([x], [y]) => (x < y ? -1 : 1)).map(async ([id, a]) => {
    await tx`
      update visitors set
        total_events = total_events + ${a.events},
        total_pageviews = total_pageviews + ${a.pageviews},
        ltv_cents = ltv_cents + ${a.ltv},
        converted_at = case when ${a.convertedAt}::timestamptz is null then converted_at
                            else least(coalesce(converted_at, ${a.convertedAt}::timestamptz), ${a.convertedAt}::timestamptz) end,
        status = case
          when ${a.target}::text = 'customer' and status in ('anonymous', 'identified', 'lead', 'churned') then 'customer'
          when ${a.target}::text = 'lead' and status in ('anonymous', 'identified') then 'lead'
          else status end,
        last_seen_at = greatest(last_seen_at, ${a.lastSeen}),
        connector_identifiers = connector_identifiers || ${tx.json(a.browserIds)},
        updated_at = now()
      where workspace_id = ${a.ws} and id = ${id}`
  }))
}

async function settingsOf (tx: Tx, ws: string, cache: Map<string, Record<string, ConnectorSetting>>): Promise<Record<string, ConnectorSetting>> {
  const hit = cache.get(ws)
  if (hit !== undefined) return hit
  const rows = await tx<Array<{ key: string, value: unknown }>>`select key, value from settings where workspace_id = ${ws} and key like 'connector:%'`
  const settings = connectorSettings(rows)
  cache.set(ws, settings)
  return settings
}

// The conversion counts on the link the visitor last clicked. It runs in a savepoint so a failure
// there is logged and can never sink the batch of events around it.
async function countOnLink (tx: Tx, item: PendingEvent, visitorId: string, log: FastifyBaseLogger): Promise<void> {
  const r = item.prepared.row
  try {
    await tx.savepoint(async sp => {
      const [last] = await sp<Array<{ link_id: string }>>`
        select link_id from events where workspace_id = ${r.workspace_id} and visitor_id = ${visitorId}
          and event_type = 'link_click' and link_id is not null
        order by occurred_at desc limit 1`
      if (last === undefined) return
      if (r.event_type === 'lead') {
        await sp`update links set total_leads = total_leads + 1 where workspace_id = ${r.workspace_id} and id = ${last.link_id}`
      } else {
        await sp`update links set total_sales = total_sales + 1, total_revenue_cents = total_revenue_cents + ${revenueOf(item) ?? 0}
          where workspace_id = ${r.workspace_id} and id = ${last.link_id}`
      }
    })
  } catch (err) {
    log.warn({ err, event_id: r.id }, 'conversions.link_counters_failed')
  }
}

async function planConversions (tx: Tx, live: PendingEvent[], visitorOf: Map<PendingEvent, string>, deps: FlushDeps): Promise<Map<PendingEvent, RecordResult['dispatches']>> {
  const out = new Map<PendingEvent, RecordResult['dispatches']>()
  const cache = new Map<string, Record<string, ConnectorSetting>>()
  for (const item of live.filter(i => isConversion(i.prepared.row.event_type))) {
    const r = item.prepared.row
    const visitorId = visitorOf.get(item) as string
    await countOnLink(tx, item, visitorId, deps.log)
    if (!deps.connectorsEnabled) { out.set(item, []); continue }
    const [facts] = await tx<VisitorSignalFacts[]>`
      select person_email, person_phone, person_external_id, click_id_params, click_id_history, connector_identifiers
      from visitors where workspace_id = ${r.workspace_id} and id = ${visitorId}`
    const planned = planDispatches({
      connectorsEnabled: deps.connectorsEnabled,
      eventType: r.event_type,
      trust: r.trust,
      eventId: r.id,
      occurredAt: r.occurred_at,
      settings: await settingsOf(tx, r.workspace_id, cache),
      signals: conversionSignals(facts, item.prepared.connectorSignals),
      newId: uuidv7
    })
    if (planned.length > 0) {
      const ctx = sourceContext(item, visitorId)
      const rows = planned.map(p => ({
        id: p.id, workspace_id: r.workspace_id, event_id: r.id, event_occurred_at: r.occurred_at, visitor_id: visitorId,
        connector: p.connector, connector_event_id: p.connector_event_id, status: p.status, next_attempt_at: r.inserted_at,
        source_context: ctx === null ? null : tx.json(ctx)
      }))
      await tx`insert into connector_dispatches ${tx(rows, 'id', 'workspace_id', 'event_id', 'event_occurred_at', 'visitor_id', 'connector', 'connector_event_id', 'status', 'next_attempt_at', 'source_context')}
        on conflict (workspace_id, connector, event_id) do nothing`
    }
    out.set(item, planned.map(p => ({ id: p.id, connector: p.connector, status: p.status })))
  }
  return out
}

export async function flushInTransaction (tx: Tx, items: PendingEvent[], deps: FlushDeps): Promise<void> {
  for (const item of items) delete item.outcome
  const visitorOf = await resolveVisitors(tx, items, deps)
  await claimKeys(tx, items.filter(i => i.outcome === undefined))
  const live = items.filter(i => i.outcome === undefined)
  await insertEvents(tx, live, visitorOf)
  await deps.hooks?.recordedInTransaction(tx, recordedRows(live, visitorOf))
  await rollUp(tx, live.filter(i => 'visitorId' in i.target), visitorOf)
  const dispatches = await planConversions(tx, live, visitorOf, deps)
  for (const item of live) {
    item.outcome = {
      ok: true,
      result: { event_id: item.prepared.row.id, visitor_id: visitorOf.get(item) ?? null, status: 'created', dispatches: dispatches.get(item) ?? [] }
    }
  }
}

function recordedRows (live: PendingEvent[], visitorOf: Map<PendingEvent, string>): RecordedEvent[] {
  return live.map(i => ({ ...i.prepared.row, visitor_id: visitorOf.get(i) ?? null }))
}

/** The events the committed batch created (duplicates and refused items announce nothing). */
function committedRows (items: PendingEvent[]): RecordedEvent[] {
  return items.flatMap(i => i.outcome?.ok === true && i.outcome.result.status === 'created'
    ? [{ ...i.prepared.row, visitor_id: i.outcome.result.visitor_id }]
    : [])
}

/** The buffer's flush: one transaction, retried on deadlock or serialization failure; live notices once committed. */
export async function flushBatch (sql: postgres.Sql, items: PendingEvent[], deps: FlushDeps): Promise<void> {
  await inRetriedTransaction(sql, async tx => { await flushInTransaction(tx, items, deps) })
  // Not awaited: the writers' 200s need not wait for it (announceLive never rejects).
  void deps.hooks?.announceLive(committedRows(items))
}
