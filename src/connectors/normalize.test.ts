// Guards the per-platform normal forms that hashes are computed from (reference §1.1–1.5):
// email (Google's gmail dot rule only), phone (Meta without '+', Google/TikTok E.164), names,
// and that already-hashed values pass through untouched.
import { createHash } from 'node:crypto'
import t from 'tap'
import { hashEmail, hashPhone, normalizeEmail, normalizeName, normalizePhone, phoneDigitsWithCountryCode, sha256Hex, type HashingPlatform } from './normalize.js'

const sha = (s: string): string => createHash('sha256').update(s).digest('hex')

t.test('sha256Hex is lowercase hex sha256', async (t) => {
  t.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
})

const EMAILS: [string, HashingPlatform, string | null][] = [
  ['  John.Doe@Example.COM ', 'meta', 'john.doe@example.com'],
  ['John.Doe+tag@GMail.com', 'meta', 'john.doe+tag@gmail.com'],
  ['John.Doe+tag@GMail.com', 'tiktok', 'john.doe+tag@gmail.com'],
  ['John.Doe+tag@GMail.com', 'linkedin', 'john.doe+tag@gmail.com'],
  ['John.Doe+tag@GMail.com', 'google', 'johndoe+tag@gmail.com'],
  ['j.o.h.n@googlemail.com', 'google', 'john@googlemail.com'],
  ['john.doe@example.com', 'google', 'john.doe@example.com'],
  ['not-an-email', 'meta', null],
  ['two@@at.com', 'google', null],
  ['no@tld', 'tiktok', null],
  ['sp ace@example.com', 'meta', null]
]
for (const [raw, platform, want] of EMAILS) {
  t.test(`email ${platform} ${JSON.stringify(raw)}`, async (t) => {
    t.equal(normalizeEmail(raw, platform), want)
    t.equal(hashEmail(raw, platform), want === null ? null : sha(want))
  })
}

const PHONES: [string, HashingPlatform, string | undefined, string | null][] = [
  ['+1 (415) 555-0123', 'meta', undefined, '14155550123'],
  ['+1 (415) 555-0123', 'google', undefined, '+14155550123'],
  ['+1 (415) 555-0123', 'tiktok', undefined, '+14155550123'],
  ['+1 (415) 555-0123', 'linkedin', undefined, null],
  ['0049 170 1234567', 'meta', undefined, '491701234567'],
  ['+44 (0)20 7946 0958', 'google', undefined, '+442079460958'],
  ['0170 1234567', 'google', '49', '+491701234567'],
  ['0170 1234567', 'meta', '49', '491701234567'],
  ['14155550123', 'google', undefined, '+14155550123'],
  ['12345', 'meta', undefined, null],
  ['+1234567890123456', 'google', undefined, null],
  ['call me', 'tiktok', undefined, null]
]
for (const [raw, platform, cc, want] of PHONES) {
  t.test(`phone ${platform} ${JSON.stringify(raw)} cc=${cc ?? '-'}`, async (t) => {
    t.equal(normalizePhone(raw, platform, cc), want)
    t.equal(hashPhone(raw, platform, cc), want === null ? null : sha(want))
  })
}

t.test('phone digits ignore a malformed default calling code', async (t) => {
  t.equal(phoneDigitsWithCountryCode('0170 1234567', 'x49'), '1701234567')
})

const NAMES: [string, HashingPlatform, string | null][] = [
  ['  Zoë ', 'meta', 'zoë'],
  ["O'Brien", 'meta', 'obrien'],
  ["O'Brien", 'tiktok', "o'brien"],
  ['Mary   Ann', 'meta', 'mary ann'],
  ['Jean-Luc', 'meta', 'jeanluc'],
  ['  ', 'meta', null],
  ['...', 'meta', null]
]
for (const [raw, platform, want] of NAMES) {
  t.test(`name ${platform} ${JSON.stringify(raw)}`, async (t) => {
    t.equal(normalizeName(raw, platform), want)
  })
}

t.test('pre-hashed values pass through lowercased, absent values stay absent', async (t) => {
  const hash = sha('john@example.com')
  t.equal(hashEmail(hash.toUpperCase(), 'google'), hash)
  t.equal(hashPhone(hash, 'meta'), hash)
  t.equal(hashEmail(null, 'meta'), null)
  t.equal(hashEmail(undefined, 'meta'), null)
})
