// Guards password-protected links: scrypt hash format and verification (including malformed and
// hostile stored values), and unlock tokens bound to link, secret, expiry and the current password.
import t from 'tap'
import {
  SCRYPT_PARAMS, UNLOCK_TTL_MS, hashPassword, needsRehash, signUnlockToken, unlockCookieName,
  verifyPassword, verifyUnlockToken
} from './password.js'

t.test('hash format and verification', async t => {
  const stored = await hashPassword('correct horse')
  const parts = stored.split('$')
  t.equal(parts.length, 6)
  t.same(parts.slice(0, 4), ['scrypt', String(SCRYPT_PARAMS.N), String(SCRYPT_PARAMS.r), String(SCRYPT_PARAMS.p)])
  t.equal(Buffer.from(parts[4], 'base64url').length, 16, 'salt')
  t.equal(Buffer.from(parts[5], 'base64url').length, 32, 'hash')
  t.not(await hashPassword('correct horse'), stored, 'random salt: same password, different hash')
  t.notOk(needsRehash(stored))

  const CHECKS: Array<[string, string, boolean]> = [
    ['right password', 'correct horse', true],
    ['wrong password', 'correct horsE', false],
    ['empty', '', false],
    ['prefix', 'correct', false],
    ['overlong', 'x'.repeat(2000), false]
  ]
  for (const [name, password, want] of CHECKS) t.equal(await verifyPassword(password, stored), want, name)
})

t.test('unicode passwords are compared in NFC', async t => {
  const stored = await hashPassword('caf\u00e9')
  t.ok(await verifyPassword('cafe\u0301', stored))
})

t.test('a hash made with other parameters still verifies and asks for a rehash', async t => {
  const { scryptSync } = await import('node:crypto')
  const salt = Buffer.alloc(16, 7)
  const hash = scryptSync('pw', salt, 32, { N: 1024, r: 8, p: 1 })
  const stored = `scrypt$1024$8$1$${salt.toString('base64url')}$${hash.toString('base64url')}`
  t.ok(await verifyPassword('pw', stored))
  t.notOk(await verifyPassword('pw2', stored))
  t.ok(needsRehash(stored))
})

const GOOD_SALT = Buffer.alloc(16, 1).toString('base64url')
const GOOD_HASH = Buffer.alloc(32, 2).toString('base64url')
const MALFORMED: Array<[string, unknown]> = [
  ['empty', ''],
  ['null', null],
  ['bcrypt', '$2b$10$abcdefghijklmnopqrstuuJ5Yt0X8nqv5E5o9B1Y7Q8W0kK7N5M3G'],
  ['wrong scheme', `argon2$16384$8$5$${GOOD_SALT}$${GOOD_HASH}`],
  ['missing part', `scrypt$16384$8$5$${GOOD_SALT}`],
  ['N not a power of two', `scrypt$1000$8$5$${GOOD_SALT}$${GOOD_HASH}`],
  ['N huge', `scrypt$1073741824$8$1$${GOOD_SALT}$${GOOD_HASH}`],
  ['memory over the cap', `scrypt$262144$8$1$${GOOD_SALT}$${GOOD_HASH}`],
  ['p too big', `scrypt$16384$8$99$${GOOD_SALT}$${GOOD_HASH}`],
  ['r zero', `scrypt$16384$0$5$${GOOD_SALT}$${GOOD_HASH}`],
  ['non-numeric', `scrypt$abc$8$5$${GOOD_SALT}$${GOOD_HASH}`],
  ['short salt', `scrypt$16384$8$5$AAAA$${GOOD_HASH}`],
  ['short hash', `scrypt$16384$8$5$${GOOD_SALT}$AAAA`]
]

for (const [name, stored] of MALFORMED) {
  t.test(`malformed stored hash: ${name}`, async t => {
    t.equal(await verifyPassword('pw', stored as string), false)
    t.ok(needsRehash(stored as string))
  })
}

const LINK = '0190a5c0-0000-7000-8000-000000000001'
const SECRET = 'test-secret-of-sufficient-length'
const HASH = 'scrypt$16384$8$5$salt$hash'
const NOW = Date.parse('2026-07-01T00:00:00Z')
const token = signUnlockToken(LINK, SECRET, { passwordHash: HASH, nowMs: NOW })

const [, exp, mac] = token.split('.')
const flipped = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1)

const TOKENS: Array<[string, unknown, string, string | Buffer, string, number, boolean]> = [
  ['fresh token', token, LINK, SECRET, HASH, NOW, true],
  ['secret as buffer', token, LINK, Buffer.from(SECRET), HASH, NOW, true],
  ['just before expiry', token, LINK, SECRET, HASH, NOW + UNLOCK_TTL_MS - 1000, true],
  ['expired', token, LINK, SECRET, HASH, NOW + UNLOCK_TTL_MS, false],
  ['other link', token, '0190a5c0-0000-7000-8000-000000000002', SECRET, HASH, NOW, false],
  ['other secret', token, LINK, 'another-secret', HASH, NOW, false],
  ['password changed', token, LINK, SECRET, 'scrypt$16384$8$5$salt$other', NOW, false],
  ['tampered mac', `${LINK}.${exp}.${flipped}`, LINK, SECRET, HASH, NOW, false],
  ['extended expiry', `${LINK}.${Number(exp) + 86400}.${mac}`, LINK, SECRET, HASH, NOW, false],
  ['truncated mac', `${LINK}.${exp}.${mac.slice(0, 10)}`, LINK, SECRET, HASH, NOW, false],
  ['no mac', `${LINK}.${exp}`, LINK, SECRET, HASH, NOW, false],
  ['extra part', `${token}.x`, LINK, SECRET, HASH, NOW, false],
  ['garbage', 'garbage', LINK, SECRET, HASH, NOW, false],
  ['not a string', 42, LINK, SECRET, HASH, NOW, false],
  ['empty', '', LINK, SECRET, HASH, NOW, false]
]

for (const [name, candidate, linkId, secret, passwordHash, nowMs, want] of TOKENS) {
  t.test(`unlock token: ${name}`, async t => {
    t.equal(verifyUnlockToken(candidate, linkId, secret, { passwordHash, nowMs }), want)
  })
}

t.test('unlock token honours a custom ttl and names its cookie per link', async t => {
  const short = signUnlockToken(LINK, SECRET, { passwordHash: HASH, nowMs: NOW, ttlMs: 60_000 })
  t.ok(verifyUnlockToken(short, LINK, SECRET, { passwordHash: HASH, nowMs: NOW + 59_000 }))
  t.notOk(verifyUnlockToken(short, LINK, SECRET, { passwordHash: HASH, nowMs: NOW + 60_000 }))
  t.equal(unlockCookieName(LINK), `ga_unlock_${LINK}`)
})
