// Standard Webhooks signing (github.com/standard-webhooks, spec/standard-webhooks.md):
//   signed content = "<webhook-id>.<webhook-timestamp>.<raw body>"
//   webhook-signature = "v1," + base64(HMAC-SHA256(secret bytes, signed content))
// The secret is "whsec_" + base64 of the key bytes. Several space-separated signatures let a
// receiver accept either secret while one is rotated. Pure apart from generateWebhookSecret.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const WEBHOOK_SECRET_PREFIX = 'whsec_'
const DEFAULT_TOLERANCE_SECONDS = 5 * 60

/** Key bytes of a "whsec_<base64>" secret (the prefix is optional, as in the reference libraries). */
export function decodeWebhookSecret (secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new Error('webhook secret must be whsec_ followed by base64')
  const key = Buffer.from(encoded, 'base64')
  if (key.length < 16) throw new Error('webhook secret is too short (need at least 16 bytes)')
  return key
}

/** A new "whsec_" secret of 32 random bytes (the spec asks for 24–64). */
export function generateWebhookSecret (bytes = 32): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(bytes).toString('base64')}`
}

function checkSignedParts (msgId: string, timestampSeconds: number): void {
  // Both are '.'-delimited in the signed content, so they must not contain a '.'.
  if (msgId === '' || msgId.includes('.')) throw new Error('webhook id must be non-empty and contain no "."')
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) throw new Error('webhook timestamp must be whole unix seconds')
}

/** "v1,<base64>" for one secret. `body` must be the exact bytes that are sent. */
export function signWebhook (secret: string, msgId: string, timestampSeconds: number, body: string | Buffer): string {
  checkSignedParts(msgId, timestampSeconds)
  const mac = createHmac('sha256', decodeWebhookSecret(secret))
  mac.update(`${msgId}.${timestampSeconds}.`)
  mac.update(body)
  return `v1,${mac.digest('base64')}`
}

export interface WebhookHeaders {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

/** The three Standard Webhooks headers; one signature per secret (current first, then ones being rotated out). */
export function webhookHeaders (secrets: readonly string[], msgId: string, timestampSeconds: number, body: string | Buffer): WebhookHeaders {
  if (secrets.length === 0) throw new Error('at least one webhook secret is needed')
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signWebhook(s, msgId, timestampSeconds, body)).join(' ')
  }
}

export interface VerifyInput {
  secret: string
  msgId: string
  timestamp: string
  signatureHeader: string
  body: string | Buffer
  nowSeconds: number
  toleranceSeconds?: number
}

/** Receiver side (used by tests and fakes): constant-time compare, timestamp within tolerance. */
export function verifyWebhookSignature (input: VerifyInput): boolean {
  if (!/^\d+$/.test(input.timestamp)) return false
  const ts = Number(input.timestamp)
  if (Math.abs(input.nowSeconds - ts) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false
  let expected: Buffer
  try {
    expected = Buffer.from(signWebhook(input.secret, input.msgId, ts, input.body).slice(3), 'base64')
  } catch {
    return false
  }
  return input.signatureHeader.split(' ').some((candidate) => {
    if (!candidate.startsWith('v1,')) return false
    const given = Buffer.from(candidate.slice(3), 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
