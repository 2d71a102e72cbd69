// The identity cookies (DESIGN §4, security §3.4). Pure apart from the minting functions handed in.
//   _ga_good  the visitor's ga_id (UUIDv7, or the click id of a short-link landing), 400 days.
//   _ga_anon  an anonymous id (128 random bits, base64url), refreshed on every beacon.
// Both are signed the way @fastify/cookie signs (`value.signature`, HMAC-SHA256 with
// GA_COOKIE_SECRET), HttpOnly, SameSite=Lax, Secure on https, Path=/, Domain=GA_COOKIE_DOMAIN
// when the request host lies under it. An unsigned or tampered cookie is ignored, never trusted.
import { randomBytes } from 'node:crypto'
import { uuidv7 } from '../db/uuid.js'
import { cleanGaId, cleanId, isUuid } from './sanitize.js'

export const GA_COOKIE = '_ga_good'
export const ANON_COOKIE = '_ga_anon'
/** Chrome caps cookie lifetimes at 400 days. */
export const COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60
/** Signed values above this are not even checked (security §3.4: ≤ 4 KB per cookie). */
const MAX_COOKIE_LENGTH = 512

export interface CookieOptions {
  signed: true
  httpOnly: true
  sameSite: 'lax'
  secure: boolean
  path: '/'
  maxAge: number
  domain?: string
}

/** Where the cookie may be set from: the configured parent domain when the host lies under it, else host-only. */
export function cookieDomainFor (host: string, cookieDomain: string | null): string | undefined {
  if (cookieDomain === null) return undefined
  const parent = cookieDomain.replace(/^\./, '')
  const h = host.toLowerCase()
  return h === parent || h.endsWith(`.${parent}`) ? cookieDomain : undefined
}

export function identityCookieOptions (o: { secure: boolean, host: string, cookieDomain: string | null }): CookieOptions {
  const domain = cookieDomainFor(o.host, o.cookieDomain)
  return { signed: true, httpOnly: true, sameSite: 'lax', secure: o.secure, path: '/', maxAge: COOKIE_MAX_AGE_S, ...(domain === undefined ? {} : { domain }) }
}

export type Unsign = (value: string) => { valid: boolean, value: string | null }

/** The value of a correctly signed cookie, or null (absent, unsigned, tampered, oversized). */
export function readSignedCookie (raw: string | undefined, unsign: Unsign): string | null {
  if (typeof raw !== 'string' || raw === '' || raw.length > MAX_COOKIE_LENGTH) return null
  const u = unsign(raw)
  return u.valid ? u.value : null
}

export function mintAnonymousId (): string {
  return randomBytes(16).toString('base64url')
}

export interface BeaconIdentity {
  ga_id: string
  anonymous_id: string
  /** A UUID ga_id from the body that differs from the cookie's: the short-link click it came through. */
  click_id: string | null
  /** Which ids came from a valid cookie (the others were taken from the body or minted). */
  fromCookie: { ga_id: boolean, anonymous_id: boolean }
  /** Cookies to set on the answer: _ga_good only when it was missing, _ga_anon always (refresh). */
  set: { ga_id: string | null, anonymous_id: string }
}

/**
 * Cookies first, then the body's ids (pages that cannot share cookies with the collector), then
 * fresh ones. A body ga_id that differs from a valid cookie does not replace it (the cookie wins,
 * reference §6.3) but is passed on as the click id, so the landing still joins the click's visitor.
 */
export function chooseIdentity (
  cookie: { ga_id: string | null, anonymous_id: string | null },
  body: { ga_id: string | null, anonymous_id: string | null },
  mint: { gaId: () => string, anonymousId: () => string } = { gaId: uuidv7, anonymousId: mintAnonymousId }
): BeaconIdentity {
  const cookieGa = cleanGaId(cookie.ga_id)
  const cookieAnon = cleanId(cookie.anonymous_id)
  const gaId = cookieGa ?? body.ga_id ?? mint.gaId()
  const anonymousId = cookieAnon ?? body.anonymous_id ?? mint.anonymousId()
  const clickId = body.ga_id !== null && body.ga_id !== gaId && isUuid(body.ga_id) ? body.ga_id.toLowerCase() : null
  return {
    ga_id: gaId,
    anonymous_id: anonymousId,
    click_id: clickId,
    fromCookie: { ga_id: cookieGa !== null, anonymous_id: cookieAnon !== null },
    set: { ga_id: cookieGa === null ? gaId : null, anonymous_id: anonymousId }
  }
}
