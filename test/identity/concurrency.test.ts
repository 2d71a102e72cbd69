// Race safety across processes (issue 3 item 3): two app instances on one database. 50 concurrent
// resolves of one new ga_id make exactly one visitor; concurrent merges of overlapping signal sets
// converge on one survivor; 20 concurrent uses of one idempotency key spread over both instances
// record exactly one event.
import t from 'tap'
import { createTestDatabase, listen } from '../helper.js'

async function post (base: string, key: string, path: string, body: unknown): Promise<{ status: number, body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(base + path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: await res.json() }
}

t.test('two instances, one database', async t => {
  const databaseUrl = await createTestDatabase(t)
  const a = await listen(t, { databaseUrl })
  const b = await listen(t, { databaseUrl })
  const key = a.apiKey !== '' ? a.apiKey : b.apiKey
  t.ok(key, 'one of the instances bootstrapped the key')
  const bases = [a.baseUrl, b.baseUrl]
  const sql = a.database.sql

  await t.test('50 concurrent resolves of one new ga_id → one visitor', async t => {
    const results = await Promise.all(Array.from({ length: 50 }, async (_, i) => await post(bases[i % 2], key, '/ga/api/visitors/resolve', { ga_id: 'race-ga', fingerprint: `fp-${i}` })))
    t.ok(results.every(r => r.status === 200), JSON.stringify(results.find(r => r.status !== 200)))
    t.equal(new Set(results.map(r => r.body.id)).size, 1)
    const rows = await sql`select id, fingerprints from visitors where ga_id = 'race-ga'`
    t.equal(rows.length, 1)
    t.equal(rows[0].fingerprints.length, 50, 'every observation landed on it')
  })

  await t.test('concurrent merges converge on one survivor', async t => {
    // Six visitors, each known by an anonymous id and a fingerprint. Twelve concurrent requests each
    // carry one visitor's anonymous id and its neighbour's fingerprint (two weak signals: merge
    // allowed); together they join the ring, whatever order the two instances run them in.
    // (Arrays accumulate on the survivor, so later requests still find it by a loser's ids. A
    // loser's ga_id does not survive a merge: ga_id is one column, newest wins, as upstream.)
    for (let round = 0; round < 3; round++) {
      const ids: string[] = []
      for (let i = 0; i < 6; i++) ids.push((await post(bases[i % 2], key, '/ga/api/visitors/resolve', { anonymous_id: `a${round}-${i}`, fingerprint: `f${round}-${i}` })).body.id)
      t.equal(new Set(ids).size, 6)
      const joins = Array.from({ length: 12 }, (_, i) => ({ anonymous_id: `a${round}-${i % 6}`, fingerprint: `f${round}-${(i + 1) % 6}` }))
      const results = await Promise.all(joins.map(async (j, i) => await post(bases[i % 2], key, '/ga/api/visitors/resolve', j)))
      t.ok(results.every(r => r.status === 200), JSON.stringify(results.find(r => r.status !== 200)))
      const living = await sql`select id from visitors where id = any(${ids}::uuid[]) and status <> 'merged'`
      t.equal(living.length, 1, `round ${round}: one survivor`)
      t.equal(living[0].id, ids[0], 'the oldest survives')
      const [survivor] = await sql`select anonymous_ids, fingerprints from visitors where id = ${ids[0]}`
      t.equal(survivor.anonymous_ids.length, 6)
      t.equal(survivor.fingerprints.length, 6)
      const audits = await sql`select merged_ids from visitor_merges where merged_ids && ${ids}::uuid[]`
      t.same(audits.flatMap(a => a.merged_ids).sort(), ids.slice(1).sort(), 'each loser merged exactly once')
    }
  })

  await t.test('20 concurrent uses of one idempotency key over both instances → one event', async t => {
    const v = (await post(bases[0], key, '/ga/api/visitors/resolve', { ga_id: 'idem-ga' })).body
    const body = { event_type: 'lead', visitor_id: v.id, idempotency_key: 'cross-proc' }
    const results = await Promise.all(Array.from({ length: 20 }, async (_, i) => await post(bases[i % 2], key, '/ga/api/events', body)))
    t.equal(new Set(results.map(r => r.body.event_id)).size, 1)
    t.equal(results.filter(r => r.status === 201).length, 1)
    t.equal(results.filter(r => r.status === 200).length, 19)
    t.equal((await sql`select count(*)::int as n from events e join event_keys k on k.event_id = e.id where k.key = 'cross-proc'`)[0].n, 1)
    t.equal((await sql`select status from visitors where id = ${v.id}`)[0].status, 'lead', 'the conversion moved the visitor once')
    const profile = await fetch(`${bases[0]}/ga/api/visitors/${v.id}`, { headers: { authorization: `Bearer ${key}` } })
    t.equal((await profile.json()).total_events, 1, 'counted once')
  })
})
