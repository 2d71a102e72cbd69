// Sessions at ingest across processes and their rebuild (issue 13): two app instances receiving
// alternating events of one browser build one session (the per-browser lock); a split on a new
// acquisition and the 30-minute window hold end to end; `sessions rebuild` recomputes a range
// from the events and lands on the same sessions; DATABASE_READ_URL serves the reads.
import t from 'tap'
import postgres from 'postgres'
import { createTestDatabase, listen, SCHEMA } from '../helper.js'
import { call } from '../links/http.js'
import { rebuildSessions } from '../../src/sessions/rebuild.js'

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const WS = '00000000-0000-0000-0000-000000000000'

t.test('two processes, one browser, alternating events: one session', async t => {
  const databaseUrl = await createTestDatabase(t)
  const a = await listen(t, { databaseUrl })
  const b = await listen(t, { databaseUrl })
  const browser = '0190a000-0000-7000-8000-000000005e55'
  const beacon = async (base: string, n: number): Promise<number> => (await call(base, 'POST', '/ga/t/event', {
    headers: { 'content-type': 'text/plain', 'user-agent': UA },
    rawBody: JSON.stringify({ event_type: 'pageview', ga_id: browser, url: `https://shop.example/p${n}${n === 0 ? '?utm_source=news' : ''}`, referrer: n === 0 ? 'https://news.example/' : 'https://shop.example/' })
  })).status
  // Concurrent pairs, so the two processes' batches really race on the browser.
  for (let n = 0; n < 20; n += 2) t.same(await Promise.all([beacon(a.baseUrl, n), beacon(b.baseUrl, n + 1)]), [200, 200])
  const sql = a.database.sql
  const sessions = await sql`select * from sessions where ga_id = ${browser}`
  t.equal(sessions.length, 1, 'one session')
  t.match(sessions[0], { pageviews: 20, events: 20, is_bounce: false, source_platform: 'news' })
  const stamped = await sql`select distinct session_id from events where ga_id = ${browser}`
  t.same(stamped.map(r => r.session_id), [sessions[0].id], 'every event carries it')

  t.test('a new campaign splits; the rebuild lands on the same sessions', async t => {
    t.equal(await beacon(a.baseUrl, 100), 200)
    const split = await call(a.baseUrl, 'POST', '/ga/t/event', {
      headers: { 'content-type': 'text/plain', 'user-agent': UA },
      rawBody: JSON.stringify({ event_type: 'pageview', ga_id: browser, url: 'https://shop.example/sale?utm_source=ads&utm_medium=cpc' })
    })
    t.equal(split.status, 200)
    const before = await sql`select * from sessions where ga_id = ${browser} order by started_at`
    t.same(before.map(s => s.source_platform), ['news', 'ads'])
    const grouping = async (): Promise<string> => JSON.stringify((await sql`
      select s.source_platform, count(*)::int as n from events e join sessions s on s.workspace_id = e.workspace_id and s.id = e.session_id
      where e.ga_id = ${browser} group by 1 order by 1`).map(r => [r.source_platform, r.n]))
    const want = await grouping()

    // Lose the sessions, then rebuild the range from the events.
    await sql`delete from sessions where ga_id = ${browser}`
    await sql`update events set session_id = null where ga_id = ${browser}`
    const r = await rebuildSessions(sql, SCHEMA, { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000), workspaceId: WS })
    t.match(r, { browsers: 1, events: 22, sessions: 2 })
    const after = await sql`select * from sessions where ga_id = ${browser} order by started_at`
    t.same(after.map(s => [s.source_platform, s.pageviews, s.events, s.entry_path, s.exit_path, s.is_bounce]), before.map(s => [s.source_platform, s.pageviews, s.events, s.entry_path, s.exit_path, s.is_bounce]))
    t.equal(await grouping(), want, 'every event back in its session')
    const again = await rebuildSessions(sql, SCHEMA, { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) })
    t.equal(again.sessions, 2, 'idempotent')
    t.equal((await sql`select count(*)::int as n from sessions where ga_id = ${browser}`)[0].n, 2)
  })
})

t.test('DATABASE_READ_URL serves the reads', async t => {
  const primary = await createTestDatabase(t)
  const replica = await createTestDatabase(t)
  // The "replica" is another database: what a read returns shows which one answered.
  const r = postgres(replica, { max: 1, onnotice: () => {}, connection: { search_path: `${SCHEMA},public` } })
  t.teardown(async () => { await r.end() })
  await r`insert into events (id, workspace_id, ga_id, event_type, host, path, occurred_at)
    values ('0190a000-0000-7000-8000-0000000eeee1', ${WS}, '0190a000-0000-7000-8000-0000000eeee2', 'pageview', 'replica.example', '/only-there', now())`
  const a = await listen(t, { databaseUrl: primary, env: { DATABASE_READ_URL: replica } })
  const list = await call(a.baseUrl, 'GET', '/ga/api/events', { headers: a.auth })
  t.equal(list.status, 200)
  t.same(list.json.events.map((e: { path: string }) => e.path), ['/only-there'], 'the list came from the read database')
  const written = await call(a.baseUrl, 'POST', '/ga/api/events', { headers: a.auth, body: { event_type: 'pageview', ga_id: '0190a000-0000-7000-8000-0000000eeee3' } })
  t.equal(written.status, 201, 'writes go to the primary')
  t.equal((await a.database.sql`select count(*)::int as n from events`)[0].n, 1)
})
