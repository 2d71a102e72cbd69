// Abuse limits (issue 14 item 6): @fastify/rate-limit counters, per process, in memory.
//   /ga/api/*, /ga/admin/*   per credential (a digest of the Authorization / X-Api-Key value; the
//                            client IP when none is sent)            GA_RATE_LIMIT_API per minute
//   /ga/t/*, GET /:key/qr    per client IP                          GA_RATE_LIMIT_PUBLIC per minute
//   GET|HEAD /:key           per client IP, only when configured    GA_RATE_LIMIT_REDIRECT per minute
// One callback hook on the root decides which limiter (if any) a request meets, so the redirect
// hot path pays a string comparison when its limit is off. Exceeding answers 429 with Retry-After
// in the shared error envelope. `app.limits.passwordAttempt` serves the password form (item 5).
import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { WindowCounter } from './window-counter.js'

export const WINDOW_MS = 60_000
export const PASSWORD_WINDOW_MS = 15 * 60_000

export class RateLimited extends Error {
  readonly statusCode = 429
  readonly code = 'RATE_LIMITED'
  constructor (readonly retryAfterS: number, what = 'requests') {
    super(`Too many ${what}, retry in ${retryAfterS} s`)
  }
}

export interface LimitsApi {
  /**
   * Counts one password attempt on a link from this client; throws RateLimited (and sets
   * Retry-After) when the client's or the link's budget for the window is spent.
   */
  passwordAttempt: (req: FastifyRequest, reply: FastifyReply, linkId: string) => void
}

declare module 'fastify' {
  interface FastifyInstance { limits: LimitsApi }
}

function credentialKey (req: FastifyRequest): string {
  const given = req.headers.authorization ?? req.headers['x-api-key']
  const token = Array.isArray(given) ? given[0] : given
  if (typeof token !== 'string' || token === '') return `ip:${req.ip}`
  return `key:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`
}

type Limiter = (req: FastifyRequest, reply: FastifyReply) => Promise<void>

async function limitsPlugin (app: FastifyInstance): Promise<void> {
  const { rateLimits, passwordAttempts } = app.config
  await app.register(rateLimit, {
    global: false,
    cache: 20_000,
    timeWindow: WINDOW_MS,
    errorResponseBuilder: (_req, ctx) => new RateLimited(Math.max(1, Math.ceil(ctx.ttl / 1000)))
  })
  const make = (max: number, keyGenerator?: (req: FastifyRequest) => string): Limiter | null =>
    max === 0 ? null : app.rateLimit({ max, timeWindow: WINDOW_MS, ...(keyGenerator === undefined ? {} : { keyGenerator }) }) as unknown as Limiter
  const api = make(rateLimits.api, credentialKey)
  const publicRoutes = make(rateLimits.public)
  const redirect = make(rateLimits.redirect)

  const limiterFor = (req: FastifyRequest): Limiter | null => {
    const url = req.routeOptions.url
    if (url === undefined) return null
    if (url === '/:key') return req.method === 'POST' ? null : redirect
    if (url.startsWith('/ga/api/') || url.startsWith('/ga/admin/')) return api
    if (url.startsWith('/ga/t/') || url === '/:key/qr') return publicRoutes
    return null
  }
  app.addHook('onRequest', (req, reply, done) => {
    const limiter = limiterFor(req)
    if (limiter === null) { done(); return }
    limiter(req, reply).then(() => { done() }, done)
  })

  // Password guessing (item 5): the client's budget and the link's, counted before the scrypt runs.
  const perIp = passwordAttempts.perIp === 0 ? null : new WindowCounter(passwordAttempts.perIp, PASSWORD_WINDOW_MS)
  const perLink = passwordAttempts.perLink === 0 ? null : new WindowCounter(passwordAttempts.perLink, PASSWORD_WINDOW_MS)
  app.decorate('limits', {
    passwordAttempt: (req, reply, linkId) => {
      for (const [counter, key] of [[perIp, req.ip], [perLink, linkId]] as const) {
        const hit = counter?.hit(key)
        if (hit !== undefined && !hit.allowed) {
          void reply.header('retry-after', String(hit.retryAfterS))
          throw new RateLimited(hit.retryAfterS, 'password attempts')
        }
      }
    }
  } satisfies LimitsApi)
}

export default fp(limitsPlugin, { name: 'limits', fastify: '5.x', dependencies: ['core'] })
