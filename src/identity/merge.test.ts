// Guards the merge (reference §2.4 and §2.8 #23–27, #39–44) and its fixes: the survivor row is
// complete (arrays, geo, partner touch, path, click ids, counters), unique person fields move off
// the losers, counters add up, click-id history keeps first and last touch, path capped at 50.
import t from 'tap'
import { mergeVisitors } from './merge.js'
import { planMergeGroup } from './merge-plan.js'
import { MAX_ATTRIBUTION_PATH } from './attribution.js'
import type { ClickIdObservation, VisitorRecord } from './visitor.js'
import { at, NOW, OTHER_WS, uuid, visitor } from './fixtures.js'

const older = (overrides: Partial<VisitorRecord> = {}): VisitorRecord =>
  visitor(uuid(1), { first_seen_at: at('2025-01-01T00:00:00Z'), last_seen_at: at('2025-03-01T00:00:00Z'), ...overrides })
const newer = (overrides: Partial<VisitorRecord> = {}): VisitorRecord =>
  visitor(uuid(2), { first_seen_at: at('2025-02-01T00:00:00Z'), last_seen_at: at('2025-04-01T00:00:00Z'), ...overrides })

t.test('#23 survivor carries every fingerprint', async t => {
  const v1 = older({ fingerprints: ['fp1'], ga_id: 'ga1' })
  const v2 = newer({ fingerprints: ['fp2'] })
  const v3 = visitor(uuid(3), { fingerprints: ['fp3', 'fp1'], first_seen_at: at('2025-05-01T00:00:00Z') })
  t.same(mergeVisitors(v1, [v2, v3], NOW).fingerprints, ['fp1', 'fp2', 'fp3'])
})

t.test('#24/#25/#44 merge plan: losers re-pointed and marked merged into the survivor', async t => {
  const plan = planMergeGroup([newer(), older()], NOW)
  t.equal(plan.survivor.id, uuid(1))
  t.same(plan.losers.map(v => v.id), [uuid(2)], 'events and sessions of these ids move to the survivor')
  t.same(plan.loserPatches, [{ id: uuid(2), status: 'merged', merged_into_id: uuid(1), updated_at: NOW }])
  t.equal(plan.survivor.status, 'anonymous')
  t.equal(plan.survivor.merged_into_id, null)
})

const GEO: [string, Partial<VisitorRecord>, Partial<VisitorRecord>, object][] = [
  ['#26 primary US, duplicate GB → US', { geo: { country: 'US' } }, { geo: { country: 'GB' } }, { country: 'US' }],
  ['#27 primary empty, duplicate GB → GB', {}, { geo: { country: 'GB' } }, { country: 'GB' }],
  ['neither has geo → {}', {}, {}, {}]
]
for (const [name, primary, duplicate, want] of GEO) {
  t.test(`geo: ${name}`, async t => { t.same(mergeVisitors(older(primary), [newer(duplicate)], NOW).geo, want) })
}

t.test('device: earliest non-empty wins', async t => {
  t.same(mergeVisitors(older(), [newer({ device: { type: 'tablet' } })], NOW).device, { type: 'tablet' })
  t.same(mergeVisitors(older({ device: { type: 'desktop' } }), [newer({ device: { type: 'tablet' } })], NOW).device, { type: 'desktop' })
})

const partner = (prefix: 'first' | 'last', n: number): Partial<VisitorRecord> => ({
  [`${prefix}_partner_id`]: uuid(n), [`${prefix}_referral_link_id`]: uuid(n + 100), [`${prefix}_referral_click_id`]: uuid(n + 200)
})
const partnerFields = (v: VisitorRecord): (string | null)[] => [
  v.first_partner_id, v.first_referral_link_id, v.first_referral_click_id,
  v.last_partner_id, v.last_referral_link_id, v.last_referral_click_id
]
const PARTNERS: [string, Partial<VisitorRecord>, Partial<VisitorRecord>, (string | null)[]][] = [
  ['#39 neither has a partner', {}, {}, [null, null, null, null, null, null]],
  ['#40 only primary', { ...partner('first', 1), ...partner('last', 2) }, {},
    [uuid(1), uuid(101), uuid(201), uuid(2), uuid(102), uuid(202)]],
  ['#41 only duplicate: adopted first and last', {}, { ...partner('first', 3), ...partner('last', 4) },
    [uuid(3), uuid(103), uuid(203), uuid(4), uuid(104), uuid(204)]],
  ['#42/#43 both: first-touch from older primary, last-touch from later duplicate',
    { ...partner('first', 1), ...partner('last', 2) }, { ...partner('first', 3), ...partner('last', 4) },
    [uuid(1), uuid(101), uuid(201), uuid(4), uuid(104), uuid(204)]]
]
for (const [name, primary, duplicate, want] of PARTNERS) {
  t.test(`partner: ${name}`, async t => { t.same(partnerFields(mergeVisitors(older(primary), [newer(duplicate)], NOW)), want) })
}

t.test('partner: last-touch stays with the primary when it was active later', async t => {
  const primary = older({ last_seen_at: at('2026-01-01T00:00:00Z'), ...partner('first', 1), ...partner('last', 2) })
  const merged = mergeVisitors(primary, [newer({ ...partner('first', 3), ...partner('last', 4) })], NOW)
  t.same(partnerFields(merged), [uuid(1), uuid(101), uuid(201), uuid(2), uuid(102), uuid(202)])
})

t.test('ltv sums; first_seen min; last_seen max; converted_at/identified_at earliest', async t => {
  const a = older({
    ltv_cents: 1000,
    converted_at: at('2025-03-01T00:00:00Z'), identified_at: null
  })
  const b = newer({
    ltv_cents: 2500,
    converted_at: at('2025-02-15T00:00:00Z'), identified_at: at('2025-02-20T00:00:00Z')
  })
  const c = visitor(uuid(3), { first_seen_at: at('2025-01-15T00:00:00Z'), last_seen_at: at('2025-01-20T00:00:00Z'), ltv_cents: 1 })
  const m = mergeVisitors(a, [b, c], NOW)
  t.equal(m.ltv_cents, 3501)
  t.same(m.first_seen_at, at('2025-01-01T00:00:00Z'))
  t.same(m.last_seen_at, at('2025-04-01T00:00:00Z'))
  t.same(m.converted_at, at('2025-02-15T00:00:00Z'))
  t.same(m.identified_at, at('2025-02-20T00:00:00Z'))
  t.same(m.updated_at, NOW)
  t.same(m.inserted_at, a.inserted_at, 'the survivor row keeps its own insert time')
})

t.test('scores: risk and quality take the max', async t => {
  const m = mergeVisitors(
    older({ fraud_risk_score: 0.2, lead_quality_score: null }),
    [newer({ fraud_risk_score: 0.7, lead_quality_score: 40 })], NOW)
  t.equal(m.fraud_risk_score, 0.7)
  t.equal(m.lead_quality_score, 40)
})

t.test('status: the merged person is as far as any of its records got', async t => {
  t.equal(mergeVisitors(older(), [newer({ status: 'customer' })], NOW).status, 'customer')
  t.equal(mergeVisitors(older({ status: 'lead' }), [newer({ status: 'identified' })], NOW).status, 'lead')
})

t.test('person fields: survivor keeps its own, gaps filled from losers; external id moves', async t => {
  const m = mergeVisitors(
    older({ person_email: 'a@x.io', person_metadata: { plan: 'pro', seats: 2 } }),
    [newer({ person_email: 'b@x.io', person_name: 'Bea', person_external_id: 'cust_b', person_phone: '+1555', person_metadata: { plan: 'free', team: 'x' } })],
    NOW)
  t.same(
    [m.person_email, m.person_name, m.person_external_id, m.person_phone],
    ['a@x.io', 'Bea', 'cust_b', '+1555']
  )
  t.same(m.person_metadata, { plan: 'pro', seats: 2, team: 'x' })
})

t.test('unique field move: merge plan nulls the loser external id before the survivor takes it', async t => {
  const plan = planMergeGroup([older(), newer({ person_external_id: 'cust_b' })], NOW)
  t.equal(plan.survivor.person_external_id, 'cust_b')
  t.equal(plan.loserPatches[0].person_external_id, null)
  t.ok('person_external_id' in plan.loserPatches[0])
})

t.test('last-touch facts follow the most recently active record', async t => {
  const m = mergeVisitors(
    older({ ga_id: 'old-cookie', last_source: { platform: 'google' }, first_source: { platform: 'google' }, last_click_id: uuid(11), first_click_id: uuid(11) }),
    [newer({ ga_id: 'new-cookie', last_source: { platform: 'meta' }, first_source: { platform: 'meta' }, last_click_id: uuid(12), first_click_id: uuid(12) })],
    NOW)
  t.equal(m.ga_id, 'old-cookie', 'the survivor keeps its own cookie id (the loser keeps its own on the merged row)')
  t.same([m.first_source, m.last_source], [{ platform: 'google' }, { platform: 'meta' }])
  t.same([m.first_click_id, m.last_click_id], [uuid(11), uuid(12)])
})

t.test('arrays, click_id_params and connector ids are consolidated (persisted in full)', async t => {
  const m = mergeVisitors(
    older({ anonymous_ids: ['a1'], click_ids: [uuid(21)], click_id_params: { gclid: 'g-old', ttclid: 't' }, connector_identifiers: { meta: 'x' } }),
    [newer({ anonymous_ids: ['a2', 'a1'], click_ids: [uuid(22)], click_id_params: { gclid: 'g-new' }, connector_identifiers: { google: 'y' } })],
    NOW)
  t.same(m.anonymous_ids, ['a1', 'a2'])
  t.same(m.click_ids, [uuid(21), uuid(22)])
  t.same(m.click_id_params, { gclid: 'g-new', ttclid: 't' })
  t.same(m.connector_identifiers, { meta: 'x', google: 'y' })
})

t.test('attribution paths: interleaved by time, duplicates dropped, capped at 50 newest', async t => {
  const tp = (day: number, platform: string) => ({ platform, timestamp: new Date(Date.UTC(2025, 0, day)).toISOString() })
  const a = older({ attribution_path: [tp(1, 'a'), tp(3, 'a'), tp(5, 'shared')] })
  const b = newer({ attribution_path: [tp(2, 'b'), tp(4, 'b'), { timestamp: tp(5, 'shared').timestamp, platform: 'shared' }] })
  t.same(mergeVisitors(a, [b], NOW).attribution_path.map(e => e.platform), ['a', 'b', 'a', 'b', 'shared'])

  const many = (from: number, platform: string) => Array.from({ length: 40 }, (_, i) => tp(from + i * 2, platform))
  const capped = mergeVisitors(older({ attribution_path: many(1, 'a') }), [newer({ attribution_path: many(2, 'b') })], NOW).attribution_path
  t.equal(capped.length, MAX_ATTRIBUTION_PATH)
  t.equal(capped.at(-1)?.timestamp, tp(80, 'b').timestamp, 'newest kept')
  t.equal(capped[0].timestamp, tp(31, 'a').timestamp, 'oldest dropped')
})

t.test('untimestamped legacy touchpoints count as the oldest', async t => {
  const m = mergeVisitors(
    older({ attribution_path: [{ platform: 'legacy' }, { platform: 'a', timestamp: '2025-01-02T00:00:00.000Z' }] }),
    [newer({ attribution_path: [{ platform: 'b', timestamp: '2025-01-01T00:00:00.000Z' }] })], NOW)
  t.same(m.attribution_path.map(e => e.platform), ['legacy', 'b', 'a'])
})

const obs = (first: [string, string], last: [string, string], valueFirstSeen?: string): ClickIdObservation => ({
  first_value: first[0], first_seen_at: first[1], value: last[0], last_seen_at: last[1], value_first_seen_at: valueFirstSeen ?? last[1]
})
const D = (day: number): string => new Date(Date.UTC(2025, 0, day)).toISOString()
const HISTORY: [string, ClickIdObservation, ClickIdObservation, ClickIdObservation][] = [
  ['loser saw the fbclid first and last',
    obs(['fb_s', D(10)], ['fb_s', D(12)]), obs(['fb_l', D(5)], ['fb_l2', D(20)], D(15)),
    obs(['fb_l', D(5)], ['fb_l2', D(20)], D(15))],
  ['survivor first, loser last',
    obs(['fb_1', D(1)], ['fb_1', D(3)], D(1)), obs(['fb_2', D(4)], ['fb_2', D(9)], D(4)),
    obs(['fb_1', D(1)], ['fb_2', D(9)], D(4))],
  ['same value on both: its own first-seen is the earliest',
    obs(['fb_x', D(2)], ['fb_x', D(6)], D(2)), obs(['fb_x', D(4)], ['fb_x', D(8)], D(4)),
    obs(['fb_x', D(2)], ['fb_x', D(8)], D(2))]
]
for (const [name, survivorEntry, loserEntry, want] of HISTORY) {
  t.test(`click-id history through a merge: ${name}`, async t => {
    const m = mergeVisitors(older({ click_id_history: { fbclid: survivorEntry } }), [newer({ click_id_history: { fbclid: loserEntry, gclid: obs(['g', D(1)], ['g', D(1)]) } })], NOW)
    t.same(m.click_id_history.fbclid, want)
    t.same(m.click_id_history.gclid, obs(['g', D(1)], ['g', D(1)]), 'types only one side has are carried over')
  })
}

t.test('merge is order-independent for the survivor facts', async t => {
  const a = older({ fingerprints: ['f1'], ltv_cents: 2, geo: { country: 'US' } })
  const b = newer({ fingerprints: ['f2'], ltv_cents: 3 })
  const c = visitor(uuid(3), { first_seen_at: at('2025-06-01T00:00:00Z'), fingerprints: ['f3'], ltv_cents: 4, geo: { country: 'FR' } })
  const x = planMergeGroup([c, b, a], NOW).survivor
  const y = planMergeGroup([a, c, b], NOW).survivor
  t.same({ ...x, fingerprints: [...x.fingerprints].sort() }, { ...y, fingerprints: [...y.fingerprints].sort() })
  t.equal(x.ltv_cents, 9)
})

t.test('misuse throws: different workspaces, merged rows, different external ids', async t => {
  t.throws(() => mergeVisitors(older(), [newer({ workspace_id: OTHER_WS })], NOW))
  t.throws(() => mergeVisitors(older(), [newer({ status: 'merged' })], NOW))
  t.throws(() => mergeVisitors(older({ person_external_id: 'a' }), [newer({ person_external_id: 'b' })], NOW))
  t.throws(() => planMergeGroup([older()], NOW))
})
