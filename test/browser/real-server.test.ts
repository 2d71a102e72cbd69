// The built snippet in headless Debian Chromium against the REAL server (listen() from
// test/helper.ts, real Postgres): pages are served on a second port as http://shop.test:<port>
// and the collector is http://t.shop.test:<port> (both mapped to 127.0.0.1), i.e. same-site and
// cross-origin, like a collector on a subdomain. Checks what lands in the database.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { listen } from '../helper.js'
import { createApiKey, createWorkspace } from '../../src/auth/service.js'
import { chromiumSkipReason, launchChromium } from './chromium.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SITE = 'shop.test'
const COLLECTOR = 't.shop.test'
const opts = chromiumSkipReason ? { skip: chromiumSkipReason } : { timeout: 60_000 }

if (!chromiumSkipReason) execFileSync(process.execPath, ['scripts/build-snippet.mjs'], { cwd: ROOT, stdio: 'ignore' })

t.test('the snippet against the real server', opts, async t => {
  const server = await listen(t, { env: { GA_LINK_DOMAINS: COLLECTOR } })
  const sql = server.database.sql
  const collector = server.baseUrl.replace('127.0.0.1', COLLECTOR)

  const pages = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><html><head><title>${req.url ?? ''}</title>
<script src="${collector}/ga/js/good-analytics.js"></script>
<script>GoodAnalytics.init(${JSON.stringify({ endpoint: `${collector}/ga/t`, pk })})</script></head>
<body><div style="height:4000px">page</div></body></html>`)
  })
  await new Promise<void>(resolve => pages.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => { pages.closeAllConnections(); pages.close(() => { resolve() }) }))
  const site = `http://${SITE}:${(pages.address() as AddressInfo).port}`

  const ws = (await createWorkspace(server.database.db, 'shop'))?.id ?? ''
  const { key: pk } = await createApiKey(server.database.db, server.config.secret, { workspaceId: ws, name: 'site', type: 'publishable', allowedOrigins: [site] })
  const { key: secret } = await createApiKey(server.database.db, server.config.secret, { workspaceId: ws, name: 'backend', type: 'secret' })
  const auth = { authorization: `Bearer ${secret}` }

  const browser: Browser = await launchChromium([`--host-resolver-rules=MAP ${SITE} 127.0.0.1, MAP ${COLLECTOR} 127.0.0.1`])
  t.teardown(() => browser.close())

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are checked field by field
  async function rows (where: (r: any) => boolean, want = 1, timeoutMs = 8000): Promise<any[]> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const all = await sql`select * from events where workspace_id = ${ws} order by occurred_at, id`
      const got = all.filter(where)
      if (got.length >= want || Date.now() > deadline) return got
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
  async function fresh (): Promise<Page> {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    return await context.newPage()
  }

  t.test('a pageview with the right source; cookies set and sent back', async t => {
    const page = await fresh()
    await page.goto(`${site}/jobs?utm_source=newsletter&utm_medium=email`, { referer: 'https://www.google.com/' })
    const [pv] = await rows(r => r.event_type === 'pageview' && r.path === '/jobs')
    t.ok(pv, 'pageview stored')
    t.equal(pv.source_medium, 'email')
    t.equal(pv.source_platform, 'newsletter')
    t.equal(pv.bot, false, 'a normal UA is no bot')
    const cookies = await page.context().cookies(collector)
    const names = cookies.map(c => c.name).sort()
    t.same(names, ['_ga_anon', '_ga_good'])
    t.ok(cookies.every(c => c.httpOnly && c.sameSite === 'Lax'), 'HttpOnly, SameSite=Lax')

    await page.goto(`${site}/about`, { referer: `${site}/jobs` })
    const [second] = await rows(r => r.event_type === 'pageview' && r.path === '/about')
    t.equal(second.ga_id, pv.ga_id, 'the cookies came back: same browser')
    t.equal(second.source_platform, null, 'a referrer on the own site is no new source (stored as no source)')
    t.equal(second.session_id, pv.session_id, 'and no new session')
  })

  t.test('SPA navigations record pageviews; an engagement beacon arrives on pagehide', async t => {
    const page = await fresh()
    await page.goto(`${site}/spa`)
    await rows(r => r.path === '/spa')
    await page.evaluate(() => { history.pushState({}, '', '/spa/a') })
    await page.evaluate(() => { history.pushState({}, '', '/spa/b') })
    const spa = await rows(r => r.event_type === 'pageview' && r.path?.startsWith('/spa/'), 2)
    t.same(spa.map(r => r.path), ['/spa/a', '/spa/b'])
    await page.evaluate(() => { scrollTo(0, document.documentElement.scrollHeight) })
    await new Promise(resolve => setTimeout(resolve, 1300))
    await page.goto('about:blank')
    const [eng] = await rows(r => r.event_type === 'engagement' && r.path === '/spa/b')
    t.ok(eng, 'engagement stored')
    t.ok(eng.properties.engaged_ms >= 1000, 'engaged_ms measured')
    t.equal(eng.ga_id, spa[0].ga_id, 'the same browser')
    t.equal(eng.session_id, spa[0].session_id, 'joined its live session')
  })

  t.test('a ?via= landing records a click and the pageview joins its browser', async t => {
    const created = await server.app.inject({ method: 'POST', url: '/ga/api/links', headers: auth, payload: { url: `${site}/promo`, key: 'partner7' } })
    t.equal(created.statusCode, 201, created.body)
    const page = await fresh()
    await page.goto(`${site}/promo?via=partner7`)
    const [click] = await rows(r => r.event_type === 'link_click' && r.link_id === created.json().id)
    t.ok(click, 'link_click stored')
    const [pv] = await rows(r => r.event_type === 'pageview' && r.path === '/promo' && r.ga_id === click.ga_id)
    t.ok(pv, 'the landing pageview belongs to the click\'s browser')
    t.equal(await page.evaluate(() => (window as unknown as { GoodAnalytics: { getIdentity: () => string | null } }).GoodAnalytics.getIdentity()), click.click_id, 'the snippet adopted the click id')
  })

  t.test('?ga_id= from a short-link redirect joins the click\'s browser', async t => {
    const created = await server.app.inject({ method: 'POST', url: '/ga/api/links', headers: auth, payload: { url: `${site}/from-link`, key: 'short9' } })
    t.equal(created.statusCode, 201, created.body)
    const page = await fresh()
    await page.goto(`${collector}/short9`)
    t.match(page.url(), `${site}/from-link`, 'redirected, ga_id cleaned from the address bar')
    t.notMatch(page.url(), /ga_id=/)
    const [click] = await rows(r => r.event_type === 'link_click' && r.link_id === created.json().id)
    const [pv] = await rows(r => r.event_type === 'pageview' && r.path === '/from-link')
    t.ok(click && pv)
    t.equal(pv.ga_id, click.ga_id, 'same browser (the redirect\'s cookie is the click id)')
  })
})
