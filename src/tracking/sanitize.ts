// Beacon sanitisation (reference §6.2, with the port's decisions). Pure: one parsed body in, one
// clean BeaconEvent out, or ValidationFailed (422) naming every field that cannot be repaired.
//
// Decisions (also in docs/tracking.md):
// * Rejected with 422: unknown event_type; event_id that is not a UUID; url that is not an
//   absolute http(s) URL (`javascript:`, `data:` …) — a page URL is what the event is about, so
//   a bad one is not silently stored as "no page".
// * Repaired: url / referrer longer than 2,048 chars are cut to 2,048 (host and path survive, so
//   classification still works); a referrer that is not http(s) is dropped (direct); strings are
//   trimmed and cut to their limits; over-long ids (ga_id, anonymous_id, fingerprint > 128) are
//   dropped, not cut (a cut id would match nobody, or the wrong visitor).
// * properties: only string keys of 1..100 chars not starting with `_` (reserved); values kept when
//   string (cut to 1,000 chars), finite number, boolean or null; nested objects/arrays dropped;
//   at most 50 keys kept in body order (a body with 500 keys is trimmed, not rejected).
//   The page facts the snippet sends top-level (title, screen, language) are kept as properties
//   unless the caller set the same keys.
import { safeHttpUrl, MAX_URL_LENGTH } from '../classify/index.js'
import { ValidationFailed } from '../errors.js'
import { KEY_PATTERN } from '../links/keys.js'

export const BEACON_EVENT_TYPES = ['pageview', 'custom', 'lead', 'sale', 'identify', 'share', 'session_start', 'link_click', 'engagement'] as const
export type BeaconEventType = (typeof BEACON_EVENT_TYPES)[number]
export function isBeaconEventType (v: unknown): v is BeaconEventType {
  return typeof v === 'string' && (BEACON_EVENT_TYPES as readonly string[]).includes(v)
}

export const LIMITS = {
  url: MAX_URL_LENGTH,
  id: 128,
  eventName: 100,
  person: 255,
  email: 320,
  pk: 200,
  properties: 50,
  propertyKey: 100,
  propertyString: 1000,
  title: 300,
  screen: 20,
  language: 35,
  engagedMs: 1_800_000,
  identityToken: 128
} as const

/** Ad-platform click ids the snippet forwards from the landing URL (classify's table). */
export const CLICK_ID_PARAMS = ['dclid', 'epik', 'fbclid', 'gbraid', 'gclid', 'irclickid', 'li_fat_id', 'msclkid', 'sccid', 'ttclid', 'twclid', 'wbraid'] as const
/** Connector signals read from the body top level (reference §6.2). */
export const SIGNAL_KEYS = ['_fbp', '_fbc', 'fbclid', 'gclid', 'gbraid', 'wbraid', 'li_fat_id', 'ttclid'] as const
const PAGE_FACTS = [['title', LIMITS.title], ['screen', LIMITS.screen], ['language', LIMITS.language]] as const

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const CLICK_VALUE = /^[\x21-\x7e]{1,512}$/
// C0/C1 controls: never stored in an id.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/ // eslint-disable-line no-control-regex

export type Scalar = string | number | boolean | null

export interface BeaconEvent {
  event_type: BeaconEventType
  /** Lower-cased client UUID (any version); null when absent (then no dedupe). */
  event_id: string | null
  event_name: string | null
  url: string | null
  referrer: string | null
  ga_id: string | null
  anonymous_id: string | null
  fingerprint: string | null
  pk: string | null
  properties: Record<string, Scalar>
  /** Passed through as given: the recorder validates money (422 on nonsense). */
  amount_cents: unknown
  currency: unknown
  person_external_id: string | null
  person_email: string | null
  person_name: string | null
  /** Hex HMAC-SHA256 of person_external_id by the host backend (identity-token.ts); null when absent. */
  identity_token: string | null
  connector_signals: Record<string, string>
  click_ids: Record<string, string>
  reconcile_only: boolean
  engaged_ms: number | null
  scroll_depth: number | null
}

export function text (value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null
  const s = value.trim()
  return s === '' ? null : s.slice(0, max)
}

/** An id kept whole or not at all: trimmed, 1..max chars, no control characters. */
export function cleanId (value: unknown, max: number = LIMITS.id): string | null {
  if (typeof value !== 'string') return null
  const s = value.trim()
  return s === '' || s.length > max || CONTROL.test(s) ? null : s
}

export function cleanGaId (value: unknown): string | null {
  const s = cleanId(value)
  // Browser ids are UUIDs (our cookies mint UUIDv7): anything else is someone's invention, never a key.
  return s !== null && UUID.test(s) ? s.toLowerCase() : null
}

export function isUuid (value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}

/** An http(s) URL cut to the limit; null when absent or not http(s). */
export function cleanHttpUrl (value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null
  return safeHttpUrl(value.trim().slice(0, LIMITS.url))
}

export function isTruthyFlag (value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === '1'
}

/** Reference §4.7: whole milliseconds, 0..30 min; anything else is omitted. */
export function cleanEngagedMs (value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null
  return Math.min(Math.trunc(value), LIMITS.engagedMs)
}

export function cleanScrollDepth (value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) return null
  return Math.trunc(value)
}

function isPlainObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function cleanProperties (value: unknown, pageFacts: Record<string, unknown> = {}): Record<string, Scalar> {
  const out: Record<string, Scalar> = {}
  let n = 0
  const put = (key: string, v: unknown): void => {
    if (n >= LIMITS.properties || key.length === 0 || key.length > LIMITS.propertyKey || key.startsWith('_') || key in out) return
    if (key === 'reconcile_only') return
    let kept: Scalar | undefined
    if (typeof v === 'string') kept = v.slice(0, LIMITS.propertyString)
    else if (typeof v === 'number') kept = Number.isFinite(v) ? v : undefined
    else if (typeof v === 'boolean' || v === null) kept = v
    if (kept === undefined) return
    out[key] = kept
    n++
  }
  if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) put(k, v)
  for (const [k, v] of Object.entries(pageFacts)) put(k, v)
  return out
}

/** Unverified identity claims first (they must survive the cap), then the caller's properties. */
export function withHints (properties: Record<string, Scalar>, hints: Record<string, string>): Record<string, Scalar> {
  if (Object.keys(hints).length === 0) return properties
  const out: Record<string, Scalar> = { ...hints }
  for (const [k, v] of Object.entries(properties)) {
    if (Object.keys(out).length >= LIMITS.properties) break
    if (!(k in out)) out[k] = v
  }
  return out
}

function pick (body: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of keys) {
    const v = typeof body[k] === 'string' ? (body[k] as string).trim() : ''
    if (CLICK_VALUE.test(v)) out[k] = v
  }
  return out
}

export function sanitizeBeacon (body: Record<string, unknown>): BeaconEvent {
  const errors: Record<string, string> = {}
  const type = body.event_type ?? 'pageview'
  if (!isBeaconEventType(type)) errors.event_type = `must be one of ${BEACON_EVENT_TYPES.join(', ')}`
  const eventId = body.event_id ?? null
  if (eventId !== null && !isUuid(eventId)) errors.event_id = 'must be a UUID'
  const url = cleanHttpUrl(body.url)
  if (body.url !== undefined && body.url !== null && body.url !== '' && url === null) errors.url = 'must be an absolute http(s) URL'
  if (Object.keys(errors).length > 0) throw new ValidationFailed(errors)

  const props = isPlainObject(body.properties) ? body.properties : {}
  const facts: Record<string, unknown> = {}
  for (const [k, max] of PAGE_FACTS) { const v = text(body[k], max); if (v !== null) facts[k] = v }
  return {
    event_type: type as BeaconEventType,
    event_id: eventId === null ? null : (eventId as string).toLowerCase(),
    event_name: text(body.event_name, LIMITS.eventName),
    url,
    referrer: cleanHttpUrl(body.referrer),
    ga_id: cleanGaId(body.ga_id),
    anonymous_id: cleanId(body.anonymous_id),
    fingerprint: cleanId(body.fingerprint),
    pk: typeof body.pk === 'string' ? body.pk.trim().slice(0, LIMITS.pk) : null,
    properties: cleanProperties(props, facts),
    amount_cents: body.amount_cents,
    currency: body.currency,
    person_external_id: cleanId(body.person_external_id, LIMITS.person),
    person_email: cleanId(body.person_email, LIMITS.email),
    person_name: text(body.person_name, LIMITS.person),
    identity_token: cleanId(body.identity_token, LIMITS.identityToken),
    connector_signals: pick(body, SIGNAL_KEYS),
    click_ids: pick(body, CLICK_ID_PARAMS),
    reconcile_only: isTruthyFlag(body.reconcile_only) || isTruthyFlag(props.reconcile_only),
    engaged_ms: cleanEngagedMs(body.engaged_ms),
    scroll_depth: cleanScrollDepth(body.scroll_depth)
  }
}

/** POST /ga/t/click: the link key (required), in the links feature's key format. */
export function cleanLinkKey (value: unknown): string | null {
  return typeof value === 'string' && KEY_PATTERN.test(value.trim()) ? value.trim() : null
}
