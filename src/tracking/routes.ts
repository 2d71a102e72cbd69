// POST /ga/t/event, POST /ga/t/click and their CORS preflights (reference §6.1–6.2, §5.9).
// Order of checks, each a thrown error rendered by the one error handler:
//   body too large (413, Fastify) → not one JSON object (400) → publishable key (401/403) →
//   Origin (403, no CORS headers) → field validation (422) → client conversion rules (403: a sale
//   needs a key allowing client sales, a lead or sale an allowed Origin) → identity claims (kept
//   only with a valid identity token, else as hints) → identity + cookies → durable store
//   (200 {"status":"ok"} only after commit; 503 + Retry-After when the database cannot take it).
// Everything a beacon records is stored with trust "client" (issue 14 items 2–3).
// The hot path logs nothing per request (STACK.md: per-request logging halves throughput).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { normalizeOrigin } from '../auth/origins.js'
import { urlHost } from '../classify/index.js'
import { errorResponses } from '../errors.js'
import { ANON_COOKIE, chooseIdentity, GA_COOKIE, identityCookieOptions, readSignedCookie, type BeaconIdentity } from './cookies.js'
import { corsHeaders, corsVerdict, preflightHeaders, type CorsVerdict } from './cors.js'
import { ClientSaleNotAllowed, ConversionOriginRequired, InvalidBeacon, OriginNotAllowed } from './errors.js'
import { checkIdentityClaims } from './identity-token.js'
import { beaconObject } from './payload.js'
import { cleanLinkKey, sanitizeBeacon, withHints, type BeaconEvent } from './sanitize.js'
import type { BeaconContext, BeaconSink } from './sink.js'
import type { BeaconSite, SiteKeys } from './site-keys.js'
import { refuseClientConversion } from './trust.js'
import type { WorkspaceTrust } from '../trust/service.js'

export interface BeaconRouteOptions {
  sink: BeaconSink
  sites: SiteKeys
  bodyLimit: number
  cookieDomain: string | null
  /** The workspace's identity secrets and revenue opt-in (cached by the trust feature). */
  trustOf: (workspaceId: string) => Promise<WorkspaceTrust>
}

const Ok = Type.Object({ status: Type.Literal('ok') })
const ClickOk = Type.Object({ status: Type.Literal('ok'), ga_id: Type.String(), visitor_id: Type.Optional(Type.Union([Type.String(), Type.Null()])) })
// Documented shape; the body is validated by sanitizeBeacon (text/plain bodies arrive as strings).
const BeaconBody = Type.Unknown({
  description: 'One JSON object, sent as application/json or text/plain: event_type (default pageview), event_id (UUID), url, referrer, ' +
    'title, screen, language, ga_id, anonymous_id, pk, fingerprint, _fbp, _fbc, click ids, event_name, amount_cents, currency, ' +
    'person_external_id, person_email, person_name, identity_token, properties, reconcile_only; engagement adds engaged_ms and scroll_depth. /click adds key. ' +
    'person_external_id / person_email count only with identity_token = hex HMAC-SHA256(identity secret, person_external_id); otherwise they are kept as unverified hints.'
})

function selfOrigin (req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`
}

function contextOf (req: FastifyRequest, event: BeaconEvent, clientRevenue = false): BeaconContext {
  const ua = req.headers['user-agent']
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua : null, pageHost: urlHost(event.url), requestHost: req.hostname.toLowerCase(), clientRevenue }
}

const beaconRoutes: FastifyPluginAsyncTypebox<BeaconRouteOptions> = async (app, opts) => {
  const { sink, sites, cookieDomain, trustOf } = opts

  /** Parses, finds the site and enforces its origins; sets the CORS headers every later answer carries. */
  async function admit (req: FastifyRequest, reply: FastifyReply): Promise<{ raw: Record<string, unknown>, site: BeaconSite, origin: CorsVerdict }> {
    const raw = beaconObject(req.body)
    const site = await sites.siteOf(typeof raw.pk === 'string' ? raw.pk.trim() : raw.pk === undefined || raw.pk === null ? null : '')
    const verdict = corsVerdict(req.headers.origin, site.allowedOrigins, selfOrigin(req))
    if (verdict.kind === 'denied') throw new OriginNotAllowed(verdict.origin)
    if (verdict.kind === 'allowed') void reply.headers(corsHeaders(verdict.origin))
    return { raw, site, origin: verdict }
  }

  /**
   * What of the beacon may be believed: refuses sales and leads a browser may not send, and keeps
   * person claims only when the identity token verifies (else they become hints on the event).
   */
  async function vouch (site: BeaconSite, origin: CorsVerdict, event: BeaconEvent): Promise<{ event: BeaconEvent, clientRevenue: boolean }> {
    const refusal = refuseClientConversion(event.event_type, site, origin)
    if (refusal === 'sale_not_allowed') throw new ClientSaleNotAllowed()
    if (refusal === 'origin_required') throw new ConversionOriginRequired()
    const claims = event.person_external_id !== null || event.person_email !== null
    const conversion = event.event_type === 'sale' || event.event_type === 'lead'
    if (!claims && !conversion) return { event, clientRevenue: false }
    const trust = await trustOf(site.workspaceId)
    if (!claims) return { event, clientRevenue: trust.countClientRevenue }
    const checked = checkIdentityClaims(event, trust.identitySecrets)
    return {
      event: { ...event, ...checked.verified, properties: withHints(event.properties, checked.hints) },
      clientRevenue: conversion && trust.countClientRevenue
    }
  }

  /** The visitor's ids; the cookies are set by `keep` once the beacon is stored. */
  function identify (req: FastifyRequest, event: BeaconEvent): BeaconIdentity {
    const unsign = (v: string): { valid: boolean, value: string | null } => req.unsignCookie(v)
    const identity = chooseIdentity(
      { ga_id: readSignedCookie(req.cookies[GA_COOKIE], unsign), anonymous_id: readSignedCookie(req.cookies[ANON_COOKIE], unsign) },
      { ga_id: event.ga_id, anonymous_id: event.anonymous_id }
    )
    return identity
  }

  function keep (req: FastifyRequest, reply: FastifyReply, identity: BeaconIdentity): void {
    const options = identityCookieOptions({ secure: req.protocol === 'https', host: req.hostname, cookieDomain })
    if (identity.set.ga_id !== null) void reply.setCookie(GA_COOKIE, identity.set.ga_id, options)
    void reply.setCookie(ANON_COOKIE, identity.set.anonymous_id, options)
  }

  // One parser for both content types, so JSON and text/plain bodies get the same answers.
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })

  const common = {
    bodyLimit: opts.bodyLimit,
    // Bodies are checked by beaconObject/sanitizeBeacon so that text/plain and JSON get the same answers.
    attachValidation: false
  }

  // POST /ga/t/event – a beacon
  app.post('/ga/t/event', {
    ...common,
    schema: {
      tags: ['tracking'],
      summary: 'Beacon: pageview, custom, lead, sale, identify, engagement …',
      description: 'Public. Workspace from the publishable key `pk` (else the default workspace). 200 once durable; ' +
        '400 not one JSON object; 401 unknown pk; 403 disallowed Origin or secret key as pk, a sale on a key without allow_client_sales ' +
        '(CLIENT_SALE_NOT_ALLOWED), a lead or sale without an allowed Origin (CONVERSION_ORIGIN_REQUIRED); 413 over 64 KB; 422 invalid fields; ' +
        '503 + Retry-After when it cannot persist. Stored with trust "client".',
      body: BeaconBody,
      response: { 200: Ok, ...errorResponses }
    }
  }, async (req, reply) => {
    const { raw, site, origin } = await admit(req, reply)
    const { event, clientRevenue } = await vouch(site, origin, sanitizeBeacon(raw))
    const identity = identify(req, event)
    const ctx = contextOf(req, event, clientRevenue)
    if (event.event_type === 'engagement') await sink.recordEngagement(site.workspaceId, event, identity, ctx)
    else if (event.reconcile_only) await sink.reconcile(site.workspaceId, event, identity, ctx)
    else await sink.recordEvent(site.workspaceId, event, identity, ctx)
    keep(req, reply, identity)
    return { status: 'ok' as const }
  })

  // POST /ga/t/click – a ?via= / ?ref= landing (reference §5.9)
  app.post('/ga/t/click', {
    ...common,
    schema: {
      tags: ['tracking'],
      summary: 'Client-side click of a ?via= / ?ref= landing',
      description: 'Public. Same body as /ga/t/event plus `key` (the link key). Records a link_click and answers the click id as ga_id ' +
        '(the snippet adopts it). 404 unknown key, 410 expired link; other answers as /ga/t/event.',
      body: BeaconBody,
      response: { 200: ClickOk, ...errorResponses }
    }
  }, async (req, reply) => {
    const { raw, site } = await admit(req, reply)
    const key = cleanLinkKey(raw.key)
    if (key === null) throw new InvalidBeacon('key is required: the ?via= / ?ref= link key')
    const event = sanitizeBeacon({ ...raw, event_type: 'link_click' })
    const identity = identify(req, event)
    const answer = await sink.recordClick(site.keyId === null ? null : site.workspaceId, key, event, identity, contextOf(req, event))
    // The click id becomes the browser's ga_id when it had none (as the redirect does).
    keep(req, reply, identity.fromCookie.ga_id ? identity : { ...identity, set: { ...identity.set, ga_id: answer.ga_id } })
    return { status: 'ok' as const, ga_id: answer.ga_id, visitor_id: answer.visitor_id }
  })

  // OPTIONS /ga/t/* – CORS preflight (fetch with application/json; sendBeacon's text/plain needs none)
  app.options('/ga/t/*', {
    schema: { tags: ['tracking'], summary: 'CORS preflight for beacons', response: { 204: Type.Null(), ...errorResponses } }
  }, async (req, reply) => {
    const header = req.headers.origin
    if (header === undefined) return await reply.code(204).send(null)
    const origin = normalizeOrigin(header)
    if (origin === null || (origin !== selfOrigin(req) && !await sites.originKnown(origin))) throw new OriginNotAllowed(origin ?? header.slice(0, 200))
    return await reply.code(204).headers(preflightHeaders(origin)).send()
  })
}

export default beaconRoutes
