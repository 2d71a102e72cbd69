// The BeaconSink wired to the rest of the service:
//   events      → app.recorder (one validation/enrichment path, group commit through the ingest
//                 buffer, dedupe of the client event_id in event_keys for ≥ 24 h);
//   engagement  → the recorder too, but only for an existing, unambiguous visitor (reference §4.7);
//   reconcile   → app.identity in one short transaction (identity update, no event row);
//   /click      → the links feature's click flush (unique clicks, counters, identity) through a
//                 buffer of our own, awaited: the answer is sent after the click committed.
import type { FastifyInstance } from 'fastify'
import { openGeoReader, parseUserAgent, queryParamsFromUrl, type GeoLookup } from '../classify/index.js'
import { deriveKey } from '../config.js'
import { uuidv7 } from '../db/uuid.js'
import { IdempotencyKeyReused } from '../events/errors.js'
import { IngestBuffer } from '../events/ingest-buffer.js'
import type { RecordContext, RecordInput } from '../events/types.js'
import { VisitorNotFound } from '../identity/errors.js'
import { findCandidates } from '../identity/queries.js'
import { cleanSignals } from '../identity/signals.js'
import { createClickFlush, type ClickInput } from '../links/clicks.js'
import { isExpired } from '../links/lookup.js'
import type { BeaconIdentity } from './cookies.js'
import { LinkExpired, LinkNotFound } from '../links/errors.js'
import { LIMITS, type BeaconEvent, type Scalar } from './sanitize.js'
import type { BeaconContext, BeaconSink, ClickAnswer } from './sink.js'

/** The ids the browser really holds (cookie or body); freshly minted ones match nobody yet. */
export function knownIds (event: BeaconEvent, identity: BeaconIdentity): { ga_id?: string, anonymous_id?: string, fingerprint?: string } {
  const out: { ga_id?: string, anonymous_id?: string, fingerprint?: string } = {}
  if (identity.fromCookie.ga_id || event.ga_id !== null) out.ga_id = identity.ga_id
  if (identity.fromCookie.anonymous_id || event.anonymous_id !== null) out.anonymous_id = identity.anonymous_id
  if (event.fingerprint !== null) out.fingerprint = event.fingerprint
  return out
}

/** Engagement properties: the measured values first, then as many caller properties as still fit. */
export function engagementProperties (event: BeaconEvent): Record<string, Scalar> {
  const out: Record<string, Scalar> = {}
  if (event.engaged_ms !== null) out.engaged_ms = event.engaged_ms
  if (event.scroll_depth !== null) out.scroll_depth = event.scroll_depth
  for (const [k, v] of Object.entries(event.properties)) {
    if (Object.keys(out).length >= LIMITS.properties) break
    if (!(k in out)) out[k] = v
  }
  return out
}

function resolveSignals (event: BeaconEvent, identity: BeaconIdentity): NonNullable<RecordInput['resolve']> {
  return {
    ga_id: identity.ga_id,
    anonymous_id: identity.anonymous_id,
    fingerprint: event.fingerprint,
    person_external_id: event.person_external_id,
    person_email: event.person_email,
    click_id: identity.click_id,
    click_id_params: event.click_ids
  }
}

async function deduped (work: Promise<unknown>): Promise<void> {
  try {
    await work
  } catch (err) {
    // The same event_id again, with other ids around it (a retry that got fresh cookies): it is
    // already stored once, and the answer is the same 200.
    if (err instanceof IdempotencyKeyReused) return
    throw err
  }
}

export function createRecorderSink (app: FastifyInstance): BeaconSink {
  const { config, database } = app
  const { sql } = database
  let geo: GeoLookup | null | undefined
  const geoReader = (): GeoLookup | null => {
    if (geo === undefined) {
      try { geo = openGeoReader(config.geoipDb ?? undefined) } catch (err) { app.log.warn({ err }, 'tracking.geo_unavailable'); geo = null }
    }
    return geo
  }

  const clicks = new IngestBuffer<ClickInput>({
    name: 'beacon-clicks',
    flush: async items => {
      await createClickFlush({
        sql,
        identity: () => app.identity,
        geo: geoReader(),
        ipMode: config.ipMode,
        ownDomains: config.ownDomains,
        hashKey: deriveKey(config.secret, 'ga-link-unique-click'),
        onIdentityError: err => { app.log.warn({ err }, 'tracking.click_identity_failed') }
      })(items)
    },
    flushMs: config.ingest.flushMs,
    maxBatch: config.ingest.maxBatch,
    maxPending: config.ingest.maxPending,
    onError: (err, size) => { app.log.warn({ err, size }, 'tracking.click_flush_failed') }
  })
  app.jobs.add({ name: 'tracking.click-buffer', start: () => {}, stop: async () => { await clicks.close() } })

  // Beacons are client-trust events (issue 14 item 2); the route decided whether their revenue counts.
  function context (ctx: BeaconContext): RecordContext {
    return { ip: ctx.ip, userAgent: ctx.userAgent, pageHost: ctx.pageHost, via: 'beacon', trust: 'client', clientRevenue: ctx.clientRevenue }
  }

  return {
    async recordEvent (ws, event, identity, ctx) {
      const input: RecordInput = {
        event_type: event.event_type,
        event_name: event.event_name,
        url: event.url,
        referrer: event.referrer,
        properties: event.properties,
        amount_cents: event.amount_cents,
        currency: event.currency,
        client_event_id: event.event_id,
        connector_signals: event.connector_signals,
        fingerprint: event.fingerprint,
        click_id: identity.click_id,
        resolve: resolveSignals(event, identity)
      }
      await deduped(app.recorder.record(ws, input, context(ctx)))
    },

    async recordEngagement (ws, event, identity, ctx) {
      const signals = cleanSignals(knownIds(event, identity))
      if (signals.ga_id === undefined && signals.anonymous_id === undefined && signals.fingerprint === undefined) return
      const candidates = await findCandidates(sql, ws, signals, false)
      if (candidates.length !== 1) return
      const input: RecordInput = {
        event_type: 'engagement',
        visitor_id: candidates[0].id,
        url: event.url,
        properties: engagementProperties(event),
        client_event_id: event.event_id
      }
      try {
        // No UA, IP or referrer: an engagement row carries no source or device (reference §4.7).
        await deduped(app.recorder.record(ws, input, { ip: null, userAgent: null, pageHost: ctx.pageHost, via: 'beacon', trust: 'client' }))
      } catch (err) {
        if (err instanceof VisitorNotFound) return // merged away meanwhile: dropped, as upstream drops
        throw err
      }
    },

    async reconcile (ws, event, identity) {
      const signals = { ...resolveSignals(event, identity), occurred_at: new Date() }
      await sql.begin(async tx => { await app.identity.resolveMany(tx, ws, [signals]) })
    },

    async recordClick (ws, key, event, identity, ctx): Promise<ClickAnswer> {
      const link = await app.links.cache.resolve(ctx.requestHost, key)
      if (link === null || (ws !== null && link.workspaceId !== ws)) throw new LinkNotFound()
      if (isExpired(link, Date.now())) throw new LinkExpired()
      const clickId = uuidv7()
      const device = parseUserAgent(ctx.userAgent)
      await clicks.enqueue({
        linkId: link.id,
        workspaceId: link.workspaceId,
        clickId,
        // As the redirect does: a returning browser keeps its ga_id, a new one takes the click id.
        gaId: identity.fromCookie.ga_id ? identity.ga_id : event.ga_id ?? clickId,
        gaIdFromCookie: identity.fromCookie.ga_id,
        at: new Date(),
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        referrer: event.referrer,
        query: queryParamsFromUrl(event.url),
        url: event.url ?? link.url,
        host: ctx.requestHost,
        key: link.key,
        qr: false,
        device,
        bot: device.bot,
        botName: device.bot ? device.bot_name : null
      })
      return { ga_id: clickId, visitor_id: null }
    }
  }
}
