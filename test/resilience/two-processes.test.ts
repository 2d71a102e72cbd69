// Guards issue 8 item 3 (multi-process): two real server processes on one database, both with
// GA_WORKERS=true, under concurrent load. N cookie-less visitors (distinct user agents) clicking
// one link many times over both processes count exactly N unique clicks and every 302 in total;
// beacons carrying the same ga_id spread over both processes make one visitor per ga_id; the
// partition job created the months once (one process's log shows "created", pg has each month).
import t from 'tap'
import postgres from 'postgres'
import { createTestDatabase } from '../helper.js'
import { beacon, click, createLink, LINK_DOMAIN, newId, startServer, Tally, waitUntil } from './harness.js'

// Real servers started from source: on a busy machine this file needs more than tap's 120 s.
t.setTimeout(360_000)

const VISITORS = 20
const CLICKS_EACH = 10
const GA_IDS = 5
const BEACONS_EACH = 20

const uaOf = (i: number): string => `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.${1000 + i}.0 Safari/537.36`

/** Runs `jobs` with at most `width` in flight. */
async function concurrently (width: number, jobs: Array<() => Promise<void>>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) await jobs[next++]()
  }))
}

t.test('two server processes on one database', async t => {
  const databaseUrl = await createTestDatabase(t)
  const env = { DATABASE_URL: databaseUrl, GA_LINK_DOMAINS: LINK_DOMAIN, GA_WORKERS: 'true' }
  const [p1, p2] = await Promise.all([startServer(t, env), startServer(t, env)])
  const key = p1.key ?? p2.key
  t.ok(key, 'one of them printed the first key')
  t.ok(p1.key === null || p2.key === null, 'only one of them created the default workspace')
  const servers = [p1.baseUrl, p2.baseUrl]
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} })
  t.teardown(async () => { await sql.end() })
  const link = await createLink(p1.baseUrl, key ?? '', { url: 'https://example.com/two', key: 'two' })

  const clicks = new Tally()
  const beacons = new Tally()
  const jobs: Array<() => Promise<void>> = []
  for (let round = 0; round < CLICKS_EACH; round++) {
    for (let v = 0; v < VISITORS; v++) {
      jobs.push(async () => { clicks.add((await click(servers[(v + round) % 2], 'two', uaOf(v))).status) })
    }
  }
  const gaIds = Array.from({ length: GA_IDS }, () => newId())
  for (let round = 0; round < BEACONS_EACH; round++) {
    gaIds.forEach((gaId, g) => {
      jobs.push(async () => { beacons.add((await beacon(servers[(g + round) % 2], newId(), { ga_id: gaId })).status) })
    })
  }
  // Interleave clicks and beacons, 20 in flight.
  jobs.sort(() => Math.random() - 0.5)
  await concurrently(20, jobs)

  t.same(clicks.toJSON(), { 302: VISITORS * CLICKS_EACH }, 'every click redirected')
  t.same(beacons.toJSON(), { 200: GA_IDS * BEACONS_EACH }, 'every beacon acknowledged')

  const counters = async (): Promise<{ total: number, uniq: number }> =>
    (await sql`select total_clicks::int as total, unique_clicks::int as uniq from good_analytics.links where id = ${link.id}`)[0] as { total: number, uniq: number }
  await waitUntil(async () => (await counters()).total >= VISITORS * CLICKS_EACH, 20_000, 'all clicks flushed')
  t.same(await counters(), { total: VISITORS * CLICKS_EACH, uniq: VISITORS }, `exactly ${VISITORS} unique clicks of ${VISITORS * CLICKS_EACH}`)
  const [flags] = await sql`select count(*) filter (where unique_click)::int as uniq, count(*)::int as n
    from good_analytics.events where link_id = ${link.id} and event_type = 'link_click'`
  t.same(flags, { uniq: VISITORS, n: VISITORS * CLICKS_EACH }, 'the unique_click flags agree with the counters')

  // Issue 13: a pageview makes no visitor; each browser's beacons are its events, in one session
  // although the two processes received them alternately.
  const browsers = await sql`select ga_id::text as ga_id, count(*)::int as n, count(distinct session_id)::int as sessions
    from good_analytics.events where event_type = 'pageview' and ga_id::text = any(${gaIds}) group by ga_id`
  t.same(Object.fromEntries(browsers.map(r => [r.ga_id, [r.n, r.sessions]])), Object.fromEntries(gaIds.map(g => [g, [BEACONS_EACH, 1]])), 'every beacon landed on its browser, one session each')
  t.equal((await sql`select count(*)::int as n from good_analytics.visitors`)[0].n, 0, 'no visitor for pageviews and clicks')

  await waitUntil(async () => /partitions\.ok/.test(p1.output() + p2.output()), 20_000, 'the partition job to run')
  const parts = await sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent join pg_namespace n on n.oid = p.relnamespace
    where p.relname = 'events' and n.nspname = 'good_analytics' and c.relname ~ '^events_[0-9]{4}_[0-9]{2}$' order by 1`
  t.equal(parts.length, 3, `the current and next two months exist: ${parts.map(p => p.name as string).join(', ')}`)
  const created = [p1, p2].map(p => p.output().split('\n').filter(l => l.includes('partitions.ok') && l.includes(':created')).length)
  t.same(created.slice().sort(), [0, 1], `exactly one process created the months (per process: ${created.join(', ')})`)
  t.notMatch(p1.output() + p2.output(), /partitions\.error/, 'no partition errors')
})
