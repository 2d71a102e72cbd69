// Request facts the short-link routes need, read once at the edge: the link domain from Host
// (X-Forwarded-Host only behind a trusted proxy), a flat query, the signed `_ga_good` cookie, prefetch.
import type { FastifyRequest } from 'fastify'
import { parseHost, type HostAndPort } from './host.js'

export const GA_COOKIE = '_ga_good'
export const GA_COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60
const GA_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/
const MAX_QUERY_PARAMS = 100

export function requestHost (req: FastifyRequest, trustProxy: boolean): HostAndPort | null {
  const forwarded = trustProxy ? req.headers['x-forwarded-host'] : undefined
  const raw = typeof forwarded === 'string' && forwarded.trim() !== '' ? forwarded.split(',')[0] : req.headers.host
  return parseHost(raw)
}

/** Last value of each parameter, strings only, at most 100 parameters (what the classifier reads). */
export function flatQuery (query: unknown): Record<string, string> {
  const flat: Record<string, string> = {}
  if (typeof query !== 'object' || query === null) return flat
  let n = 0
  for (const [key, raw] of Object.entries(query)) {
    if (n++ >= MAX_QUERY_PARAMS) break
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw
    if (typeof value === 'string') flat[key] = value
  }
  return flat
}

/** The ga_id of a returning browser: only from a correctly signed cookie. */
export function gaIdFromCookie (req: FastifyRequest): string | null {
  const raw = req.cookies?.[GA_COOKIE]
  if (typeof raw !== 'string' || raw.length > 512) return null
  const unsigned = req.unsignCookie(raw)
  return unsigned.valid && unsigned.value !== null && GA_ID_PATTERN.test(unsigned.value) ? unsigned.value : null
}

/** Browser prefetches (`Sec-Purpose`/`Purpose: prefetch`) are not clicks (security §3.8). */
export function isPrefetch (req: FastifyRequest): boolean {
  const purpose = req.headers['sec-purpose'] ?? req.headers.purpose
  return typeof purpose === 'string' && purpose.toLowerCase().includes('prefetch')
}

/**
 * Where the identity cookie may be set from this host: the configured parent domain when the host
 * lies under it, the host itself when none is configured, otherwise nowhere (undefined = host-only).
 */
export function cookieScope (host: string, cookieDomain: string | null): { domain: string | undefined } | null {
  if (cookieDomain === null) return { domain: undefined }
  const parent = cookieDomain.replace(/^\./, '')
  return host === parent || host.endsWith(`.${parent}`) ? { domain: cookieDomain } : null
}
