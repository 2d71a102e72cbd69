// Guards resolution (reference §2.2–2.3 and §2.8 #9–22, #36–38): create / update / merge
// decisions, the update rules, geo first-write-wins, and the fix that two visitors holding
// different person_external_ids are never merged (a conflict with a safe fallback instead).
import t from 'tap'
import { planResolution, selectCandidates, matchingSignals, type ResolutionPlan } from './resolve-plan.js'
import type { Signals } from './signals.js'
import type { VisitorRecord } from './visitor.js'
import { MAX_ATTRIBUTION_PATH } from './attribution.js'
import { at, NOW, OTHER_WS, uuid, visitor, WS } from './fixtures.js'

const FRESH = { id: uuid(999), workspace_id: WS }
const plan = (signals: Signals, candidates: VisitorRecord[] = [], now = NOW): ResolutionPlan =>
  planResolution(signals, candidates, now, FRESH)

/** The row the caller persists, whatever the plan kind. */
function persisted (p: ResolutionPlan): VisitorRecord {
  const effective = p.kind === 'conflict' ? p.fallback : p
  return effective.kind === 'merge' ? effective.survivor : effective.visitor
}

t.test('#9 resolve {ga_id: new} creates a visitor in the workspace', async t => {
  const p = plan({ ga_id: 'new' })
  t.equal(p.kind, 'create')
  const v = persisted(p)
  t.equal(v.id, FRESH.id)
  t.equal(v.workspace_id, WS)
  t.equal(v.ga_id, 'new')
  t.equal(v.status, 'anonymous')
  t.same([v.first_seen_at, v.last_seen_at, v.inserted_at], [NOW, NOW, NOW])
})

t.test('#10 resolve {ga_id: X} twice, second adds a fingerprint: same id, fp stored', async t => {
  const first = persisted(plan({ ga_id: 'X' }))
  const second = plan({ ga_id: 'X', fingerprint: 'fp_new' }, [first], at('2026-06-10T13:00:00Z'))
  t.equal(second.kind, 'update')
  t.equal(persisted(second).id, first.id)
  t.ok(persisted(second).fingerprints.includes('fp_new'))
})

t.test('#11 V1 {ga G}, V2 {fp F}; resolve {G, F} merges V2 into V1', async t => {
  const v1 = visitor(uuid(1), { ga_id: 'G', first_seen_at: at('2025-01-01T00:00:00Z') })
  const v2 = visitor(uuid(2), { fingerprints: ['F'], first_seen_at: at('2025-06-01T00:00:00Z') })
  const p = plan({ ga_id: 'G', fingerprint: 'F' }, [v2, v1])
  if (p.kind !== 'merge') throw new Error(`expected merge, got ${p.kind}`)
  t.equal(p.survivor.id, v1.id)
  t.equal(p.survivor.ga_id, 'G')
  t.ok(p.survivor.fingerprints.includes('F'))
  t.same(p.loserPatches, [{ id: v2.id, status: 'merged', merged_into_id: v1.id, updated_at: NOW }])
  t.equal(p.reason, 'strong_signal')
  t.same(p.decidingSignals, ['ga_id'])
})

t.test('#12 V1 {fp F, ga G1}, V2 {anon A}; resolve {fp F} returns V1 and leaves V2 alone', async t => {
  const v1 = visitor(uuid(1), { fingerprints: ['F'], ga_id: 'G1' })
  const v2 = visitor(uuid(2), { anonymous_ids: ['A'] })
  const p = plan({ fingerprint: 'F' }, [v1, v2]) // v2 wrongly loaded: must be ignored
  t.equal(p.kind, 'update')
  t.equal(persisted(p).id, v1.id)
})

t.test('weak-only evidence: two fingerprint matches → only the oldest is updated, no merge', async t => {
  const older = visitor(uuid(1), { fingerprints: ['F'], first_seen_at: at('2024-01-01T00:00:00Z') })
  const newer = visitor(uuid(2), { fingerprints: ['F'], first_seen_at: at('2025-01-01T00:00:00Z') })
  const p = plan({ fingerprint: 'F', source: { platform: 'direct' } }, [newer, older])
  t.equal(p.kind, 'update')
  t.equal(persisted(p).id, older.id)
})

t.test('both weak signals supplied → merge allowed', async t => {
  const a = visitor(uuid(1), { fingerprints: ['F'], first_seen_at: at('2025-03-01T00:00:00Z') })
  const b = visitor(uuid(2), { anonymous_ids: ['A'], first_seen_at: at('2025-02-01T00:00:00Z') })
  const p = plan({ fingerprint: 'F', anonymous_id: 'A' }, [a, b])
  if (p.kind !== 'merge') throw new Error(`expected merge, got ${p.kind}`)
  t.equal(p.survivor.id, b.id, 'oldest survives')
  t.equal(p.reason, 'both_weak_signals')
  t.same(p.decidingSignals, ['fingerprint', 'anonymous_id'])
})

t.test('survivor tie on first_seen_at is broken by id', async t => {
  const a = visitor(uuid(7), { ga_id: 'G' })
  const b = visitor(uuid(3), { fingerprints: ['F'] })
  const p = plan({ ga_id: 'G', fingerprint: 'F' }, [a, b])
  if (p.kind !== 'merge') throw new Error(`expected merge, got ${p.kind}`)
  t.equal(p.survivor.id, uuid(3))
})

const MATCHES: [string, Signals, Partial<VisitorRecord>, string[]][] = [
  ['#13 ga_id', { ga_id: 'G' }, { ga_id: 'G' }, ['ga_id']],
  ['#13 fingerprint', { fingerprint: 'F' }, { fingerprints: ['x', 'F'] }, ['fingerprint']],
  ['#13 anonymous_id', { anonymous_id: 'A' }, { anonymous_ids: ['A'] }, ['anonymous_id']],
  ['#13 person_external_id', { person_external_id: 'c1' }, { person_external_id: 'c1' }, ['person_external_id']],
  ['external id is case-sensitive', { person_external_id: 'C1' }, { person_external_id: 'c1' }, []],
  ['email matched normalised', { person_email: 'ann@x.io' }, { person_email: ' Ann@X.io' }, ['person_email']],
  ['click_id', { click_id: uuid(5) }, { click_ids: [uuid(5)] }, ['click_id']],
  ['no match', { ga_id: 'G' }, { ga_id: 'H' }, []]
]
for (const [name, signals, row, want] of MATCHES) {
  t.test(`matchingSignals: ${name}`, async t => { t.same(matchingSignals(visitor(uuid(1), row), signals), want) })
}

t.test('#13/#14/#15/#16 selectCandidates', async t => {
  const gaHolder = visitor(uuid(1), { ga_id: 'G', first_seen_at: at('2026-01-01T00:00:00Z') })
  const fpHolder = visitor(uuid(2), { fingerprints: ['F'], first_seen_at: at('2025-01-01T00:00:00Z') })
  const merged = visitor(uuid(3), { anonymous_ids: ['A'], status: 'merged', merged_into_id: uuid(1) })
  const elsewhere = visitor(uuid(4), { ga_id: 'G', workspace_id: OTHER_WS })
  const all = [gaHolder, fpHolder, merged, elsewhere]
  t.same(selectCandidates({ ga_id: 'G' }, all, WS).map(v => v.id), [uuid(1)], '#13 exactly the matching visitor')
  t.same(selectCandidates({ anonymous_id: 'A' }, all, WS), [], '#14 merged visitors are not candidates')
  t.same(selectCandidates({}, all, WS), [], '#15 no signals → no candidates')
  t.same(selectCandidates({ ga_id: 'G', fingerprint: 'F' }, all, WS).map(v => v.id), [uuid(2), uuid(1)], '#16 oldest first')
})

t.test('#14 a match that is only a merged visitor → create', async t => {
  const merged = visitor(uuid(3), { ga_id: 'G', status: 'merged', merged_into_id: uuid(1) })
  t.equal(plan({ ga_id: 'G' }, [merged]).kind, 'create')
})

t.test('#17 create stores every signal; click_id_params equal', async t => {
  const source = { platform: 'google_ads', medium: 'paid', click_id_type: 'gclid', click_id_value: 'abc', captured_click_ids: { gclid: 'abc' } }
  const v = persisted(plan({ ga_id: 'G', fingerprint: 'F', anonymous_id: 'A', click_id: uuid(50), source, click_id_params: { gclid: 'abc' } }))
  t.equal(v.ga_id, 'G')
  t.same(v.fingerprints, ['F'])
  t.same(v.anonymous_ids, ['A'])
  t.same(v.click_ids, [uuid(50)])
  t.same([v.first_click_id, v.last_click_id], [uuid(50), uuid(50)])
  t.same(v.first_source, source)
  t.same(v.last_source, source)
  t.same(v.click_id_params, { gclid: 'abc' })
  t.same(v.click_id_history.gclid, {
    value: 'abc', first_value: 'abc', first_seen_at: NOW.toISOString(), last_seen_at: NOW.toISOString(), value_first_seen_at: NOW.toISOString()
  })
})

t.test('#18 create with only {source}: path length 1, timestamped (fix)', async t => {
  const v = persisted(plan({ source: { platform: 'direct' } }))
  t.same(v.attribution_path, [{ platform: 'direct', timestamp: NOW.toISOString() }])
})

const existing = visitor(uuid(1), {
  ga_id: 'G', fingerprints: ['fp1'], first_source: { platform: 'google' }, last_source: { platform: 'google' },
  attribution_path: [{ platform: 'google', timestamp: '2025-01-01T00:00:00.000Z' }]
})
const UPDATES: [string, Signals, (v: VisitorRecord) => boolean][] = [
  ['#19 new fingerprint: both present', { ga_id: 'G', fingerprint: 'fp2' }, v => v.fingerprints.includes('fp1') && v.fingerprints.includes('fp2')],
  ['#19 new value is prepended', { ga_id: 'G', fingerprint: 'fp2' }, v => v.fingerprints[0] === 'fp2'],
  ['#20 same fingerprint: no duplicate', { ga_id: 'G', fingerprint: 'fp1' }, v => v.fingerprints.length === 1],
  ['#21 empty update still bumps last_seen_at', { ga_id: 'G' }, v => v.last_seen_at.getTime() >= existing.last_seen_at.getTime()],
  ['#22 new source: path length 2', { ga_id: 'G', source: { platform: 'meta' } }, v => v.attribution_path.length === 2],
  ['#22 new source becomes last_source, first_source kept', { ga_id: 'G', source: { platform: 'meta' } },
    v => v.last_source?.platform === 'meta' && v.first_source?.platform === 'google'],
  ['ga_id: last one wins', { ga_id: 'G', fingerprint: 'fp1', anonymous_id: 'A', person_external_id: 'c', click_id: uuid(9) }, v => v.ga_id === 'G'],
  ['without source the path is untouched', { ga_id: 'G' }, v => v.attribution_path.length === 1]
]
for (const [name, signals, check] of UPDATES) {
  t.test(name, async t => {
    const p = plan(signals, [existing])
    t.equal(p.kind, 'update')
    t.equal(persisted(p).id, existing.id)
    t.ok(check(persisted(p)))
  })
}

t.test('a new ga_id replaces the old one (matched by fingerprint)', async t => {
  t.equal(persisted(plan({ ga_id: 'G2', fingerprint: 'fp1' }, [existing])).ga_id, 'G2')
})

t.test('first_source is back-filled when it was null (fixes upstream quirk)', async t => {
  const bare = visitor(uuid(1), { ga_id: 'G' })
  t.same(persisted(plan({ ga_id: 'G', source: { platform: 'meta' } }, [bare])).first_source, { platform: 'meta' })
})

t.test('a late event (occurred_at in the past) does not overwrite last-touch fields', async t => {
  const recent = visitor(uuid(1), {
    ga_id: 'G', first_seen_at: at('2026-01-01T00:00:00Z'), last_seen_at: at('2026-06-01T00:00:00Z'), last_source: { platform: 'meta' }
  })
  const v = persisted(plan({ ga_id: 'G', source: { platform: 'google' }, occurred_at: at('2025-12-01T00:00:00Z') }, [recent]))
  t.same(v.last_source, { platform: 'meta' })
  t.same(v.first_source, { platform: 'google' }, 'an earlier observation is the new first touch')
  t.same(v.first_seen_at, at('2025-12-01T00:00:00Z'))
  t.same(v.last_seen_at, at('2026-06-01T00:00:00Z'))
})

t.test('occurred_at in the future is clamped to now', async t => {
  const v = persisted(plan({ ga_id: 'G', occurred_at: at('2030-01-01T00:00:00Z') }))
  t.same(v.last_seen_at, NOW)
})

const US = { country: 'US', city: 'Mountain View' }
t.test('#36 geo set on create', async t => {
  t.same(persisted(plan({ ga_id: 'G', geo: US })).geo, US)
})
t.test('#37 later geo GB does not replace US', async t => {
  const v = visitor(uuid(1), { ga_id: 'G', geo: US })
  t.same(persisted(plan({ ga_id: 'G', geo: { country: 'GB' } }, [v])).geo, US)
})
t.test('#38 empty geo leaves geo unchanged', async t => {
  const v = visitor(uuid(1), { ga_id: 'G', geo: US })
  t.same(persisted(plan({ ga_id: 'G', geo: {} }, [v])).geo, US)
})
t.test('device is first-observation-wins too', async t => {
  const v = visitor(uuid(1), { ga_id: 'G', device: { type: 'desktop' } })
  t.same(persisted(plan({ ga_id: 'G', device: { type: 'smartphone' } }, [v])).device, { type: 'desktop' })
  t.same(persisted(plan({ ga_id: 'G', device: { type: 'smartphone' } })).device, { type: 'smartphone' })
})

t.test('referral context: last touch overwritten, first touch only once', async t => {
  const referral = (n: number) => ({ partner_id: uuid(n), referral_link_id: uuid(n + 100), referral_click_id: uuid(n + 200) })
  const created = persisted(plan({ ga_id: 'G', referral: referral(1) }))
  const later = persisted(plan({ ga_id: 'G', referral: referral(2) }, [created], at('2026-06-11T00:00:00Z')))
  t.same([later.first_partner_id, later.first_referral_link_id, later.first_referral_click_id], [uuid(1), uuid(101), uuid(201)])
  t.same([later.last_partner_id, later.last_referral_link_id, later.last_referral_click_id], [uuid(2), uuid(102), uuid(202)])
})

t.test('conflict: a merge would join two different external ids → no merge, best match updated', async t => {
  const a = visitor(uuid(1), { person_external_id: 'alice', fingerprints: ['F'], first_seen_at: at('2025-01-01T00:00:00Z') })
  const b = visitor(uuid(2), { person_external_id: 'bob', ga_id: 'G', first_seen_at: at('2025-02-01T00:00:00Z') })
  const p = plan({ ga_id: 'G', fingerprint: 'F' }, [a, b])
  if (p.kind !== 'conflict') throw new Error(`expected conflict, got ${p.kind}`)
  t.equal(p.reason, 'different_person_external_ids')
  t.same(p.externalIds.sort(), ['alice', 'bob'])
  t.same(p.visitorIds.sort(), [uuid(1), uuid(2)])
  t.equal(p.fallback.kind, 'update')
  t.equal(persisted(p).id, b.id, 'ga_id is the stronger match')
  t.equal(persisted(p).person_external_id, 'bob')
})

t.test('conflict: supplied external id differs from the only candidate\'s → own visitor created', async t => {
  const alice = visitor(uuid(1), { person_external_id: 'alice', ga_id: 'shared-cookie' })
  const p = plan({ ga_id: 'shared-cookie', person_external_id: 'bob' }, [alice])
  if (p.kind !== 'conflict') throw new Error(`expected conflict, got ${p.kind}`)
  t.equal(p.fallback.kind, 'create')
  t.equal(persisted(p).person_external_id, 'bob')
  t.equal(persisted(p).status, 'identified')
  t.same(p.externalIds.sort(), ['alice', 'bob'])
  t.same(p.visitorIds, [uuid(1), FRESH.id])
})

t.test('conflict: foreign holder kept apart, compatible candidates still merge', async t => {
  const bob = visitor(uuid(1), { person_external_id: 'bob', first_seen_at: at('2025-01-01T00:00:00Z') })
  const alice = visitor(uuid(2), { person_external_id: 'alice', ga_id: 'G', first_seen_at: at('2025-02-01T00:00:00Z') })
  const anon = visitor(uuid(3), { fingerprints: ['F'], first_seen_at: at('2025-03-01T00:00:00Z') })
  const bobWithFp = { ...bob, fingerprints: ['F'] }
  const p = plan({ person_external_id: 'alice', ga_id: 'G', fingerprint: 'F' }, [bobWithFp, alice, anon])
  if (p.kind !== 'conflict') throw new Error(`expected conflict, got ${p.kind}`)
  if (p.fallback.kind !== 'merge') throw new Error(`expected merge fallback, got ${p.fallback.kind}`)
  t.equal(p.fallback.survivor.id, alice.id)
  t.same(p.fallback.losers.map(v => v.id), [anon.id])
  t.notOk(p.fallback.loserPatches.some(patch => patch.id === bob.id), 'bob is untouched')
})

t.test('same external id on the supplied signal and candidate is not a conflict', async t => {
  const alice = visitor(uuid(1), { person_external_id: 'alice', ga_id: 'G' })
  t.equal(plan({ ga_id: 'G', person_external_id: 'alice' }, [alice]).kind, 'update')
})

t.test('unique field move: loser holds the external id, older survivor does not', async t => {
  const older = visitor(uuid(1), { ga_id: 'G', first_seen_at: at('2024-01-01T00:00:00Z') })
  const holder = visitor(uuid(2), { person_external_id: 'cust', first_seen_at: at('2025-01-01T00:00:00Z') })
  const p = plan({ ga_id: 'G', person_external_id: 'cust' }, [older, holder])
  if (p.kind !== 'merge') throw new Error(`expected merge, got ${p.kind}`)
  t.equal(p.survivor.id, older.id)
  t.equal(p.survivor.person_external_id, 'cust')
  t.same(p.loserPatches, [{ id: holder.id, status: 'merged', merged_into_id: older.id, updated_at: NOW, person_external_id: null }])
})

t.test(`path stays capped at ${MAX_ATTRIBUTION_PATH} over many pageviews, keeping the newest`, async t => {
  let v = persisted(plan({ ga_id: 'G', source: { platform: 'direct', n: 0 } }))
  for (let i = 1; i <= 60; i++) {
    v = persisted(plan({ ga_id: 'G', source: { platform: 'direct', n: i } }, [v], new Date(NOW.getTime() + i * 1000)))
  }
  t.equal(v.attribution_path.length, MAX_ATTRIBUTION_PATH)
  t.equal(v.attribution_path.at(-1)?.n, 60)
  t.equal(v.attribution_path[0].n, 11)
  t.same(v.first_source, { platform: 'direct', n: 0 }, 'first touch survives the cap')
})
