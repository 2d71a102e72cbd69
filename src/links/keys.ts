// Short-link keys: the path segment after the domain. Keys are case-sensitive, like Bitly and Dub
// (`/Abc` and `/abc` are different links), which keeps generated keys short. Reserved words are refused
// case-insensitively so that `/API` or `/Ga` can never be mistaken for the service's own routes.
import { webcrypto } from 'node:crypto'

// 190 rather than upstream's 255 so `(domain, key)` stays comfortably inside one btree index entry.
export const MAX_KEY_LENGTH = 190
export const KEY_PATTERN = /^[A-Za-z0-9_-]{1,190}$/

// First path segments served by the service itself (API.md).
export const RESERVED_KEYS = ['ga', 'api', 'healthz', 'readyz', 'favicon.ico', 'robots.txt'] as const
export type ReservedKey = typeof RESERVED_KEYS[number]

const RESERVED_SET: ReadonlySet<string> = new Set(RESERVED_KEYS)

export function isReservedKey (key: string): boolean {
  return RESERVED_SET.has(key.toLowerCase())
}

export type KeyCheck = { ok: true, key: string } | { ok: false, reason: string }

export function validateKey (key: unknown): KeyCheck {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    return { ok: false, reason: `must be 1-${MAX_KEY_LENGTH} characters of A-Z, a-z, 0-9, _ or -` }
  }
  if (isReservedKey(key)) return { ok: false, reason: 'is reserved' }
  return { ok: true, key }
}

// Upstream's alphabet: no 0/O, 1/l/I, so keys survive being read aloud or printed (57 symbols).
export const KEY_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
export const GENERATED_KEY_LENGTH = 7

export interface RandomSource {
  getRandomValues<T extends Uint8Array>(array: T): T
}

export function generateKey (random: RandomSource = webcrypto, length = GENERATED_KEY_LENGTH): string {
  // Rejection sampling: bytes ≥ 228 (= 4 × 57) are discarded so every symbol is equally likely.
  const limit = 256 - (256 % KEY_ALPHABET.length)
  let key = ''
  while (key.length < length) {
    for (const byte of random.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && key.length < length) key += KEY_ALPHABET[byte % KEY_ALPHABET.length]
    }
  }
  return key
}

export const GENERATE_KEY_ATTEMPTS = 5

// Draws keys until `isTaken` says one is free; null after `attempts` collisions (57^7 ≈ 1.9e12, so
// that means the caller's check is broken or the keyspace is crowded). The insert must still treat a
// unique violation as a collision, since another request can take the key between check and insert.
export async function generateFreeKey (
  isTaken: (key: string) => Promise<boolean>,
  { random = webcrypto, attempts = GENERATE_KEY_ATTEMPTS }: { random?: RandomSource, attempts?: number } = {}
): Promise<string | null> {
  for (let i = 0; i < attempts; i++) {
    const key = generateKey(random)
    if (!isReservedKey(key) && !(await isTaken(key))) return key
  }
  return null
}
