// Reference §2.8 over HTTP, restated against the ingest spine (issue 13: events and sessions belong
// to browsers and are never rewritten; a merge re-points the browsers): resolution (#9–#27),
// identify (#28–#35), geo first-write-wins (#36–#38), sessions follow their browser on merge
// (#44), the chains #45/#46, and the fixes: full merged record persisted, loser's external id
// moved, no merge across external ids, illegal ids ignored, status never downgraded, merge audit. Partner merges (#39–#43) have no
// REST input and are covered by src/identity/merge.test.ts.
import t from 'tap'
import { build } from '../helper.js'
import { call, event, getVisitor, identify, resolve, type Client } from './util.js'

const row = async (c: Client & { sql: any }, id: string): Promise<any> => (await c.sql`select * from visitors where id = ${id}`)[0] // eslint-disable-line @typescript-eslint/no-explicit-any

t.test('resolution scenarios', async t => {
  const { app, auth, database } = await build(t)
  const c = { app, auth, sql: database.sql }

  await t.test('#9 new ga_id creates a visitor in the workspace', async t => {
    const v = await resolve(c, { ga_id: 'ga-9' })
    t.equal(v.workspace_id, '00000000-0000-0000-0000-000000000000')
    t.equal(v.ga_id, 'ga-9')
    t.equal(v.status, 'anonymous')
  })

  await t.test('#10 same ga_id twice: same visitor, new fingerprint added', async t => {
    const a = await resolve(c, { ga_id: 'ga-10' })
    const b = await resolve(c, { ga_id: 'ga-10', fingerprint: 'fp_new' })
    t.equal(b.id, a.id)
    t.ok((await row(c, a.id)).fingerprints.includes('fp_new'))
  })

  await t.test('#11 strong + weak signal merges V2 into V1 and the merged record is persisted', async t => {
    const v1 = await resolve(c, { ga_id: 'G11' })
    const v2 = await resolve(c, { fingerprint: 'F11', anonymous_id: 'A11', geo: { country: 'GB' } })
    await event(c, { event_type: 'pageview', visitor_id: v2.id })
    const s = await resolve(c, { ga_id: 'G11', fingerprint: 'F11' })
    t.equal(s.id, v1.id)
    const stored = await row(c, v1.id)
    t.equal(stored.ga_id, 'G11')
    t.ok(stored.fingerprints.includes('F11'))
    t.ok(stored.anonymous_ids.includes('A11'), 'loser arrays persisted, not only returned')
    t.same(stored.geo, { country: 'GB' }, 'loser geo persisted (#27)')
    t.equal((await getVisitor(c, v1.id)).total_events, 1, 'counters add up (counted from the browsers)')
    const loser = await row(c, v2.id)
    t.equal(loser.status, 'merged')
    t.equal(loser.merged_into_id, v1.id)
    const [audit] = await c.sql`select * from visitor_merges where survivor_id = ${v1.id}`
    t.same(audit.merged_ids, [v2.id])
    t.equal(audit.reason, 'strong_signal')
    const browsers = await c.sql`select visitor_id from visitor_browsers where ga_id = ${v2.id}`
    t.same(browsers.map(b => b.visitor_id), [v1.id], '#24 the loser\'s browser now maps to the survivor')
    const timeline = await call(c, 'GET', `/ga/api/visitors/${v1.id}/timeline`)
    t.same(timeline.body.events.map((e: { event_type: string, visitor_id: string }) => [e.event_type, e.visitor_id]), [['pageview', v1.id]], '#24 the event is the survivor\'s, unchanged')
    t.equal((await getVisitor(c, v2.id)).id, v1.id, 'a merged id reads as its survivor')
  })

  await t.test('#12 one weak signal matching one of two visitors: no merge', async t => {
    const v1 = await resolve(c, { fingerprint: 'F12', ga_id: 'G12' })
    const v2 = await resolve(c, { anonymous_id: 'A12' })
    const r = await resolve(c, { fingerprint: 'F12' })
    t.equal(r.id, v1.id)
    t.equal((await row(c, v2.id)).status, 'anonymous')
  })

  await t.test('one weak signal matching two visitors updates the oldest, merges nobody', async t => {
    const v1 = await resolve(c, { ga_id: 'G-w1', fingerprint: 'shared-fp' })
    const v2 = await resolve(c, { ga_id: 'G-w2' })
    await c.sql`update visitors set fingerprints = array['shared-fp'] where id = ${v2.id}`
    const r = await resolve(c, { fingerprint: 'shared-fp' })
    t.equal(r.id, v1.id)
    t.equal((await row(c, v2.id)).status, 'anonymous')
  })

  await t.test('#23 merge V1 with V2 and V3: survivor holds every fingerprint', async t => {
    const v1 = await resolve(c, { ga_id: 'ga23', fingerprint: 'fp1' })
    const v2 = await resolve(c, { anonymous_id: 'an23', fingerprint: 'fp2' })
    const v3 = await resolve(c, { person_email: 'p23@example.com', fingerprint: 'fp3' })
    const s = await resolve(c, { ga_id: 'ga23', anonymous_id: 'an23', person_email: 'P23@example.com' })
    t.equal(s.id, v1.id)
    t.same([...(await row(c, v1.id)).fingerprints].sort(), ['fp1', 'fp2', 'fp3'])
    for (const id of [v2.id, v3.id]) t.equal((await row(c, id)).merged_into_id, v1.id)
  })

  await t.test('#17/#18/#22 creation stores everything; sources accumulate on the path', async t => {
    const click = '0190a000-0000-7000-8000-0000000000aa'
    const v = await resolve(c, { ga_id: 'g17', fingerprint: 'f17', anonymous_id: 'a17', click_id: click, click_id_params: { gclid: 'abc' }, url: 'https://shop.example/?utm_source=news&utm_medium=email' })
    const r = await row(c, v.id)
    t.same(r.click_id_params, { gclid: 'abc' })
    t.same(r.click_ids, [click])
    t.equal(r.attribution_path.length, 1)
    t.ok(r.attribution_path[0].timestamp, 'the first touchpoint has a time (fix)')
    await resolve(c, { ga_id: 'g17', url: 'https://shop.example/?utm_source=ads&utm_medium=cpc', occurred_at: new Date(Date.now() + 1000).toISOString() })
    t.equal((await row(c, v.id)).attribution_path.length, 2)
    t.equal((await call(c, 'GET', `/ga/api/visitors/${v.id}/attribution`)).body.attribution_path.length, 2)
  })

  await t.test('#36–#38 geo is first-write-wins', async t => {
    const v = await resolve(c, { ga_id: 'g36', geo: { country: 'US', city: 'Mountain View' } })
    t.same(v.geo, { country: 'US', city: 'Mountain View' })
    t.same((await resolve(c, { ga_id: 'g36', geo: { country: 'GB' } })).geo, { country: 'US', city: 'Mountain View' })
    t.same((await resolve(c, { ga_id: 'g36', geo: {} })).geo, { country: 'US', city: 'Mountain View' })
  })

  await t.test('#26 merge keeps the older visitor\'s geo', async t => {
    const v1 = await resolve(c, { ga_id: 'g26', geo: { country: 'US' } })
    await resolve(c, { anonymous_id: 'a26', geo: { country: 'GB' } })
    t.same((await resolve(c, { ga_id: 'g26', anonymous_id: 'a26' })).geo, { country: 'US' })
    t.same((await row(c, v1.id)).geo, { country: 'US' })
  })

  await t.test('#44 merge hands the loser\'s sessions to the survivor, keeping their acquisition', async t => {
    const v1 = await resolve(c, { ga_id: 'g44' })
    const v2 = await resolve(c, { anonymous_id: 'a44' })
    t.equal((await event(c, { event_type: 'pageview', visitor_id: v2.id, url: 'https://shop.example/?utm_source=google&utm_medium=cpc' })).status, 201)
    const [before] = await c.sql`select * from sessions where ga_id = ${v2.id}`
    await resolve(c, { ga_id: 'g44', anonymous_id: 'a44' })
    const [after] = await c.sql`select * from sessions where id = ${before.id}`
    t.same(after, before, 'the session row is untouched')
    t.equal(after.source_platform, 'google')
    t.equal((await getVisitor(c, v1.id)).total_sessions, 1, 'the survivor counts it')
  })

  await t.test('illegal ids are not signals', async t => {
    for (const bad of ['null', 'undefined', 'anonymous', '0', '[object Object]', ' ', 'NULL']) {
      const r = await call(c, 'POST', '/ga/api/visitors/resolve', { ga_id: bad })
      t.equal(r.status, 422, `ga_id ${JSON.stringify(bad)} alone is no signal`)
    }
    const a = await resolve(c, { ga_id: 'real-a', person_external_id: 'undefined' })
    const b = await resolve(c, { ga_id: 'real-b', person_external_id: 'undefined' })
    t.not(a.id, b.id, 'two people sending "undefined" stay apart')
    t.equal(a.person_external_id, null)
  })

  await t.test('two visitors holding different external ids are never merged (conflict)', async t => {
    const a = await resolve(c, { person_external_id: 'user-a', ga_id: 'shared-device' })
    const b = await resolve(c, { person_external_id: 'user-b' })
    t.not(a.id, b.id, 'the second person gets their own visitor')
    await c.sql`update visitors set fingerprints = array['fp-shared'] where id = any(${[a.id, b.id]}::uuid[])`
    await resolve(c, { ga_id: 'shared-device', fingerprint: 'fp-shared' })
    t.equal((await row(c, a.id)).status, 'identified')
    t.equal((await row(c, b.id)).status, 'identified')
  })

  await t.test('non-UUID and unknown ids answer 404', async t => {
    for (const path of ['/ga/api/visitors/not-a-uuid', '/ga/api/visitors/0190a000-0000-7000-8000-00000000dead', '/ga/api/visitors/x/timeline', '/ga/api/visitors/x/attribution', '/ga/api/visitors/by-external-id/nobody']) {
      t.equal((await call(c, 'GET', path)).status, 404, path)
    }
    t.equal((await identify(c, 'nope', { person_name: 'x' })).status, 404)
    t.equal((await call(c, 'DELETE', '/ga/api/visitors/nope')).status, 404)
  })
})

t.test('identify scenarios', async t => {
  const { app, auth, database } = await build(t)
  const c = { app, auth, sql: database.sql }

  await t.test('#28/#30 identify sets fields and status', async t => {
    const v = await resolve(c, { ga_id: 'i28' })
    const r = await identify(c, v.id, { person_external_id: 'cid-28', person_email: 'Ann@Example.com', person_name: 'Ann' })
    t.equal(r.status, 200)
    t.equal(r.body.id, v.id)
    t.equal(r.body.status, 'identified')
    t.equal(r.body.person_email, 'ann@example.com')
    t.ok(r.body.identified_at)
    t.equal((await call(c, 'GET', '/ga/api/visitors/by-external-id/cid-28')).body.id, v.id)
  })

  await t.test('#29 identify B with A\'s external id merges them', async t => {
    const a = await resolve(c, { ga_id: 'i29a' })
    await identify(c, a.id, { person_external_id: 'cid-29' })
    const b = await resolve(c, { ga_id: 'i29b' })
    const r = await identify(c, b.id, { person_external_id: 'cid-29' })
    t.equal(r.status, 200)
    t.equal(r.body.person_external_id, 'cid-29')
    t.equal(r.body.id, a.id)
    t.equal((await row(c, b.id)).status, 'merged')
  })

  await t.test('fix: a merge loser\'s ga_id (its browser cookie) keeps resolving to the survivor', async t => {
    const a = await resolve(c, { ga_id: 'i-alias-a' })
    await identify(c, a.id, { person_external_id: 'cid-alias' })
    const b = await resolve(c, { ga_id: 'i-alias-b' })
    const merged = await identify(c, b.id, { person_external_id: 'cid-alias' })
    t.equal(merged.body.id, a.id, 'b merged into a')
    const [before] = await c.sql`select count(*)::int as n from visitors`
    t.equal((await resolve(c, { ga_id: 'i-alias-a' })).id, a.id, 'the survivor\'s own cookie still resolves to it')
    const again = await resolve(c, { ga_id: 'i-alias-b' })
    t.equal(again.id, a.id, 'the loser\'s cookie resolves to the survivor')
    const [after] = await c.sql`select count(*)::int as n from visitors`
    t.equal(after.n, before.n, 'no new visitor')
    const beacon = await event(c, { event_type: 'custom', event_name: 'x', ga_id: 'i-alias-b' })
    t.equal(beacon.status, 201)
  })

  await t.test('fix: the newer visitor holds the external id — the id moves to the older survivor', async t => {
    const older = await resolve(c, { ga_id: 'i-old' })
    const newer = await resolve(c, { ga_id: 'i-new', person_external_id: 'cid-moves' })
    const r = await identify(c, older.id, { person_external_id: 'cid-moves' })
    t.equal(r.status, 200, JSON.stringify(r.body))
    t.equal(r.body.id, older.id)
    t.equal((await row(c, newer.id)).person_external_id, null, 'loser gave the id up')
    t.equal((await call(c, 'GET', '/ga/api/visitors/by-external-id/cid-moves')).body.id, older.id)
  })

  await t.test('#31/#32 email held by an older visitor: merge into it, new fields land on the survivor', async t => {
    const a = await resolve(c, { ga_id: 'i31a' })
    await identify(c, a.id, { person_email: 'shared@example.com' })
    const b = await resolve(c, { ga_id: 'i31b' })
    const r = await identify(c, b.id, { person_email: 'SHARED@example.com', person_name: 'Bo', person_external_id: 'cid-32' })
    t.equal(r.body.id, a.id)
    t.equal(r.body.status, 'identified')
    t.equal(r.body.person_name, 'Bo')
    t.equal(r.body.person_external_id, 'cid-32')
    t.equal((await row(c, b.id)).status, 'merged')
  })

  await t.test('#33 B holds id and email; identify A with both: one merge', async t => {
    const a = await resolve(c, { ga_id: 'i33a' })
    const b = await resolve(c, { ga_id: 'i33b' })
    await identify(c, b.id, { person_external_id: 'cid-33', person_email: 'b33@example.com' })
    const r = await identify(c, a.id, { person_external_id: 'cid-33', person_email: 'b33@example.com' })
    t.equal(r.body.id, a.id)
    t.equal(r.body.person_email, 'b33@example.com')
    t.equal((await row(c, b.id)).status, 'merged')
    t.equal((await c.sql`select count(*)::int as n from visitor_merges where survivor_id = ${a.id}`)[0].n, 1)
  })

  await t.test('#34/#35 fresh email: no merge; twice: same row', async t => {
    const v = await resolve(c, { ga_id: 'i34' })
    t.equal((await identify(c, v.id, { person_email: 'fresh@example.com' })).body.id, v.id)
    t.equal((await identify(c, v.id, { person_email: 'fresh@example.com' })).body.id, v.id)
    t.equal((await c.sql`select count(*)::int as n from visitor_merges where survivor_id = ${v.id}`)[0].n, 0)
  })

  await t.test('external id held by another identified visitor while this one is someone else: 409, nothing merged', async t => {
    const a = await resolve(c, { ga_id: 'c-a', person_external_id: 'alice' })
    const b = await resolve(c, { ga_id: 'c-b', person_external_id: 'bob' })
    const r = await identify(c, b.id, { person_external_id: 'alice' })
    t.equal(r.status, 409)
    t.equal(r.body.code, 'IDENTITY_CONFLICT')
    t.equal((await row(c, a.id)).status, 'identified')
    t.equal((await row(c, b.id)).person_external_id, 'bob')
  })

  await t.test('identify never downgrades a customer', async t => {
    const v = await resolve(c, { ga_id: 'i-cust' })
    t.equal((await event(c, { event_type: 'sale', visitor_id: v.id, amount_cents: 500, currency: 'usd' })).status, 201)
    const r = await identify(c, v.id, { person_name: 'Cy' })
    t.equal(r.body.status, 'customer')
    t.equal(r.body.ltv_cents, 500)
  })

  await t.test('#45 chain: anon → anon+fp → identify keeps one id', async t => {
    const a = await resolve(c, { anonymous_id: 'chain-anon' })
    const b = await resolve(c, { anonymous_id: 'chain-anon', fingerprint: 'chain-fp' })
    t.equal(b.id, a.id)
    t.equal((await identify(c, a.id, { person_external_id: 'chain-cid' })).body.id, a.id)
    const found = (await call(c, 'GET', '/ga/api/visitors/by-external-id/chain-cid')).body
    t.equal(found.id, a.id)
    t.ok((await row(c, a.id)).fingerprints.includes('chain-fp'))
  })

  await t.test('#46 two visitors with events identified with the same id: one timeline', async t => {
    const a = await resolve(c, { ga_id: 'tl-a' })
    const b = await resolve(c, { ga_id: 'tl-b' })
    await event(c, { event_type: 'pageview', visitor_id: a.id })
    await event(c, { event_type: 'custom', event_name: 'signup', visitor_id: b.id })
    await identify(c, a.id, { person_external_id: 'tl-cid' })
    await identify(c, b.id, { person_external_id: 'tl-cid' })
    const survivor = (await call(c, 'GET', '/ga/api/visitors/by-external-id/tl-cid')).body
    const tl = (await call(c, 'GET', `/ga/api/visitors/${survivor.id}/timeline`)).body
    t.ok(tl.events.length >= 2)
    const types = tl.events.map((e: { event_type: string }) => e.event_type)
    t.ok(types.includes('pageview') && types.includes('custom'))
    const times = tl.events.map((e: { occurred_at: string }) => Date.parse(e.occurred_at))
    t.same(times, [...times].sort((x: number, y: number) => y - x), 'newest first')
    const page = (await call(c, 'GET', `/ga/api/visitors/${survivor.id}/timeline?limit=1&offset=1`)).body
    t.equal(page.events.length, 1)
  })

  await t.test('list excludes merged visitors and bounds limit', async t => {
    const list = (await call(c, 'GET', '/ga/api/visitors?limit=200')).body
    t.notOk(list.visitors.some((v: { status: string }) => v.status === 'merged'))
    t.equal((await call(c, 'GET', '/ga/api/visitors?limit=0')).status, 422)
    t.equal((await call(c, 'GET', '/ga/api/visitors?limit=201')).status, 422)
    t.equal((await call(c, 'GET', '/ga/api/visitors?offset=-1')).status, 422)
    t.equal((await call(c, 'GET', '/ga/api/visitors?limit=1&offset=1')).body.visitors.length, 1)
  })
})
