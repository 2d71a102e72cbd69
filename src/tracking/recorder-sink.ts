// The BeaconSink wired to the rest of the service. Every door leads onto the one spine:
//   events      → app.recorder (validation, enrichment, dedupe of the client event_id for ≥ 24 h);
//                 identify/lead/sale and person claims make a person, other events stay the browser's;
//   engagement  → the recorder too; the sessions consumer drops it when its browser has no live session;
//   reconcile   → app.identity in one short transaction, only when the beacon claims a person;
//   /click      → a link click item enqueued (durable: answered once committed).
import type { FastifyInstance } from 'fastify'
import { parseUserAgent, queryParamsFromUrl } from '../classify/index.js'
import { uuidv7 } from '../db/uuid.js'
import { IdempotencyKeyReused } from '../events/errors.js'
import type { RecordContext, RecordInput } from '../events/types.js'
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
  const { sql } = app.database

  // Beacons are client-trust events (issue 14 item 2); the route decided whether their revenue counts.
  function context (ctx: BeaconContext, identity: BeaconIdentity): RecordContext {
    return { ip: ctx.ip, userAgent: ctx.userAgent, pageHost: ctx.pageHost, via: 'beacon', trust: 'client', clientRevenue: ctx.clientRevenue, gaIdFromCookie: identity.fromCookie.ga_id }
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
      await deduped(app.recorder.record(ws, input, context(ctx, identity)))
    },

    // reference §4.7: it joins the browser's live session; without one it is dropped (no row).
    async recordEngagement (ws, event, identity, ctx) {
      const input: RecordInput = {
        event_type: 'engagement',
        url: event.url,
        properties: engagementProperties(event),
        client_event_id: event.event_id,
        resolve: { ga_id: identity.ga_id }
      }
      // No UA, IP or referrer: an engagement row carries no source or device (reference §4.7).
      await deduped(app.recorder.record(ws, input, { ip: null, userAgent: null, pageHost: ctx.pageHost, via: 'beacon', trust: 'client', gaIdFromCookie: identity.fromCookie.ga_id }))
    },

    // `reconcile_only`: identity without an event row. A pageview makes no person: only claims do.
    async reconcile (ws, event, identity) {
      const signals = resolveSignals(event, identity)
      if (signals.person_external_id == null && signals.person_email == null) return
      await sql.begin(async tx => { await app.identity.resolveMany(tx, ws, [{ ...signals, occurred_at: new Date() }]) })
    },

    async recordClick (ws, key, event, identity, ctx): Promise<ClickAnswer> {
      const link = await app.links.cache.resolve(ctx.requestHost, key)
      if (link === null || (ws !== null && link.workspaceId !== ws)) throw new LinkNotFound()
      if (isExpired(link, Date.now())) throw new LinkExpired()
      const clickId = uuidv7()
      const device = parseUserAgent(ctx.userAgent)
      const gaId = identity.fromCookie.ga_id ? identity.ga_id : clickId
      // Durable like every beacon: the answer is sent once the click is committed.
      const item = app.links.clickItem({
        linkId: link.id,
        workspaceId: link.workspaceId,
        clickId,
        // As the redirect does: a returning browser keeps its ga_id, a new one takes the click id.
        gaId,
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
      // Reported by the browser, not seen by a redirect: client trust like every beacon (issue 14 item 2).
      item.row.trust = 'client'
      await app.spine.enqueue(item)
      return { ga_id: clickId, visitor_id: null }
    }
  }
}
