// Identity signals (reference §2.1): what a request tells us about who is behind it.
// cleanSignals is the single gate between untrusted input and the identity graph: it trims,
// caps lengths and drops placeholder ids ('null', 'undefined', '0', …) that would otherwise
// glue unrelated people into one visitor.
import type { JsonObject, SourceMap } from './visitor.js'

export const STRONG_SIGNALS = ['person_external_id', 'ga_id', 'person_email'] as const
export const WEAK_SIGNALS = ['fingerprint', 'anonymous_id'] as const
/** Every signal that can match an existing visitor. click_id matches but counts as neither. */
export const MATCH_SIGNALS = [...STRONG_SIGNALS, ...WEAK_SIGNALS, 'click_id'] as const
export type StrongSignal = typeof STRONG_SIGNALS[number]
export type WeakSignal = typeof WEAK_SIGNALS[number]
export type MatchSignal = typeof MATCH_SIGNALS[number]

/** Referral partner context of a referral-link click (reference §5.3 step 7). */
export interface ReferralContext {
  partner_id: string
  referral_link_id: string | null
  referral_click_id: string | null
}

export interface Signals {
  ga_id?: string
  person_external_id?: string
  /** Normalised: trimmed and lower-cased. */
  person_email?: string
  fingerprint?: string
  anonymous_id?: string
  /** Our own link click id (UUID, lower-case). */
  click_id?: string
  /** Ad-platform click ids by type: { gclid: '…', fbclid: '…' }. Values are case-sensitive. */
  click_id_params?: Record<string, string>
  source?: SourceMap
  geo?: JsonObject
  device?: JsonObject
  referral?: ReferralContext
  /** When the observation happened; defaults to `now` and is never later than it. */
  occurred_at?: Date
}

/** Input as it arrives from a body, cookie or host call: every field unchecked. */
export type RawSignals = { [K in keyof Signals]?: unknown }

// Ids longer than this are bugs or abuse; they are rejected, never cut (a cut id is another id).
export const MAX_SIGNAL_LENGTH = {
  ga_id: 128,
  person_external_id: 255,
  person_email: 254,
  fingerprint: 128,
  anonymous_id: 128
} as const satisfies Record<StrongSignal | WeakSignal, number>
export const MAX_CLICK_ID_VALUE_LENGTH = 512
export const MAX_CLICK_ID_PARAMS = 20

/**
 * Placeholder values that real integrations send by mistake (PostHog's list, which it compares
 * after trimming, also wrapped in quotes; we compare all of them case-insensitively). Plus 'nil',
 * which Elixir and Ruby hosts produce when interpolating a missing value.
 */
export const ILLEGAL_IDS = [
  '', 'null', 'undefined', 'anonymous', '0', '-1', '[object object]', 'none', 'nan', 'nil',
  'true', 'false', 'guest', 'distinctid', 'distinct_id', 'id', 'email', 'not_authenticated'
] as const
const ILLEGAL_ID_SET: ReadonlySet<string> = new Set(ILLEGAL_IDS)

export function isIllegalId (value: string): boolean {
  let folded = value.trim().toLowerCase()
  const quoted = /^(['"])(.*)\1$/.exec(folded)
  if (quoted !== null) folded = quoted[2].trim()
  return ILLEGAL_ID_SET.has(folded)
}

export function normalizeEmail (value: string): string {
  return value.trim().toLowerCase()
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/ // eslint-disable-line no-control-regex
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/
const CLICK_ID_TYPE = /^[a-z][a-z0-9_]{0,63}$/
const CLICK_ID_VALUE = /^[\x21-\x7e]+$/ // printable ASCII without spaces; never lower-cased

export function isPlainObject (value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function cleanId (value: unknown, maxLength: number): string | undefined {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value
  if (typeof text !== 'string') return undefined
  const trimmed = text.trim()
  if (trimmed.length === 0 || trimmed.length > maxLength) return undefined
  if (CONTROL_CHARS.test(trimmed) || isIllegalId(trimmed)) return undefined
  return trimmed
}

export function cleanExternalId (value: unknown): string | undefined {
  return cleanId(value, MAX_SIGNAL_LENGTH.person_external_id)
}

export function cleanEmail (value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const email = normalizeEmail(value)
  if (email.length > MAX_SIGNAL_LENGTH.person_email || !EMAIL_SHAPE.test(email)) return undefined
  return isIllegalId(email) ? undefined : email
}

export function cleanUuid (value: unknown): string | undefined {
  return typeof value === 'string' && UUID.test(value.trim()) ? value.trim().toLowerCase() : undefined
}

export function cleanClickIdParams (value: unknown): Record<string, string> | undefined {
  if (!isPlainObject(value)) return undefined
  const params: Record<string, string> = {}
  for (const [rawType, rawValue] of Object.entries(value)) {
    if (Object.keys(params).length >= MAX_CLICK_ID_PARAMS) break
    const type = rawType.trim().toLowerCase()
    if (!CLICK_ID_TYPE.test(type) || typeof rawValue !== 'string') continue
    const id = rawValue.trim()
    if (id.length > MAX_CLICK_ID_VALUE_LENGTH || !CLICK_ID_VALUE.test(id) || isIllegalId(id)) continue
    params[type] = id
  }
  return Object.keys(params).length > 0 ? params : undefined
}

function cleanMap (value: unknown): JsonObject | undefined {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return undefined
  return { ...(value as JsonObject) }
}

function cleanReferral (value: unknown): ReferralContext | undefined {
  if (!isPlainObject(value)) return undefined
  const partnerId = cleanUuid(value.partner_id)
  if (partnerId === undefined) return undefined
  return {
    partner_id: partnerId,
    referral_link_id: cleanUuid(value.referral_link_id) ?? null,
    referral_click_id: cleanUuid(value.referral_click_id) ?? null
  }
}

function cleanTime (value: unknown): Date | undefined {
  const date = value instanceof Date
    ? new Date(value.getTime())
    : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined
  return date !== undefined && Number.isFinite(date.getTime()) ? date : undefined
}

/** Untrusted input → Signals. Invalid or placeholder values are dropped, never guessed at. */
export function cleanSignals (raw: RawSignals): Signals {
  const candidates: Signals = {
    ga_id: cleanId(raw.ga_id, MAX_SIGNAL_LENGTH.ga_id),
    person_external_id: cleanExternalId(raw.person_external_id),
    person_email: cleanEmail(raw.person_email),
    fingerprint: cleanId(raw.fingerprint, MAX_SIGNAL_LENGTH.fingerprint),
    anonymous_id: cleanId(raw.anonymous_id, MAX_SIGNAL_LENGTH.anonymous_id),
    click_id: cleanUuid(raw.click_id),
    click_id_params: cleanClickIdParams(raw.click_id_params),
    source: cleanMap(raw.source),
    geo: cleanMap(raw.geo),
    device: cleanMap(raw.device),
    referral: cleanReferral(raw.referral),
    occurred_at: cleanTime(raw.occurred_at)
  }
  const signals: Signals = {}
  for (const [key, value] of Object.entries(candidates)) {
    if (value !== undefined) (signals as Record<string, unknown>)[key] = value
  }
  return signals
}

/** The matching signals present, in MATCH_SIGNALS order. */
export function suppliedSignals (signals: Signals): MatchSignal[] {
  return MATCH_SIGNALS.filter(name => signals[name] !== undefined)
}

/**
 * Reference §2.2 `merge_allowed?`: judged on the signals *supplied*, not on which ones matched.
 * One strong signal, or both weak ones, is enough evidence to fold several visitors into one.
 */
export function hasEnoughToMerge (signals: Signals): boolean {
  const strong = STRONG_SIGNALS.filter(name => signals[name] !== undefined).length
  const weak = WEAK_SIGNALS.filter(name => signals[name] !== undefined).length
  return strong >= 1 || weak >= 2
}
