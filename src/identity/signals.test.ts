// Guards the gate into the identity graph: merge evidence (reference §2.8 #1–8), the illegal-id
// blocklist that stops placeholder ids from gluing strangers together, trimming, caps and
// email normalisation.
import t from 'tap'
import { cleanSignals, hasEnoughToMerge, isIllegalId, MAX_SIGNAL_LENGTH, type RawSignals, type Signals } from './signals.js'

const MERGE_EVIDENCE: [string, Signals, boolean][] = [
  ['#1 person_external_id alone', { person_external_id: 'cust_1' }, true],
  ['#2 ga_id alone', { ga_id: 'g1' }, true],
  ['#3 person_email alone', { person_email: 'a@b.co' }, true],
  ['#4 fingerprint + anonymous_id', { fingerprint: 'f', anonymous_id: 'a' }, true],
  ['#5 fingerprint alone', { fingerprint: 'f' }, false],
  ['#6 anonymous_id alone', { anonymous_id: 'a' }, false],
  ['#7 nothing', {}, false],
  ['#8 ga_id + fingerprint', { ga_id: 'g', fingerprint: 'f' }, true],
  ['click_id does not count', { click_id: '0190a000-0000-7000-8000-000000000001', fingerprint: 'f' }, false],
  ['source/geo do not count', { source: { platform: 'x' }, geo: { country: 'US' }, anonymous_id: 'a' }, false]
]
for (const [name, signals, want] of MERGE_EVIDENCE) {
  t.test(`hasEnoughToMerge: ${name}`, async t => { t.equal(hasEnoughToMerge(signals), want) })
}

const ILLEGAL = [
  '', '   ', '\t\n', 'null', 'NULL', ' Null ', 'undefined', 'Undefined', 'anonymous', 'ANONYMOUS', '0', '-1',
  '[object Object]', '[OBJECT OBJECT]', 'none', 'None', 'nan', 'NaN', 'nil', 'true', 'TRUE', 'false', 'guest',
  'distinct_id', 'distinctid', 'id', 'ID', 'email', 'not_authenticated', '"null"', "'undefined'", ' "0" '
]
for (const value of ILLEGAL) {
  t.test(`illegal id ${JSON.stringify(value)} is rejected everywhere`, async t => {
    t.equal(isIllegalId(value), true)
    const cleaned = cleanSignals({
      ga_id: value, person_external_id: value, fingerprint: value, anonymous_id: value, person_email: value,
      click_id_params: { gclid: value }
    })
    t.strictSame(cleaned, {})
    t.equal(hasEnoughToMerge(cleaned), false)
  })
}

const LEGAL = ['cust_42', '00', 'nullable', 'guest_7', 'identity', 'user@example.com', '1', 'None2']
for (const value of LEGAL) {
  t.test(`legal id ${JSON.stringify(value)} passes`, async t => {
    t.equal(isIllegalId(value), false)
    t.equal(cleanSignals({ ga_id: value }).ga_id, value)
  })
}

const CLEANING: [string, RawSignals, Signals][] = [
  ['trims ids', { ga_id: '  g1 ', fingerprint: ' fp\t' }, { ga_id: 'g1', fingerprint: 'fp' }],
  ['keeps id case', { person_external_id: 'Cust_AbC' }, { person_external_id: 'Cust_AbC' }],
  ['numeric external id becomes text', { person_external_id: 42 }, { person_external_id: '42' }],
  ['numeric 0 is illegal', { person_external_id: 0 }, {}],
  ['non-string ids dropped', { ga_id: { a: 1 }, fingerprint: ['x'], anonymous_id: true }, {}],
  ['too-long ga_id rejected, not cut', { ga_id: 'g'.repeat(MAX_SIGNAL_LENGTH.ga_id + 1) }, {}],
  ['ga_id at the cap kept', { ga_id: 'g'.repeat(MAX_SIGNAL_LENGTH.ga_id) }, { ga_id: 'g'.repeat(MAX_SIGNAL_LENGTH.ga_id) }],
  ['control characters rejected', { anonymous_id: 'a\u0000b' }, {}],
  ['email trimmed and lower-cased', { person_email: '  Ann@Example.COM ' }, { person_email: 'ann@example.com' }],
  ['email without @ dropped', { person_email: 'not-an-email' }, {}],
  ['click_id must be a UUID, lower-cased', { click_id: '0190A000-0000-7000-8000-00000000000A' }, { click_id: '0190a000-0000-7000-8000-00000000000a' }],
  ['click_id junk dropped', { click_id: 'abc' }, {}],
  ['click_id_params: keys lower-cased, values kept verbatim, junk dropped',
    { click_id_params: { GCLID: ' Cj0KCQ_x-Y ', fbclid: 'IwAR Space', ttclid: 7, 'bad key': 'v' } },
    { click_id_params: { gclid: 'Cj0KCQ_x-Y' } }],
  ['empty maps dropped', { source: {}, geo: {}, device: {}, click_id_params: {} }, {}],
  ['maps kept', { source: { platform: 'google' }, geo: { country: 'US' } }, { source: { platform: 'google' }, geo: { country: 'US' } }],
  ['arrays are not maps', { geo: ['US'] }, {}],
  ['referral needs a partner uuid',
    { referral: { partner_id: '0190a000-0000-7000-8000-000000000001', referral_link_id: 'x' } },
    { referral: { partner_id: '0190a000-0000-7000-8000-000000000001', referral_link_id: null, referral_click_id: null } }],
  ['referral without partner dropped', { referral: { referral_link_id: '0190a000-0000-7000-8000-000000000001' } }, {}],
  ['occurred_at from ISO', { occurred_at: '2026-01-01T00:00:00Z' }, { occurred_at: new Date('2026-01-01T00:00:00Z') }],
  ['bad occurred_at dropped', { occurred_at: 'yesterday' }, {}],
  ['unknown keys ignored', { ...({ evil: 'x' } as RawSignals), ga_id: 'g' }, { ga_id: 'g' }]
]
for (const [name, raw, want] of CLEANING) {
  t.test(`cleanSignals: ${name}`, async t => { t.strictSame(cleanSignals(raw), want) })
}

t.test('cleanSignals is idempotent', async t => {
  const once = cleanSignals({ ga_id: ' g ', person_email: 'A@B.CO', click_id_params: { gclid: 'x' }, occurred_at: '2026-01-01T00:00:00Z' })
  t.same(cleanSignals(once), once)
})
