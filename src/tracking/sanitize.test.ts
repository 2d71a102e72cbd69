import t from 'tap'
import { cleanEngagedMs, cleanLinkKey, cleanProperties, cleanScrollDepth, isTruthyFlag, LIMITS, sanitizeBeacon } from './sanitize.js'

const ID = '6f1c2a8e-3b7d-4c2a-9e1f-0a1b2c3d4e5f'

t.test('422 for what cannot be repaired, naming every field', async t => {
  const rows: Array<[string, Record<string, unknown>, string[]]> = [
    ['unknown event_type', { event_type: 'hack' }, ['event_type']],
    ['event_type not a string', { event_type: 3 }, ['event_type']],
    ['event_id not a UUID', { event_id: '123' }, ['event_id']],
    ['event_id a number', { event_id: 5 }, ['event_id']],
    ['javascript: url', { url: 'javascript:alert(1)' }, ['url']],
    ['relative url', { url: '/just/a/path' }, ['url']],
    ['url with control characters', { url: 'https://a.test/\u0000x' }, ['url']],
    ['all three', { event_type: 'x', event_id: 'y', url: 'data:,z' }, ['event_type', 'event_id', 'url']]
  ]
  for (const [name, body, fields] of rows) {
    try {
      sanitizeBeacon(body)
      t.fail(`${name}: no error`)
    } catch (err) {
      t.same(Object.keys((err as { errors: Record<string, string> }).errors).sort(), fields.sort(), name)
      t.equal((err as { statusCode: number }).statusCode, 422)
    }
  }
})

t.test('defaults and repairs', async t => {
  const e = sanitizeBeacon({
    event_id: ID.toUpperCase(),
    url: ' https://Shop.test/a?b=1 ',
    referrer: 'android-app://com.google.android.gm',
    ga_id: 'x'.repeat(129),
    anonymous_id: '  anon-1  ',
    fingerprint: '',
    event_name: '  ' + 'n'.repeat(150),
    title: 'T'.repeat(400),
    screen: '1920x1080',
    language: 'en-US',
    gclid: 'g-1',
    _fbp: 'fb.1.1700000000000.123',
    fbclid: 'has space',
    properties: { reconcile_only: 'true' },
    pk: ' gak_pk_x '
  })
  t.equal(e.event_type, 'pageview', 'pageview by default')
  t.equal(e.event_id, ID, 'event_id lower-cased')
  t.equal(e.url, 'https://shop.test/a?b=1')
  t.equal(e.referrer, null, 'non-http referrer dropped')
  t.equal(e.ga_id, null, 'over-long ids dropped, not cut')
  t.equal(e.anonymous_id, 'anon-1')
  t.equal(e.fingerprint, null)
  t.equal(e.event_name?.length, LIMITS.eventName)
  t.equal(e.properties.title, 'T'.repeat(LIMITS.title), 'page facts kept as properties')
  t.equal(e.properties.screen, '1920x1080')
  t.same(e.click_ids, { gclid: 'g-1' }, 'click ids with spaces dropped')
  t.same(e.connector_signals, { _fbp: 'fb.1.1700000000000.123', gclid: 'g-1' })
  t.equal(e.reconcile_only, true, 'reconcile_only read from properties too')
  t.notOk('reconcile_only' in e.properties)
  t.equal(e.pk, 'gak_pk_x')
  const long = sanitizeBeacon({ url: 'https://a.test/?q=' + 'x'.repeat(5000), referrer: 'https://b.test/' + 'y'.repeat(10_000) })
  t.equal(long.url?.length, LIMITS.url, 'long url cut to the limit')
  t.equal(long.referrer?.length, LIMITS.url, 'long referrer cut to the limit')
})

t.test('properties: scalars only, 50 keys, caller keys beat page facts', async t => {
  const many: Record<string, unknown> = {}
  for (let i = 0; i < 500; i++) many[`k${i}`] = i
  t.equal(Object.keys(cleanProperties(many)).length, LIMITS.properties, '500 keys trimmed to 50')
  t.same(Object.keys(cleanProperties(many)).slice(0, 2), ['k0', 'k1'], 'in body order')
  t.same(cleanProperties({ a: { b: 1 }, c: [1], d: 'x', e: 2, f: false, g: null, h: Infinity, _i: 1, ['j'.repeat(101)]: 1 }), { d: 'x', e: 2, f: false, g: null })
  t.same(cleanProperties({ title: 'mine' }, { title: 'page', screen: '1x1' }), { title: 'mine', screen: '1x1' })
  t.same(cleanProperties('nope'), {})
  t.same(cleanProperties([1, 2]), {})
  t.equal((cleanProperties({ s: 'z'.repeat(2000) }).s as string).length, LIMITS.propertyString)
})

t.test('engagement values', async t => {
  const ms: Array<[unknown, number | null]> = [[1500.9, 1500], [0, 0], [-1, null], ['100', null], [NaN, null], [9e9, LIMITS.engagedMs]]
  for (const [v, want] of ms) t.equal(cleanEngagedMs(v), want, `engaged_ms ${String(v)}`)
  const depth: Array<[unknown, number | null]> = [[80.7, 80], [100, 100], [0, 0], [101, null], [-1, null], ['50', null]]
  for (const [v, want] of depth) t.equal(cleanScrollDepth(v), want, `scroll_depth ${String(v)}`)
  const flags: Array<[unknown, boolean]> = [[true, true], ['true', true], [1, true], ['1', true], [false, false], ['yes', false], [null, false]]
  for (const [v, want] of flags) t.equal(isTruthyFlag(v), want, `flag ${String(v)}`)
})

t.test('link keys', async t => {
  const rows: Array<[unknown, string | null]> = [['partner1', 'partner1'], [' p-1_x ', 'p-1_x'], ['a/b', null], ['', null], [3, null], ['k'.repeat(191), null]]
  for (const [v, want] of rows) t.equal(cleanLinkKey(v), want, String(v))
})
