// The bench suites. Each returns rows: { figure, value, unit, baseline, ratio, p50_ms, p99_ms, errors, target }.
// Every ratio divides by a baseline measured in this same run.
import { randomUUID } from 'node:crypto'
import { readFileSync, existsSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import postgres from 'postgres'
import { ROOT } from './lib.mjs'

const LINK_DOMAIN = 'go.bench.test'
// Load comes from one IP and one key: the abuse limits (issue 14) would measure themselves.
export const SERVICE_ENV = { GA_LINK_DOMAINS: LINK_DOMAIN, GA_ALLOWED_ORIGINS: 'https://www.bench.test', GA_RATE_LIMIT_API: '0', GA_RATE_LIMIT_PUBLIC: '0' }
// Loads send a browser user agent: without one every request counts as a bot (no visitor, no hook).
const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

function row (figure, r, base, target, unit = 'req/s') {
  return {
    figure,
    value: r.rps,
    unit,
    baseline: base?.rps ?? '',
    ratio: base === undefined ? '' : +(r.rps / base.rps).toFixed(2),
    p50_ms: r.p50,
    p99_ms: r.p99,
    errors: r.errors + (r.non2xx ?? 0),
    target
  }
}

async function api (service, method, path, body) {
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${service.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`)
  return text === '' ? null : JSON.parse(text)
}

async function pool (n, concurrency, fn) {
  let next = 0
  const out = new Array(n)
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) { const i = next++; out[i] = await fn(i) }
  }))
  return out
}

async function latency (fn, n = 50) {
  const ms = []
  for (let i = 0; i < n; i++) { const t = performance.now(); await fn(); ms.push(performance.now() - t) }
  ms.sort((a, b) => a - b)
  return { p50: +ms[Math.floor(n / 2)].toFixed(2), p99: +ms[Math.min(n - 1, Math.floor(n * 0.99))].toFixed(2) }
}

/** Rows, heap and index bytes of the events partitions: two snapshots give the bytes per row added between them. */
async function storage (sql) {
  const [r] = await sql.unsafe(`
    select (select count(*) from events)::int as rows,
      coalesce(sum(pg_relation_size(i.inhrelid)), 0)::int8 as heap,
      coalesce(sum(pg_indexes_size(i.inhrelid)), 0)::int8 as indexes
    from pg_inherits i join pg_class p on p.oid = i.inhparent where p.relname = 'events' and p.relnamespace = 'good_analytics'::regnamespace`)
  return { rows: r.rows, heap: Number(r.heap), indexes: Number(r.indexes) }
}

function bytesRow (figure, before, after, target) {
  const n = Math.max(1, after.rows - before.rows)
  const heap = Math.round((after.heap - before.heap) / n)
  const indexes = Math.round((after.indexes - before.indexes) / n)
  return { figure: `${figure}: heap ${heap} + indexes ${indexes} (${after.rows - before.rows} rows)`, value: heap + indexes, unit: 'B/row', baseline: '', ratio: '', p50_ms: '', p99_ms: '', errors: '', target }
}

function db (cluster) {
  return postgres(cluster.url('postgres'), { max: 2, onnotice: () => {}, connection: { search_path: 'good_analytics,public' } })
}

async function waitForCount (sql, query, want, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let n = -1
  while (Date.now() < deadline) {
    n = (await sql.unsafe(query))[0].n
    if (n >= want) return { n, ms: timeoutMs - (deadline - Date.now()) }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return { n, ms: null }
}

export const suites = [
  {
    name: 'http',
    async run ({ baseline, service, duration, load }) {
      const base = await load(`${baseline.url}/hello`, { duration })
      const health = await load(`${service.url}/healthz`, { duration })
      const authed = await load(`${service.url}/ga/api/me`, { duration, headers: { authorization: `Bearer ${service.key}` } })
      return [row('bare Fastify GET (baseline)', base, base, ''), row('GET /healthz', health, base, ''), row('authenticated GET /ga/api/me', authed, base, '')]
    }
  },
  {
    name: 'redirect',
    async run (ctx) {
      const { baseline, service, duration, load, cluster } = ctx
      const keys = await pool(10_000, 20, async i => (await api(service, 'POST', '/ga/api/links', { url: `https://www.bench.test/landing/${i}?x=1`, key: `b${i}`, domain: LINK_DOMAIN })).key)
      ctx.linkKeys = keys
      const paths = keys.map(k => `/${k}`)
      // warm the cache over every key once
      await load(`${service.url}/`, { duration: 2, warmup: 0, paths, headers: { host: LINK_DOMAIN, 'user-agent': BROWSER_UA } })
      const sql = db(cluster)
      const [before] = await sql`select count(*)::int as n from events where event_type = 'link_click'`
      const storedBefore = await storage(sql)
      const base = await load(`${baseline.url}/r`, { duration })
      const r = await load(`${service.url}/`, { duration, paths, headers: { host: LINK_DOMAIN, 'user-agent': BROWSER_UA }, warmup: 0 })
      const served = r.codes['302'] ?? 0
      const persisted = await waitForCount(sql, "select count(*)::int as n from events where event_type = 'link_click'", before.n + served, 5000)
      const storedAfter = await storage(sql)
      await sql.end()
      const out = row('redirect GET /:key (10k links, cache warm, clicks persisted)', { ...r, errors: r.errors, non2xx: r.total - served }, base, '≥ 0.5× (issue 13), p99 < 25 ms')
      return [
        row('bare Fastify 302 (baseline)', { ...base, non2xx: base.total - (base.codes['302'] ?? 0) }, base, ''),
        out,
        { figure: 'clicks in the database after the load', value: persisted.n - before.n, unit: 'rows', baseline: served, ratio: +((persisted.n - before.n) / Math.max(1, served)).toFixed(3), p50_ms: '', p99_ms: '', errors: '', target: `all within 1 s (took ${persisted.ms ?? '>5000'} ms)` },
        bytesRow('bytes per stored click (heap + its index entries)', storedBefore, storedAfter, '')
      ]
    }
  },
  {
    name: 'qr',
    async run ({ service, duration, load, linkKeys }) {
      const key = linkKeys?.[0] ?? 'b0'
      const svg = await load(`${service.url}/${key}/qr?format=svg`, { duration: Math.min(duration, 5), headers: { host: LINK_DOMAIN } })
      const png = await load(`${service.url}/${key}/qr?format=png&size=10`, { duration: Math.min(duration, 5), headers: { host: LINK_DOMAIN } })
      return [row('QR svg (cached)', svg, undefined, ''), row('QR png (cached)', png, undefined, '')]
    }
  },
  {
    name: 'beacon',
    async run ({ baseline, service, duration, load, cluster }) {
      const body = JSON.stringify({ event_type: 'pageview', event_id: '__EVENT_ID__', url: 'https://www.bench.test/pricing?utm_source=newsletter&utm_medium=email', referrer: 'https://www.google.com/', title: 'Pricing', screen: '1920x1080', language: 'en' })
      const headers = { 'content-type': 'text/plain', 'user-agent': BROWSER_UA }
      const sql = db(cluster)
      const [before] = await sql`select count(*)::int as n from events where event_type = 'pageview'`
      const storedBefore = await storage(sql)
      const base = await load(`${baseline.url}/collect`, { duration, method: 'POST', headers, body, uniqueEventId: true })
      const r = await load(`${service.url}/ga/t/event`, { duration, method: 'POST', headers, body, uniqueEventId: true })
      const [after] = await sql`select count(*)::int as n from events where event_type = 'pageview'`
      const acked = r.codes['200'] ?? r.codes['202'] ?? 0
      // raw COPY of the same rows into the same table, as the storage ceiling
      const n = 50_000
      const ws = '00000000-0000-0000-0000-000000000000'
      const t0 = performance.now()
      const storedAfter = await storage(sql)
      const writable = await sql`copy events (id, workspace_id, ga_id, event_type, host, path, query, referrer, referrer_host, source_platform, source_medium, channel, occurred_at) from stdin`.writable()
      const now = new Date().toISOString()
      for (let i = 0; i < n; i++) writable.write(`${randomUUID()}\t${ws}\t${randomUUID()}\tpageview\twww.bench.test\t/pricing\tutm_source=newsletter&utm_medium=email\thttps://www.google.com/\twww.google.com\tnewsletter\temail\tEmail\t${now}\n`)
      await new Promise((resolve, reject) => { writable.on('finish', resolve); writable.on('error', reject); writable.end() })
      const copyRps = Math.round(n / ((performance.now() - t0) / 1000))
      await sql.end()
      return [
        row('bare Fastify POST (baseline)', base, base, ''),
        row('durable beacon POST /ga/t/event (200 = committed)', r, base, '≥ 0.35×, p99 < 50 ms'),
        { figure: 'beacon rows/s vs raw COPY rows/s', value: r.rps, unit: 'rows/s', baseline: copyRps, ratio: +(r.rps / copyRps).toFixed(2), p50_ms: '', p99_ms: '', errors: '', target: '' },
        { figure: 'beacons acknowledged vs rows stored', value: after.n - before.n, unit: 'rows', baseline: acked, ratio: +((after.n - before.n) / Math.max(1, acked)).toFixed(3), p50_ms: '', p99_ms: '', errors: '', target: 'stored ≥ acknowledged' },
        bytesRow('bytes per stored pageview (heap + its index entries)', storedBefore, storedAfter, '≤ 400 B (issue 13)')
      ]
    }
  },
  {
    // Issue 13: 70 % beacons and 30 % redirects at once (70 + 30 connections), zero errors, and the
    // service's memory after the load against before it (BENCH_MIXED_S seconds, default 60).
    name: 'mixed',
    async run ({ service, load, rssMb, linkKeys }) {
      const seconds = Number(process.env.BENCH_MIXED_S ?? 60)
      const body = JSON.stringify({ event_type: 'pageview', event_id: '__EVENT_ID__', url: 'https://www.bench.test/docs?utm_source=x', referrer: 'https://www.bing.com/' })
      const paths = (linkKeys ?? ['b0']).map(k => `/${k}`)
      const rssBefore = rssMb(service.pid)
      const [beacons, redirects] = await Promise.all([
        load(`${service.url}/ga/t/event`, { duration: seconds, connections: 70, method: 'POST', headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA }, body, uniqueEventId: true }),
        load(`${service.url}/`, { duration: seconds, connections: 30, paths, headers: { host: LINK_DOMAIN, 'user-agent': BROWSER_UA } })
      ])
      const rssAfter = rssMb(service.pid)
      const redirectErrors = redirects.errors + (redirects.total - (redirects.codes['302'] ?? 0))
      return [
        row(`mixed: beacons (70 connections, ${seconds} s)`, beacons, undefined, '0 errors'),
        { ...row(`mixed: redirects (30 connections, ${seconds} s)`, redirects, undefined, '0 errors'), errors: redirectErrors },
        { figure: `service RSS over the ${seconds} s mixed load`, value: rssAfter - rssBefore, unit: 'MB growth', baseline: rssBefore, ratio: '', p50_ms: '', p99_ms: '', errors: '', target: '< 50 MB over 60 s' }
      ]
    }
  },
  {
    name: 'events-api',
    async run ({ service, duration, load }) {
      const visitor = await api(service, 'POST', '/ga/api/visitors/resolve', { ga_id: randomUUID() })
      const headers = { authorization: `Bearer ${service.key}`, 'content-type': 'application/json' }
      const single = await load(`${service.url}/ga/api/events`, { duration, method: 'POST', headers, body: JSON.stringify({ visitor_id: visitor.id, event_type: 'custom', event_name: 'bench' }) })
      const batchBody = JSON.stringify({ events: Array.from({ length: 100 }, () => ({ visitor_id: visitor.id, event_type: 'custom', event_name: 'bench' })) })
      const batch = await load(`${service.url}/ga/api/events/batch`, { duration, method: 'POST', headers, body: batchBody, connections: 20 })
      return [
        row('POST /ga/api/events', single, undefined, ''),
        { ...row('POST /ga/api/events/batch (100 per request)', batch, undefined, ''), value: batch.rps * 100, unit: 'events/s' }
      ]
    }
  },
  {
    name: 'stats-at-scale',
    async run ({ service, cluster }) {
      const sql = db(cluster)
      const links = await api(service, 'GET', '/ga/api/links?limit=1')
      const link = (links.links ?? links)[0]
      const browser = randomUUID()
      const visitor = await api(service, 'POST', '/ga/api/visitors/resolve', { ga_id: browser })
      const out = []
      let have = 0
      // 1M rows by default keeps `npm run bench` under 5 minutes on 2 cores; generating 10M (with the
      // events indexes maintained) takes ~8 minutes more: BENCH_SCALE=1000000,10000000 npm run bench.
      const sizes = (process.env.BENCH_SCALE ?? '1000000').split(',').map(Number)
      for (const target of sizes) {
        const add = target - have
        const t0 = performance.now()
        // Generated with SQL, not HTTP: 10 % of the clicks on the measured link, a visitor with 1,000 events.
        await sql.unsafe(`insert into events (id, workspace_id, ga_id, event_type, link_id, click_id, occurred_at)
          select gen_random_uuid(), '00000000-0000-0000-0000-000000000000',
                 case when g % 10000 = 0 then '${browser}'::uuid else gen_random_uuid() end,
                 'link_click', case when g % 10 = 0 then '${link.id}'::uuid else gen_random_uuid() end, gen_random_uuid(),
                 now() - (g % 2000000) * interval '1 second'
          from generate_series(1, ${add}) g`)
        await sql.unsafe('analyze events')
        have = target
        const genS = ((performance.now() - t0) / 1000).toFixed(0)
        const stats = await latency(() => api(service, 'GET', `/ga/api/links/${link.id}/stats`))
        const timeline = await latency(() => api(service, 'GET', `/ga/api/visitors/${visitor.id}/timeline?limit=50`))
        const clicks = await latency(() => api(service, 'GET', `/ga/api/links/${link.id}/clicks?limit=50`))
        const label = `${target / 1e6}M click rows (generated in ${genS} s)`
        out.push({ figure: `link stats, ${label}`, value: stats.p50, unit: 'ms p50', baseline: '', ratio: '', p50_ms: stats.p50, p99_ms: stats.p99, errors: 0, target: '≤ 50 ms at 10M' })
        out.push({ figure: `link clicks page, ${label}`, value: clicks.p50, unit: 'ms p50', baseline: '', ratio: '', p50_ms: clicks.p50, p99_ms: clicks.p99, errors: 0, target: '' })
        out.push({ figure: `visitor timeline, ${label}`, value: timeline.p50, unit: 'ms p50', baseline: '', ratio: '', p50_ms: timeline.p50, p99_ms: timeline.p99, errors: 0, target: '' })
      }
      await sql.end()
      return out
    }
  },
  {
    name: 'snippet',
    async run () {
      const file = join(ROOT, 'public/good-analytics.min.js')
      const bytes = existsSync(file) ? gzipSync(readFileSync(file), { level: 9 }).length : null
      return [{ figure: 'snippet gzipped', value: bytes, unit: 'bytes', baseline: 1536, ratio: bytes === null ? '' : +(bytes / 1536).toFixed(2), p50_ms: '', p99_ms: '', errors: '', target: '≤ 1536 (issue 19; Plausible ~800, Umami ~2500)' }]
    }
  }
]

// Issue 19: the referrer classifier against the public datasets (share of each list's hosts
// classified into the right medium) and its warm speed. Pure CPU, no service needed; ~1 s.
import { pathToFileURL } from 'node:url'

const REFERRER_MIX = [
  'https://www.google.com/', 'https://www.google.de/', 'https://www.google.com.br/search?q=caf%C3%A9', 'https://l.facebook.com/l.php?u=x',
  'https://t.co/abc', 'https://www.bing.com/search?q=shoes', 'https://duckduckgo.com/', 'https://mail.google.com/mail/u/0/',
  'https://news.ycombinator.com/item?id=1', 'https://chatgpt.com/', 'https://www.reddit.com/r/x/', 'https://some-blog.example/post/1',
  'https://yandex.ru/search/?text=x', 'https://search.yahoo.com/search?p=y', 'https://www.linkedin.com/feed/', 'https://github.com/a/b'
]

suites.push({
  name: 'classify',
  async run () {
    const dist = (f) => pathToFileURL(join(ROOT, 'dist/src/classify', f)).href
    const { referrerCoverage } = await import(dist('coverage.js'))
    const { classifyReferer, classifyUncached } = await import(dist('referer.js'))
    const rows = referrerCoverage().map((c) => ({
      figure: `referrer coverage: ${c.category} (${c.right}/${c.total} hosts)`, value: c.percent, unit: '%', baseline: '', ratio: '', p50_ms: '', p99_ms: '', errors: c.total - c.right,
      target: '≥ 95 %'
    }))
    let sink = 0
    for (let i = 0; i < 200_000; i++) sink += classifyReferer(REFERRER_MIX[i % REFERRER_MIX.length]).medium.length
    const n = 2_000_000
    const started = process.hrtime.bigint()
    for (let i = 0; i < n; i++) sink += classifyReferer(REFERRER_MIX[i % REFERRER_MIX.length]).medium.length
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    rows.push({ figure: `classify referrer, warm (${REFERRER_MIX.length}-referrer mix)`, value: Math.round(n / seconds), unit: 'referrers/s', baseline: '', ratio: '', p50_ms: +(seconds * 1e3 / n).toFixed(6), p99_ms: '', errors: sink > 0 ? 0 : 1, target: '≥ 1,000,000/s' })
    // Cold: every referrer string is new (no result cache), hosts still warm in the host table.
    const cold = 300_000
    const fresh = Array.from({ length: cold }, (_, i) => `${REFERRER_MIX[i % REFERRER_MIX.length]}${i}`)
    const coldStart = process.hrtime.bigint()
    for (const r of fresh) sink += classifyUncached(r).medium.length
    const coldSeconds = Number(process.hrtime.bigint() - coldStart) / 1e9
    rows.push({ figure: 'classify referrer, every string new (no result cache)', value: Math.round(cold / coldSeconds), unit: 'referrers/s', baseline: '', ratio: '', p50_ms: +(coldSeconds * 1e3 / cold).toFixed(6), p99_ms: '', errors: 0, target: '' })
    return rows
  }
})

// The synchronous redirect hook (issue 7): a second service whose hook answers after 200 ms; the
// redirect p99 may grow by no more than the hook's 50 ms budget over the same redirect without it.
import { createServer } from 'node:http'
import { startService } from './lib.mjs'

suites.push({
  name: 'redirect-hook',
  async run ({ cluster, service, duration, load }) {
    const slow = createServer((req, res) => { req.resume(); setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"set_cookies":[]}') }, 200) })
    await new Promise(resolve => slow.listen(0, '127.0.0.1', resolve))
    const hookUrl = `http://127.0.0.1:${slow.address().port}/hook`
    const hooked = await startService({ DATABASE_URL: cluster.url('postgres'), GA_SECRET: 'bench-secret-0123456789abcdefghijklmnop', GA_DATA_DIR: cluster.dir, ...SERVICE_ENV, GA_REDIRECT_HOOK_URL: hookUrl })
    try {
      const key = (await api(service, 'POST', '/ga/api/links', { url: 'https://www.bench.test/hooked', key: 'hooked', domain: LINK_DOMAIN })).key
      // A browser user agent: bots never cost a hook call.
      const opts = { duration: Math.min(duration, 5), connections: 20, headers: { host: LINK_DOMAIN, 'user-agent': BROWSER_UA } }
      const plain = await load(`${service.url}/${key}`, opts)
      const withHook = await load(`${hooked.url}/${key}`, opts)
      const fix = r => ({ ...r, non2xx: r.total - (r.codes['302'] ?? 0) })
      return [
        row('redirect, no hook (20 connections)', fix(plain), undefined, ''),
        { ...row('redirect, hook answering after 200 ms', fix(withHook), undefined, 'p99 grows ≤ 50 ms (the budget)'), baseline: plain.p99, ratio: `+${(withHook.p99 - plain.p99).toFixed(0)} ms p99` }
      ]
    } finally {
      await hooked.stop()
      slow.close()
      slow.closeAllConnections()
    }
  }
})
