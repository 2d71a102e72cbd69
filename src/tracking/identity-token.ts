// Identity tokens (issue 14 item 3, DESIGN §4 "What a browser may claim"). Pure.
// A beacon's identity claims (person_external_id, person_email) are believed only when the beacon
// carries identity_token = hex(HMAC-SHA256(workspace identity secret, person_external_id)), made
// by the host backend for the signed-in user, as Intercom's identity verification does. Without
// a valid token the claims are kept as unverified hints on the event and never reach the identity
// graph, so a browser can neither merge into nor modify an identified visitor.
import { createHmac, timingSafeEqual } from 'node:crypto'

const HEX_DIGEST = /^[0-9a-f]{64}$/i

/** What the host backend computes: lower-case hex HMAC-SHA256 of the exact external id string. */
export function identityToken (secret: string, externalId: string): string {
  return createHmac('sha256', secret).update(externalId, 'utf8').digest('hex')
}

/** Constant-time check of a token against each candidate secret (current, then previous during a rotation). */
export function verifyIdentityToken (token: unknown, externalId: string, secrets: readonly string[]): boolean {
  if (typeof token !== 'string' || !HEX_DIGEST.test(token)) return false
  const given = Buffer.from(token, 'hex')
  let ok = false
  // Every secret is tried (no early exit), so the time taken does not tell which one matched.
  for (const secret of secrets) {
    const want = createHmac('sha256', secret).update(externalId, 'utf8').digest()
    if (timingSafeEqual(given, want)) ok = true
  }
  return ok
}

export interface IdentityClaims {
  person_external_id: string | null
  person_email: string | null
  identity_token: string | null
}

/** Property names the unverified claims are kept under on the event (never read by identity). */
export const HINT_PROPERTIES = { person_external_id: 'unverified_person_external_id', person_email: 'unverified_person_email' } as const

export type ClaimVerdict = 'none' | 'verified' | 'no_token' | 'invalid_token' | 'no_secret' | 'no_external_id'

export interface CheckedClaims {
  verdict: ClaimVerdict
  /** Claims the identity graph may use (both null unless verified). */
  verified: { person_external_id: string | null, person_email: string | null }
  /** Claims kept only as hints, keyed by their HINT_PROPERTIES name. */
  hints: Record<string, string>
}

/**
 * Splits a beacon's claims into verified ones and hints. The token signs the external id; an email
 * is believed only alongside a verified external id (an email alone cannot be verified).
 */
export function checkIdentityClaims (claims: IdentityClaims, secrets: readonly string[]): CheckedClaims {
  const { person_external_id: externalId, person_email: email } = claims
  if (externalId === null && email === null) return { verdict: 'none', verified: { person_external_id: null, person_email: null }, hints: {} }
  let verdict: ClaimVerdict
  if (externalId === null) verdict = 'no_external_id'
  else if (claims.identity_token === null) verdict = 'no_token'
  else if (secrets.length === 0) verdict = 'no_secret'
  else verdict = verifyIdentityToken(claims.identity_token, externalId, secrets) ? 'verified' : 'invalid_token'
  if (verdict === 'verified') return { verdict, verified: { person_external_id: externalId, person_email: email }, hints: {} }
  const hints: Record<string, string> = {}
  if (externalId !== null) hints[HINT_PROPERTIES.person_external_id] = externalId
  if (email !== null) hints[HINT_PROPERTIES.person_email] = email
  return { verdict, verified: { person_external_id: null, person_email: null }, hints }
}
