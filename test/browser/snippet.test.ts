// The real snippet (public/good-analytics.min.js, rebuilt here) in real headless Chromium,
// beaconing to a fake collector that records what arrives.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { chromiumSkipReason, launchChromium } from './chromium.js'
import { SNIPPET_PATH, startFakeCollector, type Beacon, type Collector, type CollectorOptions } from './fake-collector.js'

interface GoodAnalyticsApi {
  init(options: Record<string, unknown>): GoodAnalyticsApi
  track(type: string, props?: Record<string, unknown>): void
  trackLead(props?: Record<string, unknown>): void
  trackSale(props?: Record<string, unknown>): void
  identify(props?: Record<string, unknown>): void
  setIdentity(id: string): GoodAnalyticsApi
  getIdentity(): string | null
  getSignals(): { ga_id: string | null; anonymous_id: string | null; fingerprint: string | null }
  forget(): GoodAnalyticsApi
}
declare global {
  interface Window {
    GoodAnalytics: GoodAnalyticsApi
  }
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MIN_SNIPPET = fileURLToPath(new URL('../../public/good-analytics.min.js', import.meta.url))
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const PK = 'gak_pk_test0123456789'
// Long enough for a pageview that should not come to have arrived if it were going to.
const SETTLE_MS = 400
const TEST_TIMEOUT_MS = 20_000
// Maps the made-up host used for cross-origin pages onto the collector's loopback address.
const CROSS_SITE_HOST = 'shop.test'

if (!chromiumSkipReason) execFileSync(process.execPath, ['scripts/build-snippet.mjs'], { cwd: ROOT, stdio: 'ignore' })

const browser: Browser | undefined = chromiumSkipReason
  ? undefined
  : await launchChromium([`--host-resolver-rules=MAP ${CROSS_SITE_HOST} 127.0.0.1`])
t.teardown(() => browser?.close())

const settle = (ms = SETTLE_MS) => new Promise((r) => setTimeout(r, ms))
const events = (beacons: readonly Beacon[], type: string) =>
  beacons.filter((b) => b.route === '/event' && b.body.event_type === type)
const pageviews = (beacons: readonly Beacon[]) => events(beacons, 'pageview')
const clicks = (beacons: readonly Beacon[]) => beacons.filter((b) => b.route === '/click')

interface PageOptions {
  init?: Record<string, unknown> | null
  /** Script tag src; absolute for cross-origin embeds. */
  src?: string
  /** Load the snippet (and call init) twice. */
  twice?: boolean
  body?: string
  title?: string
}

function snippetPage(o: PageOptions = {}): string {
  const init = o.init === null ? '' : `<script>GoodAnalytics.init(${JSON.stringify({ pk: PK, ...o.init })})</script>`
  const load = `<script src="${o.src ?? SNIPPET_PATH}"></script>${init}`
  return `<!doctype html><html><head><meta charset="utf-8"><title>${o.title ?? 'Test page'}</title>
${load}${o.twice ? load : ''}</head><body>${o.body ?? '<p>hello</p>'}</body></html>`
}

/** Scrolls and resolves once the page has dispatched its scroll event (at the next frame). */
const scrollAndWait = (page: Page, where: 'top' | 'bottom') =>
  page.evaluate(
    (where) =>
      new Promise<void>((resolve) => {
        addEventListener('scroll', () => resolve(), { once: true })
        scrollTo(0, where === 'top' ? 0 : document.documentElement.scrollHeight)
      }),
    where,
  )

const TALL_BODY = '<div style="height: 5000px">tall</div>'

interface Fixture {
  collector: Collector
  context: BrowserContext
  page: Page
}

/** A fresh collector and browser context for one test, both closed when it ends. */
async function open(
  t: { teardown(fn: () => unknown): void },
  options: { context?: BrowserContextOptions; collector?: CollectorOptions } = {},
): Promise<Fixture> {
  const collector = await startFakeCollector(MIN_SNIPPET, options.collector)
  const context = await browser!.newContext(options.context)
  t.teardown(async () => {
    await context.close()
    await collector.close()
  })
  const page = await context.newPage()
  return { collector, context, page }
}

const opts = chromiumSkipReason ? { skip: chromiumSkipReason } : { timeout: TEST_TIMEOUT_MS }

t.test('pageview on load carries url, referrer, event_id, pk and page facts', opts, async (t) => {
  const { collector, page } = await open(t)
  const url = collector.page('/home', snippetPage({ title: 'Home page' }))
  await page.goto(url + '?utm_source=news', { referer: 'https://news.example.org/article' })
  const [pv] = pageviews(await collector.waitFor((b) => pageviews(b).length === 1))
  t.equal(pv.body.url, url + '?utm_source=news')
  t.equal(pv.body.referrer, 'https://news.example.org/article')
  t.match(pv.body.event_id, UUID_V4)
  t.equal(pv.body.pk, PK)
  t.equal(pv.body.title, 'Home page')
  t.match(pv.body.screen, /^\d+x\d+$/)
  t.type(pv.body.language, 'string')
  t.match(pv.body.anonymous_id, UUID_V4, 'a client anonymous id is kept in localStorage')
  t.notOk(pv.body.ga_id, 'no ga_id without a short-link landing')
  t.same(pv.body.properties, {})
  t.equal(pv.contentType, 'text/plain', 'a sendBeacon Blob; text/plain needs no CORS preflight')

  await page.reload()
  const second = pageviews(await collector.waitFor((b) => pageviews(b).length === 2))[1]
  t.equal(second.body.anonymous_id, pv.body.anonymous_id, 'the anonymous id survives a reload')
  t.not(second.body.event_id, pv.body.event_id)
})

t.test('SPA navigation: one pageview per URL change, no duplicates', opts, async (t) => {
  const { collector, page } = await open(t)
  const url = collector.page('/spa', snippetPage())
  await page.goto(url)
  await collector.waitFor((b) => pageviews(b).length === 1)

  const steps: Array<[string, () => Promise<unknown>, string]> = [
    ['pushState', () => page.evaluate(() => history.pushState({}, '', '/spa/a')), '/spa/a'],
    ['replaceState', () => page.evaluate(() => history.replaceState({}, '', '/spa/b')), '/spa/b'],
    ['popstate (back)', () => page.evaluate(() => history.back()), '/spa'],
    ['hashchange', () => page.evaluate(() => (location.hash = 'section')), '/spa#section'],
  ]
  for (const [name, act, path] of steps) {
    const before = pageviews(collector.beacons).length
    await act()
    const got = pageviews(await collector.waitFor((b) => pageviews(b).length > before))
    t.equal(got[got.length - 1].body.url, collector.origin + path, name)
  }
  // Same URL again right away (a router re-pushing it, or popstate + hashchange of one hash jump).
  await page.evaluate(() => {
    history.pushState({}, '', location.href)
    history.replaceState({ x: 1 }, '', location.href)
  })
  await settle()
  const urls = pageviews(collector.beacons).map((b) => b.body.url)
  t.same(urls, ['/spa', '/spa/a', '/spa/b', '/spa', '/spa#section'].map((p) => collector.origin + p))
  const ids = new Set(pageviews(collector.beacons).map((b) => b.body.event_id))
  t.equal(ids.size, urls.length, 'every pageview has its own event_id')
})

t.test('?ga_id landing: ga_id sent and kept, removed from the address bar without an extra pageview', opts, async (t) => {
  const { collector, page } = await open(t)
  const url = collector.page('/landing', snippetPage())
  await page.goto(url + '?utm_source=x&ga_id=0190a5f2-1111-7abc-8def-123456789abc#top')
  const [pv] = pageviews(await collector.waitFor((b) => pageviews(b).length === 1))
  t.equal(pv.body.ga_id, '0190a5f2-1111-7abc-8def-123456789abc')
  t.equal(pv.body.url, url + '?utm_source=x#top', 'the pageview URL has no ga_id')
  t.equal(page.url(), url + '?utm_source=x#top')
  await settle()
  t.equal(pageviews(collector.beacons).length, 1, 'cleaning the URL is not a navigation')
  t.equal(clicks(collector.beacons).length, 0)
  t.equal(await page.evaluate(() => window.GoodAnalytics.getIdentity()), '0190a5f2-1111-7abc-8def-123456789abc')

  await page.goto(collector.page('/next', snippetPage()))
  const next = pageviews(await collector.waitFor((b) => pageviews(b).length === 2))[1]
  t.equal(next.body.ga_id, '0190a5f2-1111-7abc-8def-123456789abc', 'the identity follows to the next page')

  await page.evaluate(() => window.GoodAnalytics.forget())
  t.same(await page.evaluate(() => window.GoodAnalytics.getSignals()), { ga_id: null, anonymous_id: null, fingerprint: null })
  await page.reload()
  const after = pageviews(await collector.waitFor((b) => pageviews(b).length === 3))[2]
  t.notOk(after.body.ga_id, 'forget() drops the identity')
  t.not(after.body.anonymous_id, next.body.anonymous_id, 'forget() drops the anonymous id')
})

t.test('?via= landing posts a click, adopts its ga_id, cleans the URL without an extra pageview', opts, async (t) => {
  const { collector, page } = await open(t)
  const url = collector.page('/promo', snippetPage())
  await page.goto(url + '?via=partner&utm_campaign=spring', { referer: 'https://blog.example.net/' })
  const beacons = await collector.waitFor((b) => pageviews(b).length === 1)
  const [click] = clicks(beacons)
  t.ok(click, 'a click was posted')
  t.equal(click.body.key, 'partner')
  t.equal(click.body.url, url + '?via=partner&utm_campaign=spring')
  t.equal(click.body.referrer, 'https://blog.example.net/')
  t.equal(click.body.pk, PK)
  t.match(click.body.event_id, UUID_V4)
  const [pv] = pageviews(beacons)
  t.equal(pv.body.ga_id, click.reply.ga_id, 'the pageview carries the ga_id the click returned')
  t.equal(pv.body.url, url + '?via=partner&utm_campaign=spring', 'the landing pageview keeps via for attribution')
  t.equal(beacons.indexOf(click) < beacons.indexOf(pv), true, 'click first, then pageview')
  await settle()
  t.equal(page.url(), url + '?utm_campaign=spring')
  t.equal(pageviews(collector.beacons).length, 1, 'cleaning via is not a navigation')

  await page.goto(url + '?via=partner')
  await collector.waitFor((b) => pageviews(b).length === 2)
  t.equal(clicks(collector.beacons).length, 1, 'the same key within 30 minutes is not clicked again')

  await page.goto(url + '?ref=other')
  const third = await collector.waitFor((b) => pageviews(b).length === 3)
  t.equal(clicks(third).length, 2)
  t.equal(clicks(third)[1].body.key, 'other', '?ref= works like ?via=')
})

t.test('?via= landing: navigation while the click is pending is tracked after the landing', opts, async (t) => {
  const { collector, page } = await open(t, { collector: { clickDelayMs: 600 } })
  const url = collector.page('/slow', snippetPage())
  await page.goto(url + '?via=partner')
  await page.evaluate(() => history.pushState({}, '', '/slow/next'))
  const beacons = await collector.waitFor((b) => pageviews(b).length === 2)
  t.same(
    pageviews(beacons).map((b) => b.body.url),
    [url + '?via=partner', collector.origin + '/slow/next'],
    'the landing first, then where the visitor went meanwhile',
  )
  t.same(pageviews(beacons).map((b) => b.body.ga_id), [clicks(beacons)[0].reply.ga_id, clicks(beacons)[0].reply.ga_id])
  await settle()
  t.equal(pageviews(collector.beacons).length, 2)
  t.equal(page.url(), collector.origin + '/slow/next')
})

t.test('?via= landing: an unanswered click delays the pageview by at most 3 s', opts, async (t) => {
  const { collector, page } = await open(t, { collector: { clickDelayMs: 8_000 } })
  const url = collector.page('/hang', snippetPage())
  const started = Date.now()
  await page.goto(url + '?via=partner')
  const [pv] = pageviews(await collector.waitFor((b) => pageviews(b).length === 1, 6_000))
  const waited = Date.now() - started
  t.ok(waited >= 2_500 && waited < 6_000, `pageview after ${waited} ms`)
  t.notOk(pv.body.ga_id)
  t.equal(pv.body.url, url + '?via=partner')
})

t.test('ad click ids and Meta cookies ride along on events', opts, async (t) => {
  const { collector, context, page } = await open(t)
  const url = collector.page('/ad', snippetPage())
  await context.addCookies([{ name: '_fbp', value: 'fb.1.1700000000000.123456789', url: collector.origin }])
  const ids = {
    gclid: 'G1-abc_def', gbraid: 'GB1', wbraid: 'WB1', fbclid: 'F1', li_fat_id: 'L1', ttclid: 'T1',
    msclkid: 'M1', dclid: 'D1', epik: 'E1', irclickid: 'I1', sccid: 'S1', twclid: 'TW1',
  }
  await page.goto(url + '?' + new URLSearchParams({ ...ids, other: 'x' }).toString())
  const [pv] = pageviews(await collector.waitFor((b) => pageviews(b).length === 1))
  t.match(pv.body, ids)
  t.equal(pv.body.other, undefined, 'unknown params are not copied')
  t.equal(pv.body._fbp, 'fb.1.1700000000000.123456789')
  await page.evaluate(() => window.GoodAnalytics.trackLead({ form: 'demo' }))
  const [lead] = events(await collector.waitFor((b) => events(b, 'lead').length === 1), 'lead')
  t.match(lead.body, ids, 'later events of the page keep the landing click ids')
})

t.test('track, trackLead, trackSale and identify payloads', opts, async (t) => {
  const { collector, page } = await open(t)
  await page.goto(collector.page('/shop', snippetPage()))
  await collector.waitFor((b) => pageviews(b).length === 1)
  await page.evaluate(() => {
    const ga = window.GoodAnalytics
    ga.track('signup_clicked', { plan: 'pro', seats: 3 })
    ga.track('custom', { event_name: 'video_play', ok: true })
    ga.trackLead({ form: 'contact' })
    ga.trackSale({ amount_cents: 4900, currency: 'EUR', order_id: 'o-1' })
    ga.identify({ person_external_id: 'user-42', person_email: 'a@example.com', identity_token: 'ab'.repeat(32), tier: 'gold' })
  })
  const beacons = await collector.waitFor((b) => b.length === 6)
  const byType = (type: string) => events(beacons, type).map((b) => b.body)
  t.match(byType('custom'), [
    { event_name: 'signup_clicked', properties: { plan: 'pro', seats: 3 } },
    { event_name: 'video_play', properties: { ok: true } },
  ])
  t.match(byType('lead'), [{ properties: { form: 'contact' } }])
  const [sale] = byType('sale')
  t.equal(sale.amount_cents, 4900, 'the amount is kept')
  t.equal(sale.currency, 'EUR')
  t.same(sale.properties, { order_id: 'o-1' })
  const [identify] = byType('identify')
  t.equal(identify.person_external_id, 'user-42')
  t.equal(identify.person_email, 'a@example.com')
  t.equal(identify.identity_token, 'ab'.repeat(32), 'the identity token goes top level (issue 14 item 3)')
  t.same(identify.properties, { tier: 'gold' })
  for (const b of beacons) t.match(b.body.event_id, UUID_V4)
  t.equal(new Set(beacons.map((b) => b.body.event_id)).size, beacons.length, 'event ids are unique')
})

t.test('engagement: visible time and scroll depth on pagehide, once per page exit', opts, async (t) => {
  const { collector, page } = await open(t)
  const url = collector.page('/article', snippetPage({ body: TALL_BODY }))
  await page.goto(url)
  await collector.waitFor((b) => pageviews(b).length === 1)
  await scrollAndWait(page, 'bottom')
  await scrollAndWait(page, 'top')
  await settle(1200)
  await page.goto(collector.page('/elsewhere', '<p>no snippet</p>'))
  const [e] = events(await collector.waitFor((b) => events(b, 'engagement').length === 1), 'engagement')
  t.equal(e.body.url, url)
  t.equal(e.body.scroll_depth, 100, 'the maximum depth, not the last one')
  t.ok(Number(e.body.engaged_ms) >= 1000 && Number(e.body.engaged_ms) < 10_000, `engaged_ms ${e.body.engaged_ms}`)
  t.match(e.body.event_id, UUID_V4)
  t.equal(e.body.pk, PK)
  await settle()
  t.equal(events(collector.beacons, 'engagement').length, 1, 'pagehide + visibilitychange report once')
})

t.test('engagement: page close, and SPA navigation closes the previous page', opts, async (t) => {
  const { collector, page } = await open(t)
  const url = collector.page('/app', snippetPage({ body: TALL_BODY }))
  await page.goto(url)
  await collector.waitFor((b) => pageviews(b).length === 1)
  await page.evaluate(() => window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) / 2))
  await settle(1100)
  await page.evaluate(() => {
    window.scrollTo(0, 0)
    history.pushState({}, '', '/app/next')
  })
  const [first] = events(await collector.waitFor((b) => events(b, 'engagement').length === 1), 'engagement')
  t.equal(first.body.url, url, 'reported for the page being left')
  t.equal(first.body.scroll_depth, 50)
  t.ok(Number(first.body.engaged_ms) >= 1000)

  await settle(1100)
  await page.close({ runBeforeUnload: true })
  const second = events(await collector.waitFor((b) => events(b, 'engagement').length === 2), 'engagement')[1]
  t.equal(second.body.url, collector.origin + '/app/next')
  t.ok(Number(second.body.engaged_ms) >= 1000 && Number(second.body.engaged_ms) < 5_000, 'counted afresh after navigation')
  t.equal(second.body.scroll_depth, 0)
})

t.test('engagement: hidden time is not counted; each hide reports only what is new', opts, async (t) => {
  const { collector, page } = await open(t)
  const url = collector.page('/tabs', snippetPage({ body: TALL_BODY }))
  await page.goto(url)
  await collector.waitFor((b) => pageviews(b).length === 1)
  // Headless tabs never hide on their own: fake the visibility state the snippet reads.
  const setHidden = (hidden: boolean) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h })
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') })
      document.dispatchEvent(new Event('visibilitychange'))
    }, hidden)
  await settle(1100)
  await setHidden(true)
  const [first] = events(await collector.waitFor((b) => events(b, 'engagement').length === 1), 'engagement')
  // Bounds leave room for a slow machine but not for the hidden 2 s below.
  t.ok(Number(first.body.engaged_ms) >= 1000 && Number(first.body.engaged_ms) < 3000, `visible: ${first.body.engaged_ms}`)
  await settle(2000) // hidden: must not count
  await setHidden(true) // a second hide with nothing new sends nothing
  await setHidden(false)
  await settle(1100)
  await setHidden(true)
  const second = events(await collector.waitFor((b) => events(b, 'engagement').length === 2), 'engagement')[1]
  t.ok(Number(second.body.engaged_ms) >= 1000 && Number(second.body.engaged_ms) < 3000, `delta only: ${second.body.engaged_ms}`)
  t.equal(second.body.url, url)
  await settle()
  t.equal(events(collector.beacons, 'engagement').length, 2, 'a hide with nothing new sends nothing')
})

t.test('duplicate snippet load does not double-track', opts, async (t) => {
  const { collector, page } = await open(t)
  const warnings: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text())
  })
  await page.goto(collector.page('/twice', snippetPage({ twice: true })))
  await collector.waitFor((b) => pageviews(b).length === 1)
  await page.evaluate(() => history.pushState({}, '', '/twice/next'))
  await collector.waitFor((b) => pageviews(b).length === 2)
  await page.evaluate(() => window.GoodAnalytics.track('custom', { event_name: 'once' }))
  await settle()
  t.equal(pageviews(collector.beacons).length, 2, 'one pageview on load, one per navigation')
  t.equal(events(collector.beacons, 'custom').length, 1)
  t.match(warnings, [/GoodAnalytics: loaded twice/])
})

t.test('respectDnt: nothing is sent under GPC or DNT', opts, async (t) => {
  const signals: Array<[string, () => void]> = [
    ['globalPrivacyControl', () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })],
    ['doNotTrack', () => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' })],
  ]
  for (const [name, script] of signals) {
    for (const respectDnt of [true, false]) {
      const { collector, context, page } = await open(t)
      await context.addInitScript(script)
      await page.goto(collector.page('/private', snippetPage({ init: { respectDnt } })) + '?via=partner')
      await page.evaluate(() => {
        window.GoodAnalytics.track('custom', { event_name: 'x' })
        history.pushState({}, '', '/private/2')
      })
      if (respectDnt) {
        await settle()
        t.same(collector.beacons, [], `${name} + respectDnt: nothing sent`)
      } else {
        await collector.waitFor((b) => pageviews(b).length === 2 && clicks(b).length === 1)
        t.pass(`${name} without respectDnt: tracked as usual`)
      }
      await context.close()
    }
  }
})

t.test('fallbacks: no randomUUID, no sendBeacon (fetch keepalive)', opts, async (t) => {
  const { collector, context, page } = await open(t)
  await context.addInitScript(() => {
    Object.defineProperty(Crypto.prototype, 'randomUUID', { value: undefined })
    Object.defineProperty(Navigator.prototype, 'sendBeacon', { value: undefined })
  })
  await page.goto(collector.page('/old', snippetPage()))
  const [pv] = pageviews(await collector.waitFor((b) => pageviews(b).length === 1))
  t.match(pv.body.event_id, UUID_V4, 'getRandomValues builds a v4 UUID')
  t.match(pv.body.anonymous_id, UUID_V4)
  t.equal(pv.contentType, 'text/plain;charset=UTF-8', 'sent by fetch')
  t.equal(pv.body.pk, PK)
})

t.test('cross-origin embed: beacons and the ?via= click reach another origin', opts, async (t) => {
  const { collector, page } = await open(t)
  const endpoint = collector.origin + '/ga/t'
  const path = '/embed'
  collector.page(path, snippetPage({ src: collector.origin + SNIPPET_PATH, init: { endpoint } }))
  const pageUrl = `http://${CROSS_SITE_HOST}:${collector.port}${path}`
  await page.goto(pageUrl + '?via=partner')
  const beacons = await collector.waitFor((b) => pageviews(b).length === 1)
  const [click] = clicks(beacons)
  const [pv] = pageviews(beacons)
  t.equal(click.origin, `http://${CROSS_SITE_HOST}:${collector.port}`)
  t.equal(pv.body.url, pageUrl + '?via=partner')
  t.equal(pv.body.ga_id, click.reply.ga_id, 'the CORS click answer was readable')
  t.match(pv.body.event_id, UUID_V4, 'not a secure context: the getRandomValues fallback')
})
