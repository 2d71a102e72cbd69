// GET|HEAD /:key – the short-link redirect; POST /:key – the password form's answer.
// Hot path: link from the in-memory cache, 302 sent, click pushed to the buffer (not awaited);
// no database, no per-request logging. HEAD answers like GET but never records a click.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { classifySource, parseUserAgent, type GeoLookup } from '../../classify/index.js'
import { hookCookieOptions, type HookCookie, type RedirectHookContext } from '../../webhooks/index.js'
import { uuidv7 } from '../../db/uuid.js'
import { errorResponses } from '../../errors.js'
import { LinkTakesNoPassword } from '../errors.js'
import type { CachedLink, LinkCache } from '../cache.js'
import type { ClickInput } from '../clicks.js'
import { isReservedKey, KEY_PATTERN } from '../keys.js'
import { lazyChildLogger } from '../lazy-logger.js'
import { isExpired } from '../lookup.js'
import { PAGE_CSP, passwordPage, redirectBody } from '../pages.js'
import { MAX_PASSWORD_LENGTH, signUnlockToken, UNLOCK_TTL_MS, unlockCookieName, verifyPassword, verifyUnlockToken } from '../password.js'
import { isQrScan, resolveTarget } from '../redirect-target.js'
import { cookieScope, flatQuery, GA_COOKIE, GA_COOKIE_OPTIONS, gaCookieFromRequest, gaCookieLine, isPrefetch, requestHost } from '../request.js'
import { validateDestinationUrl } from '../url-validation.js'

export interface RedirectDeps {
  cache: LinkCache
  geo: GeoLookup | null
  /** Queues the click: undefined once queued, a promise only while the click queue is full (backpressure). */
  record: (click: ClickInput) => Promise<void> | undefined
  unlockSecret: string
  cookieDomain: string | null
  /** The synchronous redirect hook (GA_REDIRECT_HOOK_URL), bounded by its 50 ms budget; absent when not configured. */
  hook?: (ctx: RedirectHookContext) => Promise<HookCookie[]>
  ownDomains?: readonly string[]
}

// Every answer of the short-link host. Referrer-Policy (issue 14 item 16): the destination learns
// only our origin, never the short link's path, unless the link asks for another policy.
export const DEFAULT_REFERRER_POLICY = 'strict-origin-when-cross-origin'
const NO_STORE_HEADERS = {
  'cache-control': 'private, no-store',
  'referrer-policy': DEFAULT_REFERRER_POLICY,
  'x-robots-tag': 'noindex',
  'x-content-type-options': 'nosniff'
} as const

const DESCRIPTION = 'Short-link redirect (302). The domain is the request Host (X-Forwarded-Host from a trusted proxy). ' +
  'A host owned by a workspace (/ga/api/domains) serves only that workspace\'s links; a shared GA_LINK_DOMAINS domain serves any workspace\'s. ' +
  'On a host nobody owns, a key-only lookup among the shared domains\' links succeeds if exactly one live link has the key. ' +
  '**Keys are case-sensitive**: `/Abc` and `/abc` are different links. Reserved first segments (ga, api, healthz, readyz, favicon.ico, robots.txt) are never keys. ' +
  'Unknown → 404 (or the domain\'s not_found_url), expired → 410 (or expired_url), password-protected → HTML form. HEAD never counts a click.'

const KeyParams = Type.Object({ key: Type.String({ description: 'Link key (case-sensitive)' }) })
// The router always hands `key` over as a string: the params schema documents the route, and
// checking it on every click would only cost time.
const documentedOnly = (): (() => boolean) => () => true
const textReply = (description: string) => ({ description, type: 'string' })
/** What every key lookup can answer besides its own success. */
const LOOKUP_FAILURES = {
  404: textReply('Link not found'),
  410: textReply('Link expired'),
  '5xx': errorResponses['5xx']
}

const redirectRoutes: FastifyPluginAsyncTypebox<RedirectDeps> = async (app, deps) => {
  const { cache, geo } = deps
  // Per-request loggers only when a redirect actually logs (this plugin's routes only).
  app.setChildLoggerFactory((logger, bindings, options) => lazyChildLogger(logger, bindings, options))
  // The identity cookie is only ever set with the configured domain (or none): its attributes are formatted once.
  const identityCookieLine = gaCookieLine(app.serializeCookie, deps.cookieDomain ?? undefined)
  // Only this plugin parses HTML form posts (the password form); small bodies only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  // The host's pages (root_url, not_found_url, expired_url) come from its domain row (cached by the
  // domains feature); they are checked again here, as they are emitted as Location.
  async function domainUrl (domain: string, field: 'rootUrl' | 'notFoundUrl' | 'expiredUrl'): Promise<string | null> {
    const pages = await app.domains.pages(domain)
    const raw = pages?.[field] ?? null
    if (raw === null) return null
    const check = validateDestinationUrl(raw, { ownDomains: [domain] })
    return check.ok ? check.url : null
  }

  // Expected answers (404, 410, 400) are sent here and never logged: they are not errors of ours.
  function plain (reply: FastifyReply, status: number, text: string): void {
    void reply.code(status).headers(NO_STORE_HEADERS).type('text/plain; charset=utf-8').send(text)
  }

  function bare302 (reply: FastifyReply, location: string, referrerPolicy: string | null = null): FastifyReply {
    void reply.code(302).headers(NO_STORE_HEADERS)
    if (referrerPolicy !== null) void reply.header('referrer-policy', referrerPolicy)
    return reply.header('location', location).type('text/html; charset=utf-8').send(redirectBody(location))
  }

  async function notFound (reply: FastifyReply, domain: string): Promise<void> {
    const url = await domainUrl(domain, 'notFoundUrl')
    if (url === null) plain(reply, 404, 'Link not found')
    else bare302(reply, url)
  }

  async function expired (reply: FastifyReply, link: CachedLink, domain: string): Promise<void> {
    const url = link.expiredUrl ?? await domainUrl(domain, 'expiredUrl')
    if (url === null) plain(reply, 410, 'Link expired')
    else bare302(reply, url, link.referrerPolicy)
  }

  function passwordForm (reply: FastifyReply, wrong: boolean): FastifyReply {
    return reply.code(wrong ? 401 : 200).headers(NO_STORE_HEADERS).header('content-security-policy', PAGE_CSP)
      .header('x-frame-options', 'DENY').type('text/html; charset=utf-8').send(passwordPage({ wrong }))
  }

  /** The live link this host may serve for the request, or null once the answer (400/404/410) is sent. */
  async function findLink (req: FastifyRequest, key: string, reply: FastifyReply): Promise<{ link: CachedLink, host: string } | null> {
    const hostPort = requestHost(req)
    if (hostPort === null) { plain(reply, 400, 'Invalid Host header'); return null }
    const domain = hostPort.host
    if (!KEY_PATTERN.test(key)) { await notFound(reply, domain); return null }
    const link = cache.peek(domain, key) ?? await cache.resolve(domain, key)
    if (link === null) { await notFound(reply, domain); return null }
    if (isExpired(link, Date.now())) { await expired(reply, link, domain); return null }
    return { link, host: domain }
  }

  async function redirect (req: FastifyRequest, reply: FastifyReply, link: CachedLink, host: string): Promise<FastifyReply> {
    const userAgent = req.headers['user-agent'] ?? null
    const device = parseUserAgent(userAgent)
    const country = link.hasGeoTargeting && geo !== null ? geo.lookup(req.ip)?.country ?? null : null
    const clickId = uuidv7()
    const gaCookie = gaCookieFromRequest(req)
    const target = resolveTarget(link, { os: device.os, userAgent, country }, req.query as Record<string, unknown>, clickId)
    if (target === null) { plain(reply, 400, 'Invalid destination URL'); return reply }

    if (req.method !== 'HEAD') {
      const bot = device.bot || isPrefetch(req)
      const gaId = gaCookie?.gaId ?? clickId
      const scope = bot ? null : cookieScope(host, deps.cookieDomain)
      if (scope !== null) {
        const secure = req.protocol === 'https'
        const line = identityCookieLine(gaCookie?.signed ?? app.signCookie(gaId), secure)
        if (line !== null) void reply.header('set-cookie', line)
        else void reply.setCookie(GA_COOKIE, gaId, { ...GA_COOKIE_OPTIONS, signed: true, secure, domain: scope.domain })
      }
      const query = flatQuery(req.query)
      const referrer = req.headers.referer
      const queued = deps.record({
        linkId: link.id,
        workspaceId: link.workspaceId,
        clickId,
        gaId,
        gaIdFromCookie: gaCookie !== null,
        at: new Date(),
        ip: req.ip ?? null,
        userAgent,
        referrer: typeof referrer === 'string' && referrer !== '' ? referrer : null,
        query,
        url: target,
        host,
        key: link.key,
        qr: isQrScan(query),
        device,
        bot,
        botName: device.bot ? device.bot_name : bot ? 'prefetch' : null
      })
      if (queued !== undefined) await queued
      // Humans only: the hook's cookies are for browsers, and bots must not cost a callout.
      if (deps.hook !== undefined && !bot) {
        const cookies = await deps.hook({
          link: { id: link.id, workspace_id: link.workspaceId, domain: host, key: link.key, url: target },
          click_id: clickId,
          source: { ...classifySource({ queryParams: query, referrer: typeof referrer === 'string' ? referrer : null, ownDomains: deps.ownDomains ?? [] }) },
          qr: isQrScan(query),
          params: query,
          ga_id: gaId
        })
        for (const c of cookies) void reply.setCookie(c.name, c.value, hookCookieOptions(c, { secure: req.protocol === 'https', domain: scope?.domain }))
      }
    }
    return bare302(reply, target, link.referrerPolicy)
  }

  function isUnlocked (req: FastifyRequest, link: CachedLink): boolean {
    const token = req.cookies?.[unlockCookieName(link.id)]
    return verifyUnlockToken(token, link.id, deps.unlockSecret, { passwordHash: link.passwordHash as string, nowMs: Date.now() })
  }

  // GET|HEAD /:key – redirect
  app.get('/:key', {
    validatorCompiler: documentedOnly,
    schema: {
      tags: ['redirect'],
      summary: 'Follow a short link',
      description: DESCRIPTION,
      params: KeyParams,
      response: {
        200: textReply('Password form (password-protected link)'),
        302: textReply('Redirect to the destination (Location); ga_id=<click id> appended'),
        400: textReply('Invalid Host header / Invalid destination URL'),
        ...LOOKUP_FAILURES
      }
    }
  }, async (req, reply) => {
    if (isReservedKey(req.params.key)) { reply.callNotFound(); return reply }
    const found = await findLink(req, req.params.key, reply)
    if (found === null) return reply
    if (found.link.passwordHash !== null && !isUnlocked(req, found.link)) return passwordForm(reply, false)
    return await redirect(req, reply, found.link, found.host)
  })

  // GET|HEAD / – the short-link host's root: its domain's root_url, else 404.
  app.get('/', {
    schema: {
      tags: ['redirect'],
      summary: 'Root of a short-link domain',
      description: 'Redirects (302) to the root_url of the domain named by Host (/ga/api/domains); 404 when it has none.',
      response: { 302: textReply('Redirect to the domain\'s root_url'), 400: textReply('Invalid Host header'), 404: textReply('Not found'), '5xx': errorResponses['5xx'] }
    }
  }, async (req, reply) => {
    const hostPort = requestHost(req)
    if (hostPort === null) { plain(reply, 400, 'Invalid Host header'); return reply }
    const url = await domainUrl(hostPort.host, 'rootUrl')
    if (url === null) plain(reply, 404, 'Not found')
    else bare302(reply, url)
    return reply
  })

  // POST /:key – password form; the right password redirects (and counts the click), a wrong one → 401
  app.post('/:key', {
    validatorCompiler: documentedOnly,
    schema: {
      tags: ['redirect'],
      summary: 'Unlock a password-protected short link',
      description: 'Form post (`password=...`) from the password page. The right password sets a signed unlock cookie for this link (24 h) and redirects; a wrong one answers 401 with the form. ' +
        'Attempts are limited per client IP and per link (GA_PASSWORD_ATTEMPTS_PER_IP / _PER_LINK per 15 minutes): past them 429 with Retry-After. A link without a password answers 405.',
      params: KeyParams,
      response: {
        302: textReply('Unlocked: redirect to the destination'),
        401: textReply('Wrong password: the form again'),
        405: errorResponses['4xx'],
        429: errorResponses['4xx'],
        ...LOOKUP_FAILURES
      }
    }
  }, async (req, reply) => {
    if (isReservedKey(req.params.key)) { reply.callNotFound(); return reply }
    const found = await findLink(req, req.params.key, reply)
    if (found === null) return reply
    const { link, host } = found
    if (link.passwordHash === null) {
      void reply.header('allow', 'GET, HEAD')
      throw new LinkTakesNoPassword()
    }
    const body = req.body as Record<string, unknown> | undefined
    const password = typeof body?.password === 'string' ? body.password : ''
    if (password === '' || password.length > MAX_PASSWORD_LENGTH) return passwordForm(reply, true)
    // Counted before the scrypt: guessing costs the guesser its budget, not our thread pool.
    app.limits.passwordAttempt(req, reply, link.id)
    if (!(await verifyPassword(password, link.passwordHash))) return passwordForm(reply, true)
    void reply.setCookie(unlockCookieName(link.id), signUnlockToken(link.id, deps.unlockSecret, { passwordHash: link.passwordHash, nowMs: Date.now() }), {
      httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', path: '/', maxAge: Math.floor(UNLOCK_TTL_MS / 1000)
    })
    return await redirect(req, reply, link, host)
  })
}

export default redirectRoutes
