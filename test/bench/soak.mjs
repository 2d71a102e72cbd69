// `npm run soak`: the built service (dist/) on its own embedded PostgreSQL, driven at a FIXED rate
// (open loop: a timer sends what is due, whatever the answers' latency) with a mix of redirects,
// durable beacons and REST API events, for SOAK_SECONDS (default 60). Afterwards the service is
// stopped with SIGTERM (which flushes its buffers) and the database is reconciled: every request
// acknowledged must be exactly one stored row of its kind. Exits 1 on any error or mismatch.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { Agent, request } from 'undici'
import { rssMb, startCluster, startService, table } from './lib.mjs'

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60)
const RATE = Number(process.env.SOAK_RATE ?? 200)
const WARMUP_SECONDS = 2
const LINK_DOMAIN = 'go.soak.test'
const KINDS = ['redirect', 'beacon', 'api']
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
const SCHEMA = 'good_analytics'

const cluster = await startCluster()
// Ctrl-C reaches the service and the baseline too; exiting runs the embedded database's stop-on-exit.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { process.exit(130) })
const service = await startService({ DATABASE_URL: cluster.url('postgres'), GA_SECRET: 'soak-secret-0123456789abcdefghijklmnop', GA_DATA_DIR: cluster.dir, GA_LINK_DOMAINS: LINK_DOMAIN, GA_RATE_LIMIT_API: '0', GA_RATE_LIMIT_PUBLIC: '0' })
const agent = new Agent({ connections: 128, keepAliveTimeout: 10_000 })
const auth = { authorization: `Bearer ${service.key}`, 'content-type': 'application/json' }
let exitCode = 1
let stopped = null
const stopService = () => { stopped ??= service.stop(); return stopped }

async function call (method, path, headers, body) {
  const res = await request(service.url + path, { method, headers, body, dispatcher: agent, headersTimeout: 10_000, bodyTimeout: 10_000 })
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() }
}

function percentile (sorted, p) { return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] }

try {
  if (service.key === null) throw new Error(`service did not print its first key: ${service.log().slice(-800)}`)
  const link = JSON.parse((await call('POST', '/ga/api/links', auth, JSON.stringify({ url: 'https://example.com/soak', key: 'soak', domain: LINK_DOMAIN }))).text)
  const visitor = JSON.parse((await call('POST', '/ga/api/visitors/resolve', auth, JSON.stringify({ ga_id: randomUUID() }))).text)
  if (typeof link.id !== 'string' || typeof visitor.id !== 'string') throw new Error('setup failed')

  const stats = Object.fromEntries(KINDS.map(k => [k, { sent: 0, acked: 0, errors: 0, ids: [], latencies: [], statuses: {} }]))
  const senders = {
    redirect: async () => {
      const res = await call('GET', '/soak', { host: LINK_DOMAIN, 'user-agent': UA })
      const id = res.status === 302 ? new URL(res.headers.location).searchParams.get('ga_id') : null
      return id === null ? null : id
    },
    beacon: async () => {
      const id = randomUUID()
      const res = await call('POST', '/ga/t/event', { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': UA },
        JSON.stringify({ event_type: 'pageview', event_id: id, url: 'https://shop.soak.test/p', referrer: '' }))
      return res.status === 200 ? id : null
    },
    api: async () => {
      const res = await call('POST', '/ga/api/events', auth, JSON.stringify({ visitor_id: visitor.id, event_type: 'custom', event_name: 'soak' }))
      return res.status === 201 ? JSON.parse(res.text).event_id : null
    }
  }
  const inflight = new Set()
  let maxInflight = 0
  const fire = kind => {
    const s = stats[kind]
    s.sent++
    const started = performance.now()
    const p = senders[kind]().then(id => {
      s.latencies.push(performance.now() - started)
      if (id === null) s.errors++
      else { s.acked++; s.ids.push(id) }
    }, () => { s.errors++ })
    inflight.add(p)
    maxInflight = Math.max(maxInflight, inflight.size)
    void p.finally(() => inflight.delete(p))
  }

  /** Sends at RATE for `seconds`, open loop: each 5 ms tick fires whatever is due by now. */
  const drive = seconds => new Promise(resolve => {
    const t0 = performance.now()
    let sent = 0
    const timer = setInterval(() => {
      const elapsed = (performance.now() - t0) / 1000
      const due = Math.floor(Math.min(elapsed, seconds) * RATE)
      while (sent < due) fire(KINDS[sent++ % KINDS.length])
      if (elapsed >= seconds) { clearInterval(timer); resolve() }
    }, 5)
  })

  // Warm-up at the same rate (counted and reconciled too), then the RSS baseline.
  await drive(WARMUP_SECONDS)
  await Promise.all([...inflight])
  const rssBefore = rssMb(service.pid)
  const t0 = performance.now()
  // RSS every 10 s: a plateau is caches and heap settling, a steady climb is a leak.
  const rssSamples = []
  const sampler = setInterval(() => { rssSamples.push(rssMb(service.pid)) }, 10_000)
  await drive(SECONDS)
  clearInterval(sampler)
  const sendSeconds = (performance.now() - t0) / 1000
  await Promise.all([...inflight])
  const rssAfter = rssMb(service.pid)
  await stopService()

  const sql = postgres(cluster.url('postgres'), { max: 2, onnotice: () => {} })
  const stored = {
    redirect: (await sql`select count(*)::int as n from ${sql(SCHEMA)}.events where event_type = 'link_click' and click_id = any(${stats.redirect.ids}::uuid[])`)[0].n,
    beacon: (await sql`select count(*)::int as n from ${sql(SCHEMA)}.events where event_type = 'pageview' and client_event_id = any(${stats.beacon.ids}::uuid[])`)[0].n,
    api: (await sql`select count(*)::int as n from ${sql(SCHEMA)}.events where event_type = 'custom' and event_name = 'soak' and id = any(${stats.api.ids}::uuid[])`)[0].n
  }
  const [counter] = await sql`select total_clicks::int as n from ${sql(SCHEMA)}.links where id = ${link.id}`
  const [allRows] = await sql`select count(*)::int as n from ${sql(SCHEMA)}.events where event_type in ('link_click', 'pageview', 'custom')`
  await sql.end()

  const rows = KINDS.map(k => {
    const s = stats[k]
    const lat = s.latencies.sort((a, b) => a - b)
    return { kind: k, sent: s.sent, acknowledged: s.acked, errors: s.errors, stored: stored[k], reconciled: stored[k] === s.acked && s.acked === s.sent ? 'yes' : 'NO', p50_ms: percentile(lat, 0.5)?.toFixed(1), p99_ms: percentile(lat, 0.99)?.toFixed(1) }
  })
  const totalSent = KINDS.reduce((n, k) => n + stats[k].sent, 0)
  const totalAcked = KINDS.reduce((n, k) => n + stats[k].acked, 0)
  const errors = KINDS.reduce((n, k) => n + stats[k].errors, 0)
  console.log(`soak: ${SECONDS} s at ${RATE} req/s fixed rate after a ${WARMUP_SECONDS} s warm-up (counts include it; measured run ${sendSeconds.toFixed(1)} s, ${((totalSent - WARMUP_SECONDS * RATE) / sendSeconds).toFixed(1)} req/s achieved, max ${maxInflight} in flight)`)
  console.log(table(rows))
  console.log(`link total_clicks counter: ${counter.n} (redirects acknowledged ${stats.redirect.acked})`)
  console.log(`rows of these kinds in events: ${allRows.n} (acknowledged ${totalAcked})`)
  console.log(`RSS: ${rssBefore} MB before, ${rssAfter} MB after (${rssAfter - rssBefore >= 0 ? '+' : ''}${rssAfter - rssBefore} MB); every 10 s: ${rssSamples.join(', ')} MB`)
  const problems = []
  if (errors > 0) problems.push(`${errors} errors`)
  for (const r of rows) if (r.reconciled !== 'yes') problems.push(`${r.kind}: sent ${r.sent}, acknowledged ${r.acknowledged}, stored ${r.stored}`)
  if (counter.n !== stats.redirect.acked) problems.push(`total_clicks ${counter.n} != ${stats.redirect.acked}`)
  if (allRows.n !== totalAcked) problems.push(`events rows ${allRows.n} != acknowledged ${totalAcked}`)
  if (problems.length > 0) console.log(`FAIL: ${problems.join('; ')}`)
  else { console.log('OK: zero errors, every acknowledged request stored exactly once'); exitCode = 0 }
} catch (err) {
  console.error(err)
} finally {
  await stopService()
  await agent.close().catch(() => {})
  await cluster.stop()
}
process.exit(exitCode)
