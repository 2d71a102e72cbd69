// The recorder (issue 3 item 9): ONE code path that validates, enriches and persists every event,
// for the REST API now and the beacons later. Read-only checks (visitor exists, key already used)
// run before queueing so they answer fast; the write itself goes through the group-commit buffer,
// so a resolved promise means the event is committed.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { openGeoReader, type GeoLookup } from '../classify/index.js'
import { VisitorNotFound } from '../identity/errors.js'
import { findByExternalId, findCandidates, findLiving } from '../identity/queries.js'
import { cleanSignals, cleanUuid } from '../identity/signals.js'
import { IngestBuffer } from './ingest-buffer.js'
import { flushBatch, type PendingEvent, type Target } from './flush.js'
import { prepareEvent, type PreparedEvent } from './prepare.js'
import { IdempotencyKeyReused, VisitorRequired } from './errors.js'
import { pruneEventKeys } from './keys-job.js'
import type { RecordContext, RecordInput, RecordResult, Recorder } from './types.js'

declare module 'fastify' {
  interface FastifyInstance { recorder: Recorder }
}

async function recorderPlugin (app: FastifyInstance): Promise<void> {
  const { config, database } = app
  const sql = database.sql
  let geo: GeoLookup | null | undefined
  // Opened on first use (REST events carry no visitor IP), once per process.
  const geoReader = (): GeoLookup | null => {
    if (geo === undefined) {
      try { geo = openGeoReader(config.geoipDb) } catch (err) { app.log.error({ err }, 'geo.open_failed'); geo = null }
    }
    return geo
  }

  const buffer = new IngestBuffer<PendingEvent>({
    name: 'events',
    flush: async items => {
      const hooks = app.hasDecorator('hooks') ? app.hooks : null
      await flushBatch(sql, items, { identity: app.identity, connectorsEnabled: config.connectorsEnabled, log: app.log, hooks })
    },
    flushMs: config.ingest.flushMs,
    maxBatch: config.ingest.maxBatch,
    maxPending: config.ingest.maxPending,
    onError: (err, size) => { app.log.error({ err, size }, 'events.flush_failed') }
  })
  app.jobs.add({ name: 'events-buffer', start: () => {}, stop: async () => { await buffer.close() } })
  let pruneTimer: NodeJS.Timeout | null = null
  app.jobs.add({
    name: 'event-keys-prune',
    start: () => { pruneTimer = setInterval(() => { pruneEventKeys(sql).catch(err => app.log.warn({ err }, 'event_keys.prune_failed')) }, 3_600_000); pruneTimer.unref() },
    stop: async () => { if (pruneTimer !== null) clearInterval(pruneTimer) }
  })

  /** REST selectors → a visitor id; never creates (reference §9.2 step 2). */
  async function selectVisitor (ws: string, input: RecordInput): Promise<string> {
    if (input.visitor_id != null) {
      const id = cleanUuid(input.visitor_id)
      const living = id === undefined ? null : await findLiving(sql, ws, id)
      if (living === null) throw new VisitorNotFound()
      return living.id
    }
    if (input.person_external_id != null) {
      const found = await findByExternalId(sql, ws, input.person_external_id.trim())
      if (found === null) throw new VisitorNotFound()
      return found.id
    }
    const signals = cleanSignals({ ga_id: input.ga_id, anonymous_id: input.anonymous_id })
    if (signals.ga_id === undefined && signals.anonymous_id === undefined) {
      if (input.ga_id != null || input.anonymous_id != null) throw new VisitorNotFound()
      throw new VisitorRequired()
    }
    const [oldest] = await findCandidates(sql, ws, signals, false)
    if (oldest === undefined) throw new VisitorNotFound()
    return oldest.id
  }

  async function duplicateOf (ws: string, prepared: PreparedEvent): Promise<RecordResult | null> {
    const k = prepared.key
    if (k === null) return null
    const [existing] = await sql<Array<{ event_id: string, body_hash: string }>>`
      select event_id, body_hash from event_keys where workspace_id = ${ws} and kind = ${k.kind} and key = ${k.key}`
    if (existing === undefined) return null
    if (existing.body_hash !== k.hash) throw new IdempotencyKeyReused()
    return await completeDuplicate(ws, existing.event_id)
  }

  async function completeDuplicate (ws: string, eventId: string): Promise<RecordResult> {
    const [event] = await sql<Array<{ visitor_id: string | null }>>`select visitor_id from events where workspace_id = ${ws} and id = ${eventId} limit 1`
    const dispatches = await sql<Array<{ id: string, connector: string, status: string }>>`
      select id, connector, status from connector_dispatches where workspace_id = ${ws} and event_id = ${eventId} order by connector`
    return { event_id: eventId, visitor_id: event?.visitor_id ?? null, status: 'duplicate', dispatches: [...dispatches] }
  }

  async function record (ws: string, input: RecordInput, context: RecordContext): Promise<RecordResult> {
    const now = new Date()
    const prepared = prepareEvent(ws, input, context, { ownDomains: config.ownDomains, ipMode: config.ipMode, geo: geoReader, now })
    // REST requests check their idempotency key up front (a fast 200/409); beacon event ids are
    // settled inside the batch (claimKeys), which keeps the beacon path free of extra round trips.
    if (context.via !== 'beacon') {
      const duplicate = await duplicateOf(ws, prepared)
      if (duplicate !== null) return duplicate
    }
    let target: Target
    if (input.resolve != null) {
      target = {
        resolve: {
          ...input.resolve,
          source: prepared.source,
          geo: prepared.row.geo,
          device: prepared.device,
          occurred_at: prepared.row.occurred_at
        }
      }
    } else {
      target = { visitorId: await selectVisitor(ws, input) }
    }
    const item: PendingEvent = { prepared, target }
    await buffer.enqueue(item)
    const outcome = item.outcome
    if (outcome === undefined) throw new Error('event batch committed without an outcome for this event')
    if (!outcome.ok) throw outcome.error
    return outcome.result.status === 'duplicate' ? await completeDuplicate(ws, outcome.result.event_id) : outcome.result
  }

  app.decorate('recorder', { record })
}

export default fp(recorderPlugin, { name: 'recorder', fastify: '5.x', dependencies: ['core', 'identity'] })
