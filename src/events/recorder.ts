// fp 'events': the ingest spine of the service (DESIGN §5). It owns the events and event_keys
// tables, the group-commit buffer and the batched writer, and exposes
//   app.spine     consume(consumer) for the features, push()/enqueue() for the doors;
//   app.recorder  record(): validation and enrichment of REST and beacon events onto the spine.
// Redirect clicks are pushed (acknowledged before they are stored, retried until committed);
// beacons and REST events are enqueued (their 2xx means committed).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { openGeoReader, type GeoLookup } from '../classify/index.js'
import { isUuid } from '../db/uuid.js'
import { IngestBuffer, type IngestStats } from './ingest-buffer.js'
import { writeBatch } from './flush.js'
import { prepareEvent } from './prepare.js'
import { IdempotencyKeyReused, VisitorRequired } from './errors.js'
import { pruneEventKeys } from './keys-job.js'
import { Spine, type SpineConsumer, type SpineItem, type Subject } from './spine.js'
import type { RecordContext, RecordInput, RecordResult, Recorder } from './types.js'

export interface SpineApi {
  consume: (consumer: SpineConsumer) => void
  /** Durable: settles once the item's batch committed (or with its own error). */
  enqueue: (item: SpineItem) => Promise<void>
  /** Acknowledged already (redirect clicks): false when the queue has no room. */
  push: (item: SpineItem) => boolean
  /** push() that waits up to maxWaitMs for room (backpressure instead of dropping). */
  pushWhenRoom: (item: SpineItem, maxWaitMs: number) => Promise<boolean>
  /** Resolves when everything received so far is committed (tests, benches, shutdown). */
  idle: () => Promise<void>
  readonly stats: IngestStats
  readonly consumers: string[]
}

declare module 'fastify' {
  interface FastifyInstance { recorder: Recorder, spine: SpineApi }
}

const CONVERSIONS: ReadonlySet<string> = new Set(['lead', 'sale'])
const PERSON_EVENTS: ReadonlySet<string> = new Set(['lead', 'sale', 'identify'])

/**
 * Who a REST or beacon event is about. Beacons name a browser and, for identify/lead/sale or when
 * they carry person claims, a person to resolve. REST selectors never create visitors, except a
 * lead or sale for a browser: that is when a person starts to matter (issue 13).
 */
export function subjectOf (input: RecordInput): Subject {
  if (input.resolve != null) {
    const r = input.resolve
    const claims = r.person_external_id != null || r.person_email != null
    return PERSON_EVENTS.has(input.event_type) || claims ? { kind: 'resolve', signals: { ...r } } : { kind: 'browser' }
  }
  if (input.visitor_id != null) return { kind: 'visitor', visitorId: input.visitor_id }
  if (input.person_external_id != null) return { kind: 'selector', selector: { person_external_id: input.person_external_id.trim() } }
  if (input.ga_id != null) {
    if (!isUuid(input.ga_id)) return { kind: 'selector', selector: { ga_id: input.ga_id } }
    return CONVERSIONS.has(input.event_type) ? { kind: 'resolve', signals: { ga_id: input.ga_id.toLowerCase() } } : { kind: 'browser' }
  }
  if (input.anonymous_id != null) return { kind: 'selector', selector: { anonymous_id: input.anonymous_id } }
  throw new VisitorRequired()
}

async function eventsPlugin (app: FastifyInstance): Promise<void> {
  const { config, database } = app
  const sql = database.sql
  const spine = new Spine()
  let geo: GeoLookup | null | undefined
  // Opened on first use (REST events carry no visitor IP), once per process.
  const geoReader = (): GeoLookup | null => {
    if (geo === undefined) {
      try { geo = openGeoReader(config.geoipDb ?? undefined) } catch (err) { app.log.error({ err }, 'geo.open_failed'); geo = null }
    }
    return geo
  }

  const buffer = new IngestBuffer<SpineItem>({
    name: 'events',
    flush: async items => { await writeBatch(sql, spine, items) },
    flushMs: config.ingest.flushMs,
    maxBatch: config.ingest.maxBatch,
    maxPending: config.ingest.maxPending,
    // Pushed (acknowledged) clicks are stored within about a second, also under overload: the
    // redirect waits for room instead (issue 5).
    maxLagMs: 900,
    // One batch at a time, so batches commit in arrival order: a click carrying the cookie an
    // earlier cookie-less click just minted must see that click's unique-window claim, and a
    // browser's events reach its session in order.
    concurrency: 1,
    onError: (err, size) => { app.log.error({ err, size }, 'events.flush_failed') }
  })
  app.jobs.add({ name: 'events-buffer', start: () => {}, stop: async () => { await buffer.close() } })
  let pruneTimer: NodeJS.Timeout | null = null
  app.jobs.add({
    name: 'event-keys-prune',
    start: () => { pruneTimer = setInterval(() => { pruneEventKeys(sql).catch(err => app.log.warn({ err }, 'event_keys.prune_failed')) }, 3_600_000); pruneTimer.unref() },
    stop: async () => { if (pruneTimer !== null) clearInterval(pruneTimer) }
  })

  async function duplicateOf (ws: string, key: SpineItem['key']): Promise<RecordResult | null> {
    if (key === null) return null
    const [existing] = await sql<Array<{ event_id: string, body_hash: string }>>`
      select event_id, body_hash from event_keys where workspace_id = ${ws} and kind = ${key.kind} and key = ${key.key}`
    if (existing === undefined) return null
    if (existing.body_hash !== key.hash) throw new IdempotencyKeyReused()
    return await completeDuplicate(ws, existing.event_id)
  }

  /** The original's answer: its visitor through its browser, and the dispatches planned for it. */
  async function completeDuplicate (ws: string, eventId: string): Promise<RecordResult> {
    const [event] = await sql<Array<{ visitor_id: string | null }>>`
      select m.visitor_id from events e left join visitor_browsers m on m.workspace_id = e.workspace_id and m.ga_id = e.ga_id::text
      where e.workspace_id = ${ws} and e.id = ${eventId} limit 1`
    const dispatches = await sql<Array<{ id: string, connector: string, status: string }>>`
      select id, connector, status from connector_dispatches where workspace_id = ${ws} and event_id = ${eventId} order by connector`
    return { event_id: eventId, visitor_id: event?.visitor_id ?? null, status: 'duplicate', dispatches: [...dispatches] }
  }

  async function record (ws: string, input: RecordInput, context: RecordContext): Promise<RecordResult> {
    const subject = subjectOf(input)
    const gaId = input.resolve?.ga_id ?? (input.ga_id != null && isUuid(input.ga_id) ? input.ga_id.toLowerCase() : '')
    const prepared = prepareEvent(ws, gaId, input, context, { ownDomains: config.ownDomains, ipMode: config.ipMode, geo: geoReader, now: new Date() })
    if (input.event_type === 'engagement') prepared.facts.engagedSeconds = engagedSeconds(prepared.row.properties)
    // REST requests check their idempotency key up front (a fast 200/409); beacon event ids are
    // settled inside the batch, which keeps the beacon path free of extra round trips.
    if (context.via !== 'beacon') {
      const duplicate = await duplicateOf(ws, prepared.key)
      if (duplicate !== null) return duplicate
    }
    const item: SpineItem = { row: prepared.row, facts: prepared.facts, subject, key: prepared.key }
    await buffer.enqueue(item)
    const outcome = item.outcome
    if (outcome === undefined) throw new Error('event batch committed without an outcome for this event')
    if (!outcome.ok) throw outcome.error
    return outcome.result.status === 'duplicate' ? await completeDuplicate(ws, outcome.result.event_id) : outcome.result
  }

  app.decorate('recorder', { record })
  app.decorate('spine', {
    consume: c => { spine.consume(c) },
    enqueue: async item => { await buffer.enqueue(item) },
    push: item => buffer.push(item),
    pushWhenRoom: async (item, maxWaitMs) => await buffer.pushWhenRoom(item, maxWaitMs),
    idle: async () => { await buffer.idle() },
    get stats () { return { ...buffer.stats } },
    get consumers () { return spine.names }
  } satisfies SpineApi)
}

function engagedSeconds (properties: Record<string, unknown> | null): number {
  const ms = properties?.engaged_ms
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.floor(Math.min(ms, 1_800_000) / 1000) : 0
}

export default fp(eventsPlugin, { name: 'recorder', fastify: '5.x', dependencies: ['core'] })
