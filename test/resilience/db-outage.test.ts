// Guards issue 8 item 3 (outage): with the database stopped in the middle of a beacon load, every
// client gets 503 + Retry-After (never a 500, never a hang); once it is back, beacons succeed again
// without a restart; and every beacon that was ever acknowledged with 200 is stored exactly once —
// clients retry unacknowledged beacons with the same event_id, as the snippet does.
import t from 'tap'
import postgres from 'postgres'
import { beacon, clientPool, dedicatedCluster, newId, sleep, startServer, Tally, waitUntil } from './harness.js'

const CLIENTS = 20

t.test('database stopped and restarted during a beacon load', async t => {
  const cluster = await dedicatedCluster(t)
  const server = await startServer(t, { DATABASE_URL: cluster.url('postgres') })
  const acked = new Set<string>()
  const tally = new Tally()
  const missingRetryAfter: string[] = []
  let phase: 'before' | 'down' | 'after' = 'before'
  const okAfter = { n: 0 }
  let running = true

  const load = clientPool(CLIENTS, () => running, async () => {
    const id = newId()
    // Retry the same event until it is acknowledged (or the load ends): a 503 means "not stored".
    for (let attempt = 0; running; attempt++) {
      try {
        const res = await beacon(server.baseUrl, id)
        tally.add(res.status)
        if (res.status === 200) { acked.add(id); if (phase === 'after') okAfter.n++; return }
        if (res.status === 503 && res.headers['retry-after'] === undefined) missingRetryAfter.push(res.text)
      } catch {
        tally.add('error')
      }
      await sleep(Math.min(50 * (attempt + 1), 300))
    }
  })

  await waitUntil(async () => acked.size >= 50, 15_000, 'beacons acknowledged before the outage')
  await cluster.stop()
  phase = 'down'
  await waitUntil(async () => tally.get(503) >= 20, 15_000, '503s while the database is down')
  await sleep(1000)
  const ackedBeforeRestart = acked.size
  await cluster.restart()
  phase = 'after'
  await waitUntil(async () => okAfter.n >= 50, 30_000, 'beacons acknowledged again after the restart')
  running = false
  await load

  t.ok(tally.get(503) > 0, `clients saw 503 while the database was down: ${JSON.stringify(tally)}`)
  const otherErrors = [...tally.counts.keys()].filter(s => s !== '200' && s !== '503')
  t.same(otherErrors, [], `only 200 and 503 answers (no 500, no dropped connection): ${JSON.stringify(tally)}`)
  t.same(missingRetryAfter, [], 'every 503 carries Retry-After')
  t.ok(acked.size > ackedBeforeRestart, 'beacons succeed again without restarting the server')

  const sql = postgres(cluster.url('postgres'), { max: 2, onnotice: () => {} })
  t.teardown(async () => { await sql.end() })
  const ids = [...acked]
  // The beacon's event_id names its event in event_keys (the narrow row has no column for it).
  const rows = await sql`select k.key as id, count(e.id)::int as n from good_analytics.event_keys k
    join good_analytics.events e on e.workspace_id = k.workspace_id and e.id = k.event_id
    where k.kind = 'client_event' and k.key = any(${ids}::text[]) group by k.key`
  const stored = new Map(rows.map(r => [r.id as string, r.n as number]))
  t.same(ids.filter(id => stored.get(id) !== 1), [], `every acknowledged beacon stored exactly once (${ids.length} acknowledged)`)
  // A retry stored twice would leave an event its key does not name.
  const [dupes] = await sql`select count(*)::int as n from good_analytics.events e
    where e.event_type = 'pageview' and not exists (select 1 from good_analytics.event_keys k where k.workspace_id = e.workspace_id and k.event_id = e.id)`
  t.equal(dupes.n, 0, 'no event_id stored twice, acknowledged or not')
  t.notMatch(server.output(), /"level":50[^\n]*"statusCode":500/, 'no 500 logged')
})
