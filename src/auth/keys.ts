// API key format, hashing and header parsing: pure functions.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { ApiKeyType } from './table.js'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const KEY_RE = /^gak_(pk_)?[0-9A-Za-z]{32}$/

function base62 (length: number): string {
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting bytes above it keeps every character equally likely.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62]
    }
  }
  return out
}

export function generateApiKey (type: ApiKeyType): string {
  return (type === 'publishable' ? 'gak_pk_' : 'gak_') + base62(32)
}

export function looksLikeApiKey (token: string): boolean {
  return KEY_RE.test(token)
}

export function keyTypeOf (key: string): ApiKeyType {
  return key.startsWith('gak_pk_') ? 'publishable' : 'secret'
}

/** Keys are stored only as HMAC-SHA256(GA_SECRET, key): a stolen table reveals nothing usable. */
export function hashApiKey (secret: string, key: string): string {
  return createHmac('sha256', secret).update(key).digest('hex')
}

export function keyPrefix (key: string): string {
  return key.slice(0, key.startsWith('gak_pk_') ? 11 : 8)
}

export function constantTimeEqual (a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  // Compare equal-length digests so the length of the secret does not leak either.
  const ha = createHmac('sha256', 'ct').update(ab).digest()
  const hb = createHmac('sha256', 'ct').update(bb).digest()
  return timingSafeEqual(ha, hb) && ab.length === bb.length
}

export type Credential =
  | { kind: 'none' }
  | { kind: 'malformed', reason: string }
  | { kind: 'token', token: string, via: 'bearer' | 'api_key' }

const MAX_TOKEN = 512

/** `Authorization: Bearer` wins over `X-Api-Key`; anything else in Authorization is malformed. */
export function credentialFromHeaders (authorization: string | undefined, apiKey: string | string[] | undefined): Credential {
  if (authorization !== undefined) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)
    if (m === null) return { kind: 'malformed', reason: /^Bearer\b/i.test(authorization) ? 'Bearer token is empty' : 'Authorization must use the Bearer scheme' }
    if (m[1].length > MAX_TOKEN) return { kind: 'malformed', reason: 'Bearer token is too long' }
    return { kind: 'token', token: m[1], via: 'bearer' }
  }
  if (apiKey !== undefined) {
    const v = Array.isArray(apiKey) ? apiKey[0] : apiKey
    const token = (v ?? '').trim()
    if (token === '') return { kind: 'malformed', reason: 'X-Api-Key is empty' }
    if (token.length > MAX_TOKEN || /\s/.test(token)) return { kind: 'malformed', reason: 'X-Api-Key is malformed' }
    return { kind: 'token', token, via: 'api_key' }
  }
  return { kind: 'none' }
}
