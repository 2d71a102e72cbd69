// Guards issue 8 item 3 (shutdown): SIGTERM in the middle of a mixed load of beacons and redirects.
// The process exits 0 within 10 s, and everything it acknowledged is in the database: each beacon
// answered 200 exactly once (by event_id), each redirect answered 302 as its link_click row (by the
// click id its Location carries as ga_id) — including clicks still in the ingest buffer.
import t from 'tap'
import postgres from 'postgres'
import { createTestDatabase } from '../helper.js'
import { beacon, click, clickIdOf, clientPool, createLink, LINK_DOMAIN, newId, sleep, startServer, Tally, waitUntil } from './harness.js'

t.test('SIGTERM during a mixed load flushes every acknowledged beacon and click', async t => {
  const databaseUrl = await createTestDatabase(t)
  // A long flush interval, so clicks are certainly buffered when the signal arrives.
  const server = await startServer(t, { DATABASE_URL: databaseUrl, GA_LINK_DOMAINS: LINK_DOMAIN, GA_INGEST_FLUSH_MS: '500' })
  t.ok(server.key, 'the first key is printed')
  await createLink(server.baseUrl, server.key ?? '', { url: 'https://example.com/landing', key: 'drain' })

  const acked = new Set<string>()
  const clicks = new Set<string>()
  const beacons = new Tally()
  const redirects = new Tally()
  let running = true
  const load = clientPool(20, () => running, async c => {
    try {
      if (c % 2 === 0) {
        const id = newId()
        const res = await beacon(server.baseUrl, id)
        beacons.add(res.status)
        if (res.status === 200) acked.add(id)
      } else {
        const res = await click(server.baseUrl, 'drain')
        redirects.add(res.status)
        const id = clickIdOf(res)
        if (res.status === 302 && id !== null) clicks.add(id)
      }
    } catch {
      (c % 2 === 0 ? beacons : redirects).add('error')
      await sleep(20)
    }
  })

  await waitUntil(async () => acked.size >= 50 && clicks.size >= 50, 20_000, 'load under way')
  const signalled = Date.now()
  server.child.kill('SIGTERM')
  const code = await server.exited
  const took = Date.now() - signalled
  running = false
  await load

  t.equal(code, 0, 'exit code 0')
  t.ok(took < 10_000, `exited within 10 s (${took} ms)`)
  t.same([...beacons.counts.keys(), ...redirects.counts.keys()].filter(s => s.startsWith('5') && s !== '503'), [],
    `no 5xx other than 503 while closing: beacons ${JSON.stringify(beacons)} redirects ${JSON.stringify(redirects)}`)

  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} })
  t.teardown(async () => { await sql.end() })
  const ids = [...acked]
  // The beacon's event_id names its event in event_keys (the narrow row has no column for it).
  const rows = await sql`select k.key as id, count(e.id)::int as n from good_analytics.event_keys k
    join good_analytics.events e on e.workspace_id = k.workspace_id and e.id = k.event_id
    where k.kind = 'client_event' and k.key = any(${ids}::text[]) group by k.key`
  const stored = new Map(rows.map(r => [r.id as string, r.n as number]))
  t.same(ids.filter(id => stored.get(id) !== 1), [], `${ids.length} acknowledged beacons each stored exactly once`)

  const clickIds = [...clicks]
  const clickRows = await sql`select click_id::text as id, count(*)::int as n from good_analytics.events
    where event_type = 'link_click' and click_id = any(${clickIds}::uuid[]) group by click_id`
  const storedClicks = new Map(clickRows.map(r => [r.id as string, r.n as number]))
  t.same(clickIds.filter(id => storedClicks.get(id) !== 1), [], `${clickIds.length} redirects answered 302 each have exactly one link_click row`)
  const [counters] = await sql`select total_clicks::int as total from good_analytics.links where key = 'drain'`
  t.equal(counters.total, clickIds.length, 'the link counter matches the 302s')
  t.match(server.output(), /server\.shutdown/, 'shut down through the graceful path')
})
