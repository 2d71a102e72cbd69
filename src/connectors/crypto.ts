// Connector credentials at rest: AES-256-GCM with a key derived from the service secret
// (HKDF-SHA256, info "ga-connector-credentials"), a random 96-bit IV per encryption and a key id
// in the envelope so the secret can be rotated (security.md §3.6):
//   "v1.<kid>.<iv b64url>.<ciphertext b64url>.<tag b64url>"
// kid = first 8 hex chars of SHA-256(derived key): it names the key without revealing it.
// The optional AAD (e.g. "<workspaceId>|<connectorType>") binds a ciphertext to its row, so a
// database writer cannot move one tenant's token into another tenant's row.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

export const CREDENTIALS_HKDF_INFO = 'ga-connector-credentials'
const ENVELOPE_VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16

export interface CredentialKey {
  key: Buffer
  kid: string
}

export class CredentialDecryptError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'CredentialDecryptError'
  }
}

export function deriveCredentialKey (secret: string): CredentialKey {
  if (secret === '') throw new Error('credential encryption needs a non-empty secret')
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), CREDENTIALS_HKDF_INFO, 32))
  return { key, kid: createHash('sha256').update(key).digest('hex').slice(0, 8) }
}

export function sealString (plain: string, secret: string, aad = ''): string {
  const { key, kid } = deriveCredentialKey(secret)
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return [ENVELOPE_VERSION, kid, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.')
}

/** The key id a sealed value was made with (to find rows still on an old secret). */
export function sealedKeyId (sealed: string): string {
  const parts = sealed.split('.')
  if (parts.length !== 5 || parts[0] !== ENVELOPE_VERSION) throw new CredentialDecryptError('not a v1 credential envelope')
  return parts[1]
}

/** Tries the candidate secret whose kid matches (current and previous secrets during a rotation). */
export function openString (sealed: string, secrets: readonly string[], aad = ''): string {
  const kid = sealedKeyId(sealed)
  const [, , ivText, ctText, tagText] = sealed.split('.')
  const candidate = secrets.map(deriveCredentialKey).find((k) => k.kid === kid)
  if (candidate === undefined) throw new CredentialDecryptError(`no configured secret matches key id ${kid}`)
  const iv = Buffer.from(ivText, 'base64url')
  const tag = Buffer.from(tagText, 'base64url')
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new CredentialDecryptError('malformed credential envelope')
  try {
    const decipher = createDecipheriv('aes-256-gcm', candidate.key, iv, { authTagLength: TAG_BYTES })
    decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString('utf8')
  } catch {
    // GCM authentication failed: tampered ciphertext, wrong AAD or wrong key. Never say which.
    throw new CredentialDecryptError('credential envelope failed authentication')
  }
}

export type Credentials = Record<string, string>

export function encryptCredentials (credentials: Readonly<Credentials>, secret: string, aad = ''): string {
  return sealString(JSON.stringify(credentials), secret, aad)
}

export function decryptCredentials (sealed: string, secrets: readonly string[], aad = ''): Credentials {
  const parsed: unknown = JSON.parse(openString(sealed, secrets, aad))
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CredentialDecryptError('credentials are not an object')
  const out: Credentials = {}
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') out[name] = value
  }
  return out
}

/** True when the value should be re-sealed with the current secret (lazy rotation on read/write). */
export function needsReencryption (sealed: string, currentSecret: string): boolean {
  return sealedKeyId(sealed) !== deriveCredentialKey(currentSecret).kid
}
