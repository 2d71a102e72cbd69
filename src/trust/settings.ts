// A workspace's trust settings (issue 14 items 2–3), stored in `settings` under key `trust`. Pure:
// the stored shape, reading it defensively, and the identity secret's format.
//   identity_secret           crypto.ts envelope of the secret the host backend signs identity
//                             tokens with (HMAC verification needs the secret itself, so it is
//                             encrypted at rest, never hashed)
//   previous_identity_secret  the one it replaced, accepted for IDENTITY_SECRET_GRACE_MS after a
//                             rotation so pages rendered just before still identify
//   count_client_revenue      client-trust sales count in ltv and link revenue (default false)
import { randomBytes } from 'node:crypto'

export const TRUST_SETTINGS_KEY = 'trust'
export const IDENTITY_SECRET_PREFIX = 'gais_'
export const IDENTITY_SECRET_GRACE_MS = 24 * 3_600_000

/** AAD binding a sealed identity secret to its workspace (a row copied to another tenant fails to open). */
export function identitySecretAad (workspaceId: string): string { return `${workspaceId}|identity-secret` }

export interface StoredTrust {
  identity_secret: string | null
  identity_secret_created_at: string | null
  previous_identity_secret: string | null
  count_client_revenue: boolean
}

export const EMPTY_TRUST: StoredTrust = Object.freeze({ identity_secret: null, identity_secret_created_at: null, previous_identity_secret: null, count_client_revenue: false })

/** Whatever is in the row (or nothing) → complete settings; malformed parts become defaults. */
export function readStoredTrust (value: unknown): StoredTrust {
  const v = value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {}
  const str = (x: unknown): string | null => typeof x === 'string' && x !== '' ? x : null
  return {
    identity_secret: str(v.identity_secret),
    identity_secret_created_at: str(v.identity_secret_created_at),
    previous_identity_secret: str(v.previous_identity_secret),
    count_client_revenue: v.count_client_revenue === true
  }
}

/** `gais_` + 256 random bits (base64url). The whole string, as shown, is the HMAC key. */
export function generateIdentitySecret (): string {
  return IDENTITY_SECRET_PREFIX + randomBytes(32).toString('base64url')
}

/** Whether the previous secret is still inside its grace period at `now`. */
export function previousStillValid (stored: StoredTrust, now: Date): boolean {
  if (stored.previous_identity_secret === null || stored.identity_secret_created_at === null) return false
  const rotatedAt = Date.parse(stored.identity_secret_created_at)
  return Number.isFinite(rotatedAt) && now.getTime() - rotatedAt < IDENTITY_SECRET_GRACE_MS
}
