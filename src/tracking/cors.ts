// CORS for beacons (security §3.9, reference §6.1 [TS-REC]). Pure. sendBeacon sends credentials,
// so an allowed origin is reflected exactly, with Allow-Credentials and `Vary: Origin`; `*` is
// never used and `null` is never allowed. A request without Origin (server-to-server, curl) is
// not a browser cross-origin request: it gets no CORS headers and is not refused.
import { normalizeOrigin } from '../auth/origins.js'

export type CorsVerdict =
  | { kind: 'no_origin' }
  | { kind: 'allowed', origin: string }
  | { kind: 'denied', origin: string }

/**
 * `self` is the collector's own origin: a page served by the collector itself is same-origin and
 * always allowed (browsers still send Origin on same-origin POSTs).
 */
export function corsVerdict (header: string | undefined, allowed: Iterable<string>, self: string | null): CorsVerdict {
  if (header === undefined || header === '') return { kind: 'no_origin' }
  const origin = normalizeOrigin(header)
  if (origin === null) return { kind: 'denied', origin: header.slice(0, 200) }
  if (origin === self) return { kind: 'allowed', origin }
  for (const a of allowed) if (a === origin) return { kind: 'allowed', origin }
  return { kind: 'denied', origin }
}

/** Headers for an allowed origin, on the POST answer (errors included) and the preflight. */
export function corsHeaders (origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    vary: 'Origin'
  }
}

export const PREFLIGHT_MAX_AGE_S = 600

export function preflightHeaders (origin: string): Record<string, string> {
  return {
    ...corsHeaders(origin),
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_S)
  }
}
