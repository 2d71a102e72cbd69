// Guards the key rules: allowed characters and length, reserved route words (any case), and the
// generator's alphabet, length, uniformity guard and retry-on-collision behaviour.
import t from 'tap'
import {
  GENERATED_KEY_LENGTH, KEY_ALPHABET, RESERVED_KEYS, generateFreeKey, generateKey, validateKey,
  type RandomSource
} from './keys.js'

const VALID: Array<[string, string]> = [
  ['letters', 'promo'],
  ['mixed case', 'Promo2026'],
  ['dash and underscore', 'spring_sale-1'],
  ['single char', 'x'],
  ['190 chars', 'a'.repeat(190)],
  ['reserved word as prefix', 'gallery'],
  ['reserved word with suffix', 'api2']
]

for (const [name, key] of VALID) {
  t.test(`valid key: ${name}`, async t => {
    t.same(validateKey(key), { ok: true, key })
  })
}

const INVALID: Array<[string, unknown, RegExp]> = [
  ['slash', 'a/b', /characters/],
  ['dot-dot', '..', /characters/],
  ['dot', 'a.b', /characters/],
  ['space', 'a b', /characters/],
  ['emoji', 'promo🎉', /characters/],
  ['non-ascii letter', 'café', /characters/],
  ['percent-encoded', 'a%2Fb', /characters/],
  ['empty', '', /characters/],
  ['191 chars', 'a'.repeat(191), /characters/],
  ['300 chars', 'a'.repeat(300), /characters/],
  ['trailing newline', 'abc\n', /characters/],
  ['not a string', 7, /characters/],
  ['api', 'api', /reserved/],
  ['ga', 'ga', /reserved/],
  ['healthz', 'healthz', /reserved/],
  ['readyz', 'readyz', /reserved/],
  ['API upper case', 'API', /reserved/],
  ['Ga mixed case', 'Ga', /reserved/],
  ['favicon.ico', 'favicon.ico', /characters|reserved/],
  ['robots.txt', 'robots.txt', /characters|reserved/]
]

for (const [name, key, reason] of INVALID) {
  t.test(`invalid key: ${name}`, async t => {
    const got = validateKey(key)
    t.equal(got.ok, false)
    if (!got.ok) t.match(got.reason, reason)
  })
}

t.test('every reserved key is refused', async t => {
  for (const key of RESERVED_KEYS) t.equal(validateKey(key).ok, false, key)
})

// A deterministic source that hands out the given bytes in order, cycling.
function bytes (...values: number[]): RandomSource {
  let i = 0
  return {
    getRandomValues<T extends Uint8Array> (array: T): T {
      for (let j = 0; j < array.length; j++) array[j] = values[i++ % values.length]
      return array
    }
  }
}

t.test('alphabet excludes look-alike characters', async t => {
  t.equal(KEY_ALPHABET.length, 57)
  t.equal(new Set(KEY_ALPHABET).size, 57)
  for (const c of '0O1lI') t.notOk(KEY_ALPHABET.includes(c), c)
})

const GENERATED: Array<[string, RandomSource, string]> = [
  ['maps bytes to symbols', bytes(0, 1, 2, 3, 4, 5, 6), 'abcdefg'],
  ['wraps modulo 57', bytes(57, 58, 113, 114, 227, 0, 56), 'ab9a9a9'],
  ['skips bytes ≥ 228 to stay uniform', bytes(228, 255, 0, 240, 1, 2, 3, 4, 5), 'abcdefa']
]

for (const [name, random, want] of GENERATED) {
  t.test(`generateKey ${name}`, async t => {
    t.equal(generateKey(random), want)
  })
}

t.test('generateKey with real randomness', async t => {
  const seen = new Set<string>()
  for (let i = 0; i < 200; i++) {
    const key = generateKey()
    t.equal(key.length, GENERATED_KEY_LENGTH)
    t.ok(validateKey(key).ok, key)
    t.ok([...key].every(c => KEY_ALPHABET.includes(c)), key)
    seen.add(key)
  }
  t.equal(seen.size, 200, 'no repeats in 200 draws')
})

t.test('generateKey honours a custom length', async t => {
  t.equal(generateKey(undefined, 12).length, 12)
})

t.test('generateFreeKey retries on collision', async t => {
  const tried: string[] = []
  const key = await generateFreeKey(async k => { tried.push(k); return tried.length < 3 })
  t.equal(tried.length, 3)
  t.equal(key, tried[2])
})

t.test('generateFreeKey gives up after the attempts', async t => {
  let calls = 0
  const key = await generateFreeKey(async () => { calls++; return true }, { attempts: 4 })
  t.equal(key, null)
  t.equal(calls, 4)
})
