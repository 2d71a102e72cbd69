// Guards identify (reference §2.5 and §2.8 #28–35, #45–46) and its fixes: status never
// downgraded, identified_at kept, illegal ids rejected, the holder's external id moved off the
// loser, and no merge of two visitors holding different external ids.
import t from 'tap'
import { planIdentify, cleanPersonAttrs, type IdentifyPlan, type IdentifyHolders, type RawPersonAttrs } from './identify.js'
import { planResolution, selectCandidates, type ResolutionPlan } from './resolve-plan.js'
import type { VisitorRecord, VisitorStatus } from './visitor.js'
import { at, NOW, uuid, visitor, WS } from './fixtures.js'

const A = (o: Partial<VisitorRecord> = {}): VisitorRecord => visitor(uuid(1), { first_seen_at: at('2025-01-01T00:00:00Z'), ...o })
const B = (o: Partial<VisitorRecord> = {}): VisitorRecord => visitor(uuid(2), { first_seen_at: at('2025-06-01T00:00:00Z'), ...o })

function result (p: IdentifyPlan): VisitorRecord {
  if (p.kind === 'conflict') throw new Error(`unexpected conflict: ${p.reason}`)
  return p.kind === 'merge' ? p.survivor : p.visitor
}
const identify = (v: VisitorRecord, attrs: RawPersonAttrs, holders: IdentifyHolders = {}): IdentifyPlan =>
  planIdentify(v, attrs, holders, NOW)

t.test('#28 identify sets fields, status identified, identified_at', async t => {
  const p = identify(A(), { person_external_id: 'cid', person_email: 'Ann@Example.com ', person_name: 'Ann' })
  t.equal(p.kind, 'update')
  const v = result(p)
  t.same([v.person_external_id, v.person_email, v.person_name], ['cid', 'ann@example.com', 'Ann'])
  t.equal(v.status, 'identified')
  t.same(v.identified_at, NOW)
})

t.test('#29 A identified with cid; identify B with cid → merged, result carries cid', async t => {
  const a = A({ person_external_id: 'cid', status: 'identified' })
  const p = identify(B(), { person_external_id: 'cid' }, { byExternalId: a })
  if (p.kind !== 'merge') throw new Error(`expected merge, got ${p.kind}`)
  t.equal(p.survivor.person_external_id, 'cid')
  t.equal(p.survivor.id, a.id)
  t.same(p.loserPatches.map(x => [x.id, x.merged_into_id]), [[uuid(2), uuid(1)]])
})

t.test('#30 unused cid: same id, identified', async t => {
  const p = identify(A(), { person_external_id: 'fresh' }, { byExternalId: null })
  t.equal(p.kind, 'update')
  t.equal(result(p).id, uuid(1))
  t.equal(result(p).status, 'identified')
})

t.test('#31 A holds the email; identify newer B with it → result is A, B merged', async t => {
  const a = A({ person_email: 'x@y.io' })
  const p = identify(B(), { person_email: 'X@Y.io' }, { byEmail: a })
  if (p.kind !== 'merge') throw new Error(`expected merge, got ${p.kind}`)
  t.equal(p.survivor.id, a.id)
  t.equal(p.survivor.status, 'identified')
  t.same(p.loserPatches.map(x => x.id), [uuid(2)])
})

t.test('#32 as #31 plus name and a new external id: survivor gets all three', async t => {
  const p = identify(B(), { person_email: 'x@y.io', person_name: 'Xi', person_external_id: 'new_cid' }, { byEmail: A({ person_email: 'x@y.io' }) })
  const v = result(p)
  t.equal(v.id, uuid(1))
  t.same([v.person_email, v.person_name, v.person_external_id], ['x@y.io', 'Xi', 'new_cid'])
})

t.test('#33 B holds cid+email; identify A with both → a single merge, B merged', async t => {
  const b = B({ person_external_id: 'cid', person_email: 'x@y.io', status: 'identified' })
  const p = identify(A(), { person_external_id: 'cid', person_email: 'x@y.io' }, { byExternalId: b, byEmail: [b] })
  if (p.kind !== 'merge') throw new Error(`expected merge, got ${p.kind}`)
  t.equal(p.losers.length, 1)
  t.equal(p.survivor.id, uuid(1))
  t.same([p.survivor.person_external_id, p.survivor.person_email], ['cid', 'x@y.io'])
  t.same(p.loserPatches, [{ id: uuid(2), status: 'merged', merged_into_id: uuid(1), updated_at: NOW, person_external_id: null }],
    'the newer holder gives up its external id before the older survivor takes it (upstream unique-violation quirk)')
})

t.test('#34 fresh email: no merge', async t => {
  t.equal(identify(A(), { person_email: 'new@y.io' }, { byEmail: [] }).kind, 'update')
})

t.test('#35 same email twice on the same visitor: same row, no merge', async t => {
  const once = result(identify(A(), { person_email: 'x@y.io' }))
  const twice = identify(once, { person_email: 'x@y.io' }, { byEmail: once })
  t.equal(twice.kind, 'update')
  t.equal(result(twice).id, uuid(1))
  t.equal(result(twice).status, 'identified')
  t.same(result(twice).identified_at, NOW)
})

t.test('#45 chain: resolve anon → resolve anon+fp → identify cid: one visitor throughout', async t => {
  const fresh = { id: uuid(7), workspace_id: WS }
  const persisted = (p: ResolutionPlan): VisitorRecord => {
    if (p.kind === 'create' || p.kind === 'update') return p.visitor
    throw new Error(`unexpected ${p.kind}`)
  }
  const v1 = persisted(planResolution({ anonymous_id: 'anon' }, [], NOW, fresh))
  const v2 = persisted(planResolution({ anonymous_id: 'anon', fingerprint: 'fp' }, [v1], NOW, { ...fresh, id: uuid(8) }))
  const v3 = result(planIdentify(v2, { person_external_id: 'cid' }, { byExternalId: null }, NOW))
  t.same([v1.id, v2.id, v3.id], [uuid(7), uuid(7), uuid(7)])
  const found = selectCandidates({ person_external_id: 'cid' }, [v3], WS)
  t.equal(found[0]?.id, uuid(7))
  t.ok(found[0].fingerprints.includes('fp'))
})

t.test('#46 two visitors with events both identified with the same cid → survivor found by cid', async t => {
  // Their events stay with their browsers; the timeline reads every browser of the survivor
  // (restated against the ingest spine: test/identity/resolve.test.ts checks it end to end).
  const a = result(identify(A({ ltv_cents: 2 }), { person_external_id: 'cid' }))
  const p = identify(B({ ltv_cents: 3 }), { person_external_id: 'cid' }, { byExternalId: a })
  if (p.kind !== 'merge') throw new Error(`expected merge, got ${p.kind}`)
  t.equal(p.survivor.ltv_cents, 5, 'lifetime value of both visitors')
  const rows = [p.survivor, ...p.losers.map(l => ({ ...l, ...p.loserPatches.find(x => x.id === l.id) }))]
  t.same(selectCandidates({ person_external_id: 'cid' }, rows, WS).map(v => v.id), [uuid(1)])
})

const NEVER_DOWNGRADED: VisitorStatus[] = ['lead', 'customer', 'churned']
for (const status of NEVER_DOWNGRADED) {
  t.test(`identify keeps status ${status} and the first identified_at (fix)`, async t => {
    const first = at('2025-02-02T00:00:00Z')
    const v = result(identify(A({ status, identified_at: first, person_external_id: 'cid' }), { person_external_id: 'cid', person_name: 'N' }))
    t.equal(v.status, status)
    t.same(v.identified_at, first)
  })
}

t.test('conflict: visitor already holds another external id', async t => {
  const p = identify(A({ person_external_id: 'alice', status: 'identified' }), { person_external_id: 'bob' }, { byExternalId: B({ person_external_id: 'bob' }) })
  if (p.kind !== 'conflict') throw new Error(`expected conflict, got ${p.kind}`)
  t.equal(p.reason, 'different_person_external_ids')
  t.same(p.externalIds, ['alice', 'bob'])
  t.same(p.visitorIds, [uuid(1), uuid(2)])
})

t.test('conflict: even without a holder, a visitor is never re-identified as someone else', async t => {
  const p = identify(A({ person_external_id: 'alice' }), { person_external_id: 'bob' })
  t.equal(p.kind, 'conflict')
})

t.test('email holder owned by another external id is kept apart, not merged', async t => {
  const other = B({ person_email: 'shared@x.io', person_external_id: 'bob' })
  const p = identify(A({ person_external_id: 'alice' }), { person_email: 'shared@x.io' }, { byEmail: other })
  if (p.kind !== 'update') throw new Error(`expected update, got ${p.kind}`)
  t.same(p.keptApart, [uuid(2)])
  t.equal(p.visitor.person_email, 'shared@x.io')
})

t.test('email holder with an external id merges into an anonymous visitor, and its id moves', async t => {
  const holder = B({ person_email: 'x@y.io', person_external_id: 'bob' })
  const p = identify(A(), { person_email: 'x@y.io' }, { byEmail: holder })
  if (p.kind !== 'merge') throw new Error(`expected merge, got ${p.kind}`)
  t.equal(p.survivor.person_external_id, 'bob')
  t.equal(p.loserPatches[0].person_external_id, null)
})

t.test('a merged visitor cannot be identified; caller must follow merged_into_id', async t => {
  const p = identify(A({ status: 'merged', merged_into_id: uuid(9) }), { person_email: 'x@y.io' })
  if (p.kind !== 'conflict') throw new Error(`expected conflict, got ${p.kind}`)
  t.equal(p.reason, 'visitor_merged')
  t.same(p.visitorIds, [uuid(1), uuid(9)])
})

const ATTRS: [string, RawPersonAttrs, object, string[]][] = [
  ['illegal external id rejected', { person_external_id: 'undefined', person_name: 'N' }, { person_name: 'N' }, ['person_external_id']],
  ['illegal email rejected', { person_email: 'null' }, {}, ['person_email']],
  ['nulls are ignored, not rejected', { person_phone: null, person_name: null }, {}, []],
  ['metadata must be an object', { person_metadata: 'x' }, {}, ['person_metadata']],
  ['everything valid', { person_external_id: ' c1 ', person_email: 'A@B.io', person_phone: ' +1 555 ', person_name: 'Ann', person_metadata: { a: 1 } },
    { person_external_id: 'c1', person_email: 'a@b.io', person_phone: '+1 555', person_name: 'Ann', person_metadata: { a: 1 } }, []],
  ['unknown keys ignored', { ...({ status: 'customer' } as RawPersonAttrs) }, {}, []]
]
for (const [name, raw, attrs, rejected] of ATTRS) {
  t.test(`cleanPersonAttrs: ${name}`, async t => { t.strictSame(cleanPersonAttrs(raw), { attrs, rejected }) })
}

t.test('an illegal external id never triggers a merge', async t => {
  const holder = B({ person_external_id: 'null' })
  const p = identify(A(), { person_external_id: 'null' }, { byExternalId: holder })
  t.equal(p.kind, 'update')
  if (p.kind === 'update') {
    t.same(p.rejected, ['person_external_id'])
    t.equal(p.visitor.person_external_id, null)
  }
})

t.test('metadata is merged shallowly, new keys win', async t => {
  const v = result(identify(A({ person_metadata: { plan: 'free', seats: 1 } }), { person_metadata: { plan: 'pro' } }))
  t.same(v.person_metadata, { plan: 'pro', seats: 1 })
})
