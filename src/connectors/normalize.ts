// Per-platform normalisation of person fields before SHA-256 hashing
// (reference ad-platforms-and-delivery.md §1.1–1.5). Each platform gets its own hash, computed from
// its own normal form: never reuse one platform's hash for another.
import { createHash } from 'node:crypto'

export const HASHING_PLATFORMS = ['meta', 'google', 'tiktok', 'linkedin'] as const
export type HashingPlatform = (typeof HASHING_PLATFORMS)[number]

const SHA256_HEX = /^[a-f0-9]{64}$/i
// Deliberately loose: one @, no whitespace, a dot in the domain. The platforms validate further.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com'])
// E.164 allows at most 15 digits; fewer than 7 cannot be a real subscriber number with a country code.
const E164_MIN_DIGITS = 7
const E164_MAX_DIGITS = 15

export function sha256Hex (value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}

/** Callers may hand us values they hashed themselves (the SDKs accept 64 hex chars as-is). */
export function isSha256Hex (value: string): boolean {
  return SHA256_HEX.test(value)
}

/**
 * trim + lowercase everywhere; Google alone also drops the dots of a gmail.com/googlemail.com
 * local part. `+tags` are kept for every platform (reference §1.5).
 */
export function normalizeEmail (raw: string, platform: HashingPlatform): string | null {
  const email = raw.trim().toLowerCase()
  if (!EMAIL_SHAPE.test(email)) return null
  if (platform !== 'google') return email
  const at = email.lastIndexOf('@')
  const local = email.slice(0, at)
  const domain = email.slice(at + 1)
  return GMAIL_DOMAINS.has(domain) ? `${local.replaceAll('.', '')}@${domain}` : email
}

/**
 * Country code + subscriber digits, without '+'. A number written with '+' or '00' is
 * international; a national number (trunk '0' stripped) gets `defaultCallingCode` when given,
 * and is otherwise taken to already start with its country code (what Meta's SDK assumes).
 * "(0)" as in "+44 (0)20 …" is the optional trunk prefix and is dropped.
 */
export function phoneDigitsWithCountryCode (raw: string, defaultCallingCode?: string): string | null {
  const text = raw.trim().replaceAll('(0)', '')
  const digits = text.replace(/\D/g, '')
  let international: string
  if (text.startsWith('+')) international = digits
  else if (digits.startsWith('00')) international = digits.slice(2)
  else if (defaultCallingCode !== undefined && /^\d{1,3}$/.test(defaultCallingCode)) {
    international = defaultCallingCode + digits.replace(/^0+/, '')
  } else international = digits.replace(/^0+/, '')
  international = international.replace(/^0+/, '')
  if (international.length < E164_MIN_DIGITS || international.length > E164_MAX_DIGITS) return null
  return international
}

/** Meta: digits only with country code, no '+'. Google / TikTok: E.164 with '+'. LinkedIn: no phone. */
export function normalizePhone (raw: string, platform: HashingPlatform, defaultCallingCode?: string): string | null {
  if (platform === 'linkedin') return null
  const digits = phoneDigitsWithCountryCode(raw, defaultCallingCode)
  if (digits === null) return null
  return platform === 'meta' ? digits : `+${digits}`
}

/**
 * Names: trim + lowercase (NFC). Meta recommends removing punctuation; we also collapse inner
 * whitespace so "Mary  Ann" and "Mary Ann" hash alike. Letters outside ASCII are kept (UTF-8).
 */
export function normalizeName (raw: string, platform: HashingPlatform): string | null {
  let name = raw.normalize('NFC').trim().toLowerCase()
  if (platform === 'meta') name = name.replace(/[\p{P}\p{S}]/gu, '')
  name = name.replace(/\s+/g, ' ').trim()
  return name === '' ? null : name
}

/** External ids are case-sensitive host ids: only trimmed. */
export function normalizeExternalId (raw: string): string | null {
  const id = raw.trim()
  return id === '' ? null : id
}

type Normalizer = (raw: string) => string | null

/** Hash of the normalised value; a value that is already a SHA-256 hex passes through (lowercased). */
export function hashNormalized (raw: string | null | undefined, normalize: Normalizer): string | null {
  if (raw === null || raw === undefined) return null
  const trimmed = raw.trim()
  if (isSha256Hex(trimmed)) return trimmed.toLowerCase()
  const normal = normalize(trimmed)
  return normal === null ? null : sha256Hex(normal)
}

export function hashEmail (raw: string | null | undefined, platform: HashingPlatform): string | null {
  return hashNormalized(raw, (v) => normalizeEmail(v, platform))
}

export function hashPhone (raw: string | null | undefined, platform: HashingPlatform, defaultCallingCode?: string): string | null {
  return hashNormalized(raw, (v) => normalizePhone(v, platform, defaultCallingCode))
}

export function hashName (raw: string | null | undefined, platform: HashingPlatform): string | null {
  return hashNormalized(raw, (v) => normalizeName(v, platform))
}

export function hashExternalId (raw: string | null | undefined): string | null {
  return hashNormalized(raw, normalizeExternalId)
}
