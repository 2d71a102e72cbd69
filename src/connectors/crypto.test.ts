// Guards credential encryption at rest: round trip, tamper detection (every envelope part and the
// AAD), the HKDF-derived key id, and rotation with a list of candidate secrets.
import { createHash, hkdfSync } from 'node:crypto'
import t from 'tap'
import { CredentialDecryptError, decryptCredentials, deriveCredentialKey, encryptCredentials, needsReencryption, sealedKeyId } from './crypto.js'

const OLD = 'old-service-secret-0123456789abcdef'
const NEW = 'new-service-secret-fedcba9876543210'
const CREDS = { access_token: 'EAAB…token', pixel_id: '1234567890' }

t.test('round trip, fresh IV each time', async (t) => {
  const a = encryptCredentials(CREDS, NEW, 'ws-1|meta')
  const b = encryptCredentials(CREDS, NEW, 'ws-1|meta')
  t.not(a, b)
  t.same(decryptCredentials(a, [NEW], 'ws-1|meta'), CREDS)
  t.notOk(a.includes('token'), 'no plaintext in the envelope')
  t.match(a, /^v1\.[0-9a-f]{8}\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/)
})

t.test('kid = first 8 hex of sha256(HKDF-SHA256(secret, info ga-connector-credentials))', async (t) => {
  const key = Buffer.from(hkdfSync('sha256', NEW, Buffer.alloc(0), 'ga-connector-credentials', 32))
  const kid = createHash('sha256').update(key).digest('hex').slice(0, 8)
  t.equal(deriveCredentialKey(NEW).kid, kid)
  t.same(deriveCredentialKey(NEW).key, key)
  t.equal(sealedKeyId(encryptCredentials(CREDS, NEW)), kid)
  t.not(deriveCredentialKey(OLD).kid, kid)
})

const flip = (sealed: string, part: number): string => {
  const parts = sealed.split('.')
  const bytes = Buffer.from(parts[part], 'base64url')
  bytes[0] ^= 1
  parts[part] = bytes.toString('base64url')
  return parts.join('.')
}
const TAMPER: [string, (s: string) => string, string][] = [
  ['iv', (s) => flip(s, 2), 'ws-1|meta'],
  ['ciphertext', (s) => flip(s, 3), 'ws-1|meta'],
  ['tag', (s) => flip(s, 4), 'ws-1|meta'],
  ['other row (AAD)', (s) => s, 'ws-2|meta'],
  ['truncated', (s) => s.split('.').slice(0, 4).join('.'), 'ws-1|meta'],
  ['unknown kid', (s) => s.replace(/^v1\.[0-9a-f]{8}/, 'v1.00000000'), 'ws-1|meta']
]
for (const [name, mutate, aad] of TAMPER) {
  t.test(`tamper: ${name}`, async (t) => {
    const sealed = mutate(encryptCredentials(CREDS, NEW, 'ws-1|meta'))
    t.throws(() => decryptCredentials(sealed, [NEW], aad), CredentialDecryptError)
  })
}

t.test('rotation: old ciphertexts open with the old secret in the candidate list', async (t) => {
  const sealedOld = encryptCredentials(CREDS, OLD)
  t.throws(() => decryptCredentials(sealedOld, [NEW]), /no configured secret matches/)
  t.same(decryptCredentials(sealedOld, [NEW, OLD]), CREDS)
  t.ok(needsReencryption(sealedOld, NEW))
  t.notOk(needsReencryption(encryptCredentials(CREDS, NEW), NEW))
  t.throws(() => deriveCredentialKey(''))
})
