// Password-protected links: scrypt hashes stored as `scrypt$N$r$p$salt$hash` (salt and hash base64url),
// and a signed token that remembers, in a cookie, that this browser unlocked a link. Hashing runs on
// libuv's thread pool (async scrypt), so the event loop is not blocked while a password is checked.
import { createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// One of OWASP's equivalent scrypt settings (N=2^14, r=8, p=5): 16 MiB and ~130 ms per hash here,
// instead of 128 MiB for N=2^17 — the unlock form is public, so memory per attempt matters.
export const SCRYPT_PARAMS = Object.freeze({ N: 2 ** 14, r: 8, p: 5 })
const SALT_BYTES = 16
const HASH_BYTES = 32
// Limits for parsing stored hashes, so a corrupted row cannot make one check allocate gigabytes.
const MAX_SCRYPT_MEMORY = 128 * 1024 * 1024
const MAX_SCRYPT_P = 16

export const MAX_PASSWORD_LENGTH = 1024

interface ParsedHash { N: number, r: number, p: number, salt: Buffer, hash: Buffer }

export async function hashPassword (password: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS
  const salt = randomBytes(SALT_BYTES)
  const hash = await deriveKey(password, salt, HASH_BYTES, { N, r, p })
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$')
}

export async function verifyPassword (password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH) return false
  const parsed = parseStoredHash(stored)
  if (parsed === null) return false
  const { N, r, p, salt, hash } = parsed
  const candidate = await deriveKey(password, salt, hash.length, { N, r, p })
  return timingSafeEqual(candidate, hash)
}

// True when a stored hash uses other parameters than today's, so it can be upgraded after a successful check.
export function needsRehash (stored: string): boolean {
  const parsed = parseStoredHash(stored)
  return parsed === null || parsed.N !== SCRYPT_PARAMS.N || parsed.r !== SCRYPT_PARAMS.r || parsed.p !== SCRYPT_PARAMS.p
}

function parseStoredHash (stored: unknown): ParsedHash | null {
  if (typeof stored !== 'string') return null
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null
  const [N, r, p] = parts.slice(1, 4).map(part => (/^[1-9][0-9]{0,9}$/.test(part) ? Number(part) : NaN))
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0
  if (!powerOfTwo || !(r >= 1) || !(p >= 1 && p <= MAX_SCRYPT_P) || 128 * N * r > MAX_SCRYPT_MEMORY) return null
  const salt = Buffer.from(parts[4], 'base64url')
  const hash = Buffer.from(parts[5], 'base64url')
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null
  return { N, r, p, salt, hash }
}

function deriveKey (password: string, salt: Buffer, length: number, { N, r, p }: { N: number, r: number, p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

// ---- unlock tokens -----------------------------------------------------------------------------
// `<linkId>.<expiresUnixSeconds>.<hmac>`. The HMAC also covers the link's current password hash, so
// changing the password revokes every remembered unlock without storing anything server-side.

export const UNLOCK_TTL_MS = 24 * 60 * 60 * 1000
const UNLOCK_CONTEXT = 'ga-link-unlock:v1'

export interface UnlockContext {
  passwordHash: string
  nowMs: number
}

export function unlockCookieName (linkId: string): string {
  return `ga_unlock_${linkId}`
}

export function signUnlockToken (
  linkId: string,
  secret: string | Buffer,
  { passwordHash, nowMs, ttlMs = UNLOCK_TTL_MS }: UnlockContext & { ttlMs?: number }
): string {
  const expires = Math.floor((nowMs + ttlMs) / 1000)
  return `${linkId}.${expires}.${unlockMac(secret, linkId, expires, passwordHash).toString('base64url')}`
}

export function verifyUnlockToken (
  token: unknown,
  linkId: string,
  secret: string | Buffer,
  { passwordHash, nowMs }: UnlockContext
): boolean {
  if (typeof token !== 'string' || token.length > 512) return false
  const parts = token.split('.')
  if (parts.length !== 3 || parts[0] !== linkId || !/^[0-9]{1,12}$/.test(parts[1])) return false
  const expires = Number(parts[1])
  if (expires * 1000 <= nowMs) return false
  const given = Buffer.from(parts[2], 'base64url')
  const expected = unlockMac(secret, linkId, expires, passwordHash)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

function unlockMac (secret: string | Buffer, linkId: string, expires: number, passwordHash: string): Buffer {
  return createHmac('sha256', secret).update(`${UNLOCK_CONTEXT}\n${linkId}\n${expires}\n${passwordHash}`).digest()
}
