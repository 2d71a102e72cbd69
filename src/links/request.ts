// Request facts the short-link routes need, read once at the edge: the link domain from Host
// (X-Forwarded-Host only from a trusted proxy), a flat query, the signed `_ga_good` cookie, prefetch.
import type { FastifyRequest } from 'fastify'
import { parseHost, type HostAndPort } from './host.js'

export const GA_COOKIE = '_ga_good'
export const GA_COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60
// Browser ids are UUIDs (every cookie we mint is a UUIDv7): anything else is not ours, and a fresh one is minted.
const GA_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const MAX_QUERY_PARAMS = 100

// Requests name a handful of hosts, so each header value is parsed once (bounded; cleared when full).
const MAX_PARSED_HOSTS = 1000
const parsedHosts = new Map<string, Readonly<HostAndPort> | null>()

/**
 * The link domain of the request: `req.host`, which is X-Forwarded-Host (its last entry, the one
 * the nearest proxy wrote) only when the socket peer is a trusted proxy (GA_TRUST_PROXY), else Host.
 */
export function requestHost (req: FastifyRequest): Readonly<HostAndPort> | null {
  const raw = req.host
  if (raw === undefined || raw === '') return null
  let parsed = parsedHosts.get(raw)
  if (parsed === undefined) {
    const fresh = parseHost(raw)
    parsed = fresh === null ? null : Object.freeze(fresh)
    if (parsedHosts.size >= MAX_PARSED_HOSTS) parsedHosts.clear()
    parsedHosts.set(raw, parsed)
  }
  return parsed
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

export interface GaCookie {
  gaId: string
  /** The cookie's value as sent, when it is what signing gaId with the current secret gives (re-sent as is). */
  signed: string | null
}

/** The ga_id of a returning browser: only from a correctly signed cookie. */
export function gaCookieFromRequest (req: FastifyRequest): GaCookie | null {
  const raw = req.cookies?.[GA_COOKIE]
  if (typeof raw !== 'string' || raw.length > 512) return null
  const unsigned = req.unsignCookie(raw)
  if (!unsigned.valid || unsigned.value === null || !GA_ID_PATTERN.test(unsigned.value)) return null
  // Signing is deterministic: a signature that verified under the current secret is the one signing would produce.
  return { gaId: unsigned.value, signed: unsigned.renew ? null : raw }
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

/** The `_ga_good` cookie's attributes besides `secure` and `domain`. */
export const GA_COOKIE_OPTIONS = { httpOnly: true, sameSite: 'lax', path: '/', maxAge: GA_COOKIE_MAX_AGE_S } as const

type SerializeCookie = (name: string, value: string, options: Record<string, unknown>) => string

// Cookie-octets (RFC 6265): what the cookie serializer leaves unencoded. A signed ga_id (GA_ID_PATTERN,
// '.', base64) consists of nothing else.
const COOKIE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/
const VALUE_SLOT = 'GA0VALUE0SLOT'

/**
 * The `_ga_good` Set-Cookie line for an already signed value. The attributes are formatted once per
 * `secure` by the cookie plugin's own serializer, so every click only joins three strings; null when
 * the value would need encoding (the caller then lets the plugin serialize it).
 */
export function gaCookieLine (serialize: SerializeCookie, domain: string | undefined): (signed: string, secure: boolean) => string | null {
  const prefix = `${GA_COOKIE}=`
  const attributes = (secure: boolean): string => {
    const line = serialize(GA_COOKIE, VALUE_SLOT, { ...GA_COOKIE_OPTIONS, secure, domain })
    if (!line.startsWith(prefix + VALUE_SLOT)) throw new Error(`unexpected Set-Cookie format: ${line}`)
    return line.slice(prefix.length + VALUE_SLOT.length)
  }
  const secureAttributes = attributes(true)
  const plainAttributes = attributes(false)
  return (signed, secure) => COOKIE_OCTETS.test(signed) ? prefix + signed + (secure ? secureAttributes : plainAttributes) : null
}
