// The rules every recorded event passes, whichever door it came through (REST or beacon): issue 3
// item 7. Pure; collects every failing field so a 422 names them all.
import { isPlainObject } from '../identity/signals.js'
import { isCurrencyCode } from './iso-4217.data.js'
import { CONTROL_IN_IDENTIFIER, CONTROL_IN_TEXT, CONTROL_MESSAGE } from '../text.js'

/** Types a client may send; api_request and visitor_merged are written by the service itself. */
export const INGEST_EVENT_TYPES = ['pageview', 'custom', 'lead', 'sale', 'link_click', 'session_start', 'identify', 'share', 'engagement'] as const
export type IngestEventType = typeof INGEST_EVENT_TYPES[number]
export function isIngestEventType (value: unknown): value is IngestEventType {
  return typeof value === 'string' && (INGEST_EVENT_TYPES as readonly string[]).includes(value)
}

export const MAX_PROPERTIES = 50
export const MAX_PROPERTY_KEY_LENGTH = 100
export const MAX_PROPERTY_STRING_LENGTH = 1000
export const MAX_AMOUNT_CENTS = 1e12
export const MAX_PAST_MS = 7 * 86_400_000
export const MAX_FUTURE_MS = 5 * 60_000
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255
export const MAX_EVENT_NAME_LENGTH = 255

export type Scalar = string | number | boolean | null

export interface EventFacts {
  properties: Record<string, Scalar>
  amount_cents: number | null
  currency: string | null
  occurred_at: Date
}

type Errors = Record<string, string>

export function checkProperties (value: unknown, errors: Errors): Record<string, Scalar> {
  if (value === undefined || value === null) return {}
  if (!isPlainObject(value)) { errors.properties = 'must be an object'; return {} }
  const entries = Object.entries(value)
  if (entries.length > MAX_PROPERTIES) { errors.properties = `cannot exceed ${MAX_PROPERTIES} keys`; return {} }
  const out: Record<string, Scalar> = {}
  for (const [key, v] of entries) {
    if (key.length === 0 || key.length > MAX_PROPERTY_KEY_LENGTH) { errors.properties = `keys must be 1..${MAX_PROPERTY_KEY_LENGTH} characters`; return {} }
    if (key.startsWith('_')) { errors.properties = 'keys starting with "_" are reserved'; return {} }
    if (typeof v === 'number' && !Number.isFinite(v)) { errors.properties = `${key} must be a finite number`; return {} }
    if (typeof v === 'string' && v.length > MAX_PROPERTY_STRING_LENGTH) { errors.properties = `${key} exceeds ${MAX_PROPERTY_STRING_LENGTH} characters`; return {} }
    if (CONTROL_IN_TEXT.test(key) || (typeof v === 'string' && CONTROL_IN_TEXT.test(v))) { errors.properties = `${key} ${CONTROL_MESSAGE}`; return {} }
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) { errors.properties = `${key} must be a string, number, boolean or null (nested values are not allowed)`; return {} }
    out[key] = v as Scalar
  }
  return out
}

export function checkAmount (value: unknown, errors: Errors): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_AMOUNT_CENTS) {
    errors.amount_cents = `must be a non-negative integer number of cents, at most ${MAX_AMOUNT_CENTS}`
    return null
  }
  return value
}

export function checkCurrency (value: unknown, errors: Errors): string | null {
  if (value === undefined || value === null) return null
  const code = typeof value === 'string' ? value.trim().toUpperCase() : ''
  if (!isCurrencyCode(code)) { errors.currency = 'must be an ISO-4217 currency code such as USD or EUR'; return null }
  return code
}

export function checkOccurredAt (value: unknown, now: Date, errors: Errors): Date {
  if (value === undefined || value === null) return now
  const at = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(Number.NaN)
  if (!Number.isFinite(at.getTime())) { errors.occurred_at = 'must be an ISO-8601 date-time'; return now }
  if (at.getTime() < now.getTime() - MAX_PAST_MS) errors.occurred_at = 'cannot be more than 7 days in the past'
  else if (at.getTime() > now.getTime() + MAX_FUTURE_MS) errors.occurred_at = 'cannot be more than 5 minutes in the future'
  return at
}

/** Properties, money and time of one event; throws nothing, fills `errors`. */
export function checkEventFacts (input: { properties?: unknown, amount_cents?: unknown, currency?: unknown, occurred_at?: unknown }, now: Date, errors: Errors): EventFacts {
  const facts = {
    properties: checkProperties(input.properties, errors),
    amount_cents: checkAmount(input.amount_cents, errors),
    currency: checkCurrency(input.currency, errors),
    occurred_at: checkOccurredAt(input.occurred_at, now, errors)
  }
  // An amount means nothing without its currency (ASVS 2.2.3): 1999 of what? (issue 14, bad input)
  if (facts.amount_cents !== null && facts.currency === null && errors.currency === undefined) errors.currency = 'is required when amount_cents is given'
  return facts
}

export function checkIdempotencyKey (value: unknown, errors: Errors): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    errors.idempotency_key = `must be 1..${MAX_IDEMPOTENCY_KEY_LENGTH} characters`
    return null
  }
  if (CONTROL_IN_IDENTIFIER.test(value)) {
    errors.idempotency_key = CONTROL_MESSAGE
    return null
  }
  return value
}

// Reference §7.2: a connector signal value is a non-empty string ≤ 512 bytes of [A-Za-z0-9._-].
export const CONNECTOR_SIGNAL_KEYS = ['_fbp', '_fbc', 'fbclid', 'gclid', 'gbraid', 'wbraid', 'li_fat_id', 'ttclid'] as const
const SIGNAL_VALUE = /^[A-Za-z0-9._-]{1,512}$/

/** Known keys with well-formed values; everything else is dropped (never an error). */
export function cleanConnectorSignals (value: unknown): Record<string, string> {
  if (!isPlainObject(value)) return {}
  const out: Record<string, string> = {}
  for (const key of CONNECTOR_SIGNAL_KEYS) {
    const v = value[key]
    if (typeof v === 'string' && SIGNAL_VALUE.test(v.trim())) out[key] = v.trim()
  }
  return out
}
