// Issue 14 item 4: on 3e68a40 an uncached PNG (size 50, high error correction, any colours)
// blocked the event loop ~0.33 s. Parameters are bounded, renders cached (ETag, Cache-Control), and
// the event loop stays responsive while QR PNGs are hammered next to a redirect load.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import t from 'tap'
import { request } from 'undici'
import { listen } from '../helper.js'
import { QR_MESSAGES } from '../../src/links/qr.js'
import { inject } from './util.js'

const HOST = { host: 'go.example.com' }

t.test('QR: bounded size, cached with ETag and Cache-Control', async t => {
  const { app, auth } = await listen(t, { env: { GA_LINK_DOMAINS: 'go.example.com' } })
  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', key: 'q' } })).status, 201)
  const long = 'L'.repeat(190)
  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', key: long } })).status, 201)

  const huge = await inject(app, 'GET', `/${long}/qr?format=png&size=50&ec=high`, { headers: HOST })
  t.equal(huge.status, 400, 'an image over 3000 pixels a side is refused')
  t.equal(huge.body, QR_MESSAGES.tooLarge)
  t.equal((await inject(app, 'GET', `/${long}/qr?format=png&size=10&ec=high`, { headers: HOST })).status, 200, 'the same code at a sane size renders')

  const first = await app.inject({ url: '/q/qr?format=png&size=50&ec=high&fg=123456', headers: HOST })
  t.equal(first.statusCode, 200)
  t.equal(first.headers['content-type'], 'image/png')
  t.equal(first.headers['cache-control'], 'public, max-age=86400')
  const etag = first.headers.etag as string
  t.match(etag, /^"[A-Za-z0-9_-]+"$/)
  const again = await app.inject({ url: '/q/qr?format=png&size=50&ec=high&fg=123456', headers: HOST })
  t.ok(again.rawPayload.equals(first.rawPayload), 'identical bytes')
  t.equal(again.headers.etag, etag)
  const revalidated = await app.inject({ url: '/q/qr?format=png&size=50&ec=high&fg=123456', headers: { ...HOST, 'if-none-match': etag } })
  t.equal(revalidated.statusCode, 304)
  t.equal(revalidated.rawPayload.length, 0)
  t.not((await app.inject({ url: '/q/qr?format=png&size=50&ec=high&fg=654321', headers: HOST })).headers.etag, etag, 'other colours, other image')
})

t.test('the event loop stays responsive while uncached QR PNGs are requested next to a redirect load', async t => {
  const { app, auth, baseUrl } = await listen(t, { env: { GA_LINK_DOMAINS: 'go.example.com', GA_RATE_LIMIT_PUBLIC: '0' } })
  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', key: 'hot' } })).status, 201)
  const get = async (path: string): Promise<number> => {
    const res = await request(baseUrl + path, { headers: { ...HOST, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0 Safari/537.36' } })
    await res.body.dump()
    return res.statusCode
  }
  await get('/hot') // warm the link cache

  const measure = async (withPngs: boolean): Promise<{ p99: number, max: number, pngs: number, redirects: number, redirectP99: number }> => {
    const lag = monitorEventLoopDelay({ resolution: 5 })
    const until = Date.now() + 2500
    let pngs = 0
    let redirects = 0
    const redirectMs: number[] = []
    lag.enable()
    await Promise.all([
      ...Array.from({ length: withPngs ? 3 : 0 }, async () => {
        while (Date.now() < until) {
          const fg = (0x100000 + colour++).toString(16)
          t.equal(await get(`/hot/qr?format=png&size=50&ec=high&fg=${fg}`), 200)
          pngs++
        }
      }),
      ...Array.from({ length: 3 }, async () => {
        while (Date.now() < until) {
          const started = performance.now()
          if (await get('/hot') === 302) redirects++
          redirectMs.push(performance.now() - started)
        }
      })
    ])
    lag.disable()
    redirectMs.sort((a, b) => a - b)
    return { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6, pngs, redirects, redirectP99: redirectMs[Math.floor(redirectMs.length * 0.99)] }
  }
  let colour = 0
  t.equal(await get('/hot/qr?format=png&size=50&ec=high&fg=000001'), 200, 'warm-up: the render workers are started')
  const base = await measure(false)
  t.comment(`baseline: ${JSON.stringify(base)}`)
  const m = await measure(true)
  const { pngs, redirects, p99 } = m
  t.comment(`with pngs: ${JSON.stringify(m)}`)
  t.ok(pngs >= 10, 'the PNGs were really rendered')
  t.ok(redirects >= 50, 'the redirect load ran')
  // 3e68a40: every PNG held the loop ~330 ms, so the p99 delay was ≥ 300 ms. The bound is
  // 50 ms; on a shared, busy machine the loop's own baseline (same load without PNGs) can already
  // be near that, so the bound is 50 ms above the baseline (and never below 50 ms).
  const bound = Math.max(50, base.p99 + 50)
  t.ok(p99 < bound, `event-loop delay p99 ${p99.toFixed(1)} ms < ${bound.toFixed(1)} ms (baseline p99 ${base.p99.toFixed(1)} ms)`)
})
