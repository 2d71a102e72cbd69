// GET|HEAD /:key – the short-link redirect; POST /:key – the password form's answer.
// Hot path: link from the in-memory cache, 302 sent, click pushed to the buffer (not awaited);
// no database, no per-request logging. HEAD answers like GET but never records a click.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { LRUCache } from 'lru-cache'
import { Type } from 'typebox'
import { classifySource, parseUserAgent, type GeoLookup } from '../../classify/index.js'
import { hookCookieOptions, type HookCookie, type RedirectHookContext } from '../../webhooks/index.js'
import { uuidv7 } from '../../db/uuid.js'
import { errorResponses } from '../../errors.js'
import type { CachedLink, LinkCache } from '../cache.js'
import type { ClickInput } from '../clicks.js'
import { isReservedKey, KEY_PATTERN } from '../keys.js'
import { lazyChildLogger } from '../lazy-logger.js'
import { isExpired } from '../lookup.js'
import { PAGE_CSP, passwordPage, redirectBody } from '../pages.js'
import { MAX_PASSWORD_LENGTH, signUnlockToken, UNLOCK_TTL_MS, unlockCookieName, verifyPassword, verifyUnlockToken } from '../password.js'
import { findDomainSettings } from '../queries.js'
import { isQrScan, resolveTarget } from '../redirect-target.js'
import { cookieScope, flatQuery, GA_COOKIE, GA_COOKIE_OPTIONS, gaCookieFromRequest, gaCookieLine, isPrefetch, requestHost } from '../request.js'
import { validateDestinationUrl } from '../url-validation.js'

export interface RedirectDeps {
  cache: LinkCache
  geo: GeoLookup | null
  /** Queues the click: undefined once queued, a promise only while the click queue is full (backpressure). */
  record: (click: ClickInput) => Promise<void> | undefined
  unlockSecret: string
  trustProxy: boolean
  cookieDomain: string | null
  /** The synchronous redirect hook (GA_REDIRECT_HOOK_URL), bounded by its 50 ms budget; absent when not configured. */
  hook?: (ctx: RedirectHookContext) => Promise<HookCookie[]>
  ownDomains?: readonly string[]
}

const NO_STORE_HEADERS = {
  'cache-control': 'private, no-store',
  'referrer-policy': 'no-referrer-when-downgrade',
  'x-robots-tag': 'noindex',
  'x-content-type-options': 'nosniff'
} as const

const DESCRIPTION = 'Short-link redirect (302). The domain is the request Host (X-Forwarded-Host behind a trusted proxy); ' +
  'when no link has that domain+key, a key-only lookup succeeds if exactly one live link has the key. ' +
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
  const sql = app.database.sql
  // Per-request loggers only when a redirect actually logs (this plugin's routes only).
  app.setChildLoggerFactory((logger, bindings, options) => lazyChildLogger(logger, bindings, options))
  // The identity cookie is only ever set with the configured domain (or none): its attributes are formatted once.
  const identityCookieLine = gaCookieLine(app.serializeCookie, deps.cookieDomain ?? undefined)
  // Only this plugin parses HTML form posts (the password form); small bodies only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  // Per-domain fallbacks from `settings` (`domain:<host>` → {not_found_url, expired_url}), cached a minute.
  const domainSettings = new LRUCache<string, Record<string, unknown> | false>({ max: 1000, ttl: 60_000 })
  async function domainUrl (domain: string, field: 'not_found_url' | 'expired_url'): Promise<string | null> {
    let settings = domainSettings.get(domain)
    if (settings === undefined) {
      settings = (await findDomainSettings(sql, domain)) ?? false
      domainSettings.set(domain, settings)
    }
    if (settings === false) return null
    const check = validateDestinationUrl(settings[field], { ownDomains: [domain] })
    return check.ok ? check.url : null
  }

  function plain (reply: FastifyReply, status: number, text: string): FastifyReply {
    return reply.code(status).headers(NO_STORE_HEADERS).type('text/plain; charset=utf-8').send(text)
  }

  function bare302 (reply: FastifyReply, location: string): FastifyReply {
    return reply.code(302).headers(NO_STORE_HEADERS).header('location', location).type('text/html; charset=utf-8').send(redirectBody(location))
  }

  async function notFound (reply: FastifyReply, domain: string): Promise<FastifyReply> {
    const url = await domainUrl(domain, 'not_found_url')
    return url === null ? plain(reply, 404, 'Link not found') : bare302(reply, url)
  }

  async function expired (reply: FastifyReply, link: CachedLink, domain: string): Promise<FastifyReply> {
    const url = link.expiredUrl ?? await domainUrl(domain, 'expired_url')
    return url === null ? plain(reply, 410, 'Link expired') : bare302(reply, url)
  }

  function passwordForm (reply: FastifyReply, wrong: boolean): FastifyReply {
    return reply.code(wrong ? 401 : 200).headers(NO_STORE_HEADERS).header('content-security-policy', PAGE_CSP)
      .header('x-frame-options', 'DENY').type('text/html; charset=utf-8').send(passwordPage({ wrong }))
  }

  /** The live link for this request, or the reply already sent (400/404/410). */
  async function findLink (req: FastifyRequest, key: string, reply: FastifyReply): Promise<{ link: CachedLink, host: string } | FastifyReply> {
    const hostPort = requestHost(req, deps.trustProxy)
    if (hostPort === null) return plain(reply, 400, 'Invalid Host header')
    const domain = hostPort.host
    if (!KEY_PATTERN.test(key)) return await notFound(reply, domain)
    const link = cache.peek(domain, key) ?? await cache.resolve(domain, key)
    if (link === null) return await notFound(reply, domain)
    if (isExpired(link, Date.now())) return await expired(reply, link, domain)
    return { link, host: domain }
  }

  async function redirect (req: FastifyRequest, reply: FastifyReply, link: CachedLink, host: string): Promise<FastifyReply> {
    const userAgent = req.headers['user-agent'] ?? null
    const device = parseUserAgent(userAgent)
    const country = link.hasGeoTargeting && geo !== null ? geo.lookup(req.ip)?.country ?? null : null
    const clickId = uuidv7()
    const gaCookie = gaCookieFromRequest(req)
    const target = resolveTarget(link, { os: device.os, userAgent, country }, req.query as Record<string, unknown>, clickId)
    if (target === null) return plain(reply, 400, 'Invalid destination URL')

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
    return bare302(reply, target)
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
    if (!('link' in found)) return found
    if (found.link.passwordHash !== null && !isUnlocked(req, found.link)) return passwordForm(reply, false)
    return await redirect(req, reply, found.link, found.host)
  })

  // POST /:key – password form; the right password redirects (and counts the click), a wrong one → 401
  app.post('/:key', {
    validatorCompiler: documentedOnly,
    schema: {
      tags: ['redirect'],
      summary: 'Unlock a password-protected short link',
      description: 'Form post (`password=...`) from the password page. The right password sets a signed unlock cookie for this link (24 h) and redirects; a wrong one answers 401 with the form.',
      params: KeyParams,
      response: {
        302: textReply('Unlocked: redirect to the destination'),
        401: textReply('Wrong password: the form again'),
        ...LOOKUP_FAILURES
      }
    }
  }, async (req, reply) => {
    if (isReservedKey(req.params.key)) { reply.callNotFound(); return reply }
    const found = await findLink(req, req.params.key, reply)
    if (!('link' in found)) return found
    const { link, host } = found
    if (link.passwordHash === null) return await redirect(req, reply, link, host)
    const body = req.body as Record<string, unknown> | undefined
    const password = typeof body?.password === 'string' ? body.password : ''
    if (password === '' || password.length > MAX_PASSWORD_LENGTH || !(await verifyPassword(password, link.passwordHash))) {
      return passwordForm(reply, true)
    }
    void reply.setCookie(unlockCookieName(link.id), signUnlockToken(link.id, deps.unlockSecret, { passwordHash: link.passwordHash, nowMs: Date.now() }), {
      httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', path: '/', maxAge: Math.floor(UNLOCK_TTL_MS / 1000)
    })
    return await redirect(req, reply, link, host)
  })
}

export default redirectRoutes
