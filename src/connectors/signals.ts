// Click-id / browser-id signals: sanitising untrusted values, the required-signals check, and
// Meta's `fbc` built from the first-seen fbclid.
import { SIGNAL_KEYS, type SignalKey, type Signals } from './types.js'

// Reference §7.2: a value is kept only if it is a non-empty string ≤ 512 bytes of [A-Za-z0-9._-].
const SIGNAL_VALUE = /^[A-Za-z0-9._-]+$/
export const MAX_SIGNAL_BYTES = 512

export function isValidSignalValue (value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_SIGNAL_BYTES && SIGNAL_VALUE.test(value)
}

/** Keeps only recognised keys with valid values; never throws on hostile input. */
export function sanitizeSignals (raw: unknown): Signals {
  const out: Signals = {}
  if (raw === null || typeof raw !== 'object') return out
  const record = raw as Record<string, unknown>
  for (const key of SIGNAL_KEYS) {
    const value = record[key]
    if (isValidSignalValue(value)) out[key] = value
  }
  const seenAt = record.fbclidSeenAtMs
  if (out.fbclid !== undefined && typeof seenAt === 'number' && Number.isSafeInteger(seenAt) && seenAt > 0) {
    out.fbclidSeenAtMs = seenAt
  }
  return out
}

export function hasRequiredSignals (required: readonly (readonly SignalKey[])[], signals: Signals): boolean {
  return required.every((group) => group.some((key) => {
    const value = signals[key]
    return typeof value === 'string' && value !== ''
  }))
}

/**
 * Meta `fbc` = "fb.1.<creation ms>.<fbclid>" (subdomain index 1: the cookie domain is an eTLD+1).
 * An existing `_fbc` cookie wins when it carries the same fbclid (it is what the browser pixel
 * sent); a different fbclid is newer and replaces it. The creation time is when the fbclid was
 * first seen; when that is unknown the event time is the earliest observation we have.
 * The fbclid is case-sensitive and is never altered.
 */
export function buildFbc (signals: Signals, fallbackMs: number): string | null {
  const cookie = signals._fbc
  const fbclid = signals.fbclid
  if (fbclid === undefined || fbclid === '') return cookie ?? null
  if (cookie !== undefined && cookie.split('.').at(-1) === fbclid) return cookie
  const createdMs = signals.fbclidSeenAtMs ?? fallbackMs
  return `fb.1.${Math.trunc(createdMs)}.${fbclid}`
}
