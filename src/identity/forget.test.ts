// Guards GDPR forget (reference §2.7 with its TS-REC): every PII column is blanked, including the
// ones upstream left behind (phone, partner ids, click ids, connector ids); anonymous counters stay.
import t from 'tap'
import { scrubVisitor, PII_FIELDS, RETAINED_FIELDS, FORGOTTEN_AT } from './forget.js'
import { blankVisitor, type VisitorRecord } from './visitor.js'
import { at, NOW, uuid, visitor, WS } from './fixtures.js'

const known = visitor(uuid(1), {
  fingerprints: ['fp'], anonymous_ids: ['an'], click_ids: [uuid(5)], ga_id: 'G',
  person_external_id: 'cid', person_email: 'a@b.io', person_phone: '+1555', person_name: 'Ann', person_metadata: { plan: 'pro' },
  first_source: { platform: 'meta', referer_url: 'https://x/?email=a@b.io' }, last_source: { platform: 'google' },
  attribution_path: [{ platform: 'meta', timestamp: '2025-01-01T00:00:00.000Z' }],
  first_click_id: uuid(5), last_click_id: uuid(5),
  first_partner_id: uuid(6), first_referral_link_id: uuid(7), first_referral_click_id: uuid(8),
  last_partner_id: uuid(6), last_referral_link_id: uuid(7), last_referral_click_id: uuid(8),
  click_id_params: { fbclid: 'fb' },
  click_id_history: { fbclid: { value: 'fb', first_value: 'fb', first_seen_at: 'x', last_seen_at: 'x', value_first_seen_at: 'x' } },
  connector_identifiers: { meta: 'x' }, geo: { country: 'US', city: 'X' }, device: { type: 'desktop' },
  identified_at: at('2025-01-02T00:00:00Z'), converted_at: at('2025-01-03T00:00:00Z'),
  lead_quality_score: 70, fraud_risk_score: 0.1,
  ltv_cents: 4200,
  status: 'customer'
})

t.test('every PII field is blank after scrubbing', async t => {
  const blank = blankVisitor(uuid(1), WS, FORGOTTEN_AT)
  const scrubbed = scrubVisitor(known, NOW)
  for (const field of PII_FIELDS) t.same(scrubbed[field], blank[field], field)
  t.notSame(known.person_email, scrubbed.person_email, 'the fixture really had PII')
})

t.test('anonymous counters and row identity are kept', async t => {
  const scrubbed = scrubVisitor(known, NOW)
  for (const field of ['id', 'workspace_id', 'ltv_cents', 'inserted_at'] as const) {
    t.same(scrubbed[field], known[field], field)
  }
  t.equal(scrubbed.status, 'anonymous')
  t.same(scrubbed.updated_at, NOW)
})

t.test('a merged row stays merged', async t => {
  const scrubbed = scrubVisitor({ ...known, status: 'merged', merged_into_id: uuid(2) }, NOW)
  t.equal(scrubbed.status, 'merged')
  t.equal(scrubbed.merged_into_id, uuid(2))
})

t.test('every column is classified exactly once', async t => {
  const columns = Object.keys(blankVisitor(uuid(1), WS, NOW)).sort()
  const classified = [...PII_FIELDS, ...RETAINED_FIELDS].sort()
  t.same(classified, columns)
})

t.test('scrubbing does not share mutable values between rows', async t => {
  const a = scrubVisitor(known, NOW) as VisitorRecord
  const b = scrubVisitor(known, NOW)
  a.fingerprints.push('x')
  t.same(b.fingerprints, [])
})
