// Guards the redirect GET|HEAD /:key over real HTTP: host normalisation and key-only fallback,
// 404/410/expired_url/not_found_url, reserved and case-sensitive keys, bad Host, 10 KB queries,
// UTM overlay and pass-through, device and country targeting, cookies, password links, and the
// recorded clicks (events, counters, unique/bot/qr flags).
import { connect } from 'node:net'
import t from 'tap'
import { listen } from '../helper.js'
import { openGeoReader } from '../../src/classify/index.js'
import { isUuid } from '../../src/db/uuid.js'
import { call, cookiesOf, header, waitFor, type Answer } from './http.js'

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36'
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

const env = { GA_LINK_DOMAINS: 'go.example.com,links.example.org', GA_TRUST_PROXY: 'true' }

t.test('redirect', async t => {
  const { baseUrl, auth, database } = await listen(t, { env })
  const sql = database.sql
  const create = async (body: Record<string, unknown>): Promise<{ id: string, key: string }> => {
    const res = await call(baseUrl, 'POST', '/ga/api/links', { headers: auth, body })
    if (res.status !== 201) throw new Error(res.text)
    return res.json
  }
  const go = async (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> =>
    await call(baseUrl, method, path, { headers: { host: 'go.example.com', 'user-agent': DESKTOP, ...headers } })
  const counters = async (id: string): Promise<{ total: number, unique: number, bot: number }> => {
    const [row] = await sql`select total_clicks::int as total, unique_clicks::int as unique, bot_clicks::int as bot from links where id = ${id}`
    return row as unknown as { total: number, unique: number, bot: number }
  }
  const waitCounters = async (id: string, want: { total: number, unique: number, bot: number }): Promise<void> => {
    await waitFor(async () => JSON.stringify(await counters(id)) === JSON.stringify(want), 5000, `counters ${JSON.stringify(want)}`).catch(() => {})
    t.same(await counters(id), want, 'counters')
  }
  const clickEvents = async (linkId: string) => await sql`select * from events where link_id = ${linkId} and event_type = 'link_click' order by occurred_at, id`

  const promo = await create({ url: 'https://example.com/landing?existing=1', key: 'promo', utm_source: 'twitter', utm_campaign: 'spring' })

  t.test('302 with the link URL, UTMs, ga_id, the right headers and a signed identity cookie; the click is recorded', async t => {
    const res = await go('/promo', { referer: 'https://www.facebook.com/some/post' })
    t.equal(res.status, 302)
    const location = new URL(header(res, 'location'))
    t.equal(location.origin + location.pathname, 'https://example.com/landing')
    t.equal(location.searchParams.get('existing'), '1')
    t.equal(location.searchParams.get('utm_source'), 'twitter')
    t.equal(location.searchParams.get('utm_campaign'), 'spring')
    const clickId = location.searchParams.get('ga_id') ?? ''
    t.ok(isUuid(clickId) && clickId[14] === '7', 'ga_id is a uuidv7 click id')
    t.equal(header(res, 'cache-control'), 'private, no-store')
    t.equal(header(res, 'referrer-policy'), 'strict-origin-when-cross-origin')
    t.equal(header(res, 'x-robots-tag'), 'noindex')
    t.match(res.text, /You are being <a href="https:\/\/example\.com\/landing\?/)
    const cookie = cookiesOf(res).find(c => c.startsWith('_ga_good=')) ?? ''
    t.match(cookie, new RegExp(`^_ga_good=${clickId}\\.[A-Za-z0-9+/_-]+;`), 'signed value = ga_id')
    t.match(cookie, /HttpOnly/)
    t.match(cookie, /SameSite=Lax/)
    t.match(cookie, /Max-Age=34560000/)
    t.notMatch(cookie, /Secure/, 'not over plain http')
    t.notMatch(cookie, /Domain=/, 'host-only without GA_COOKIE_DOMAIN')

    await waitCounters(promo.id, { total: 1, unique: 1, bot: 0 })
    const [event] = await clickEvents(promo.id)
    t.equal(event.click_id, clickId)
    t.equal(event.unique_click, true)
    t.equal(event.bot, false)
    t.equal(event.qr, false)
    t.equal(event.host, 'go.example.com')
    t.equal(event.path, '/promo')
    t.equal(event.ga_id, clickId, 'a new browser is keyed by the click id it was given')
    t.equal(event.referrer, 'https://www.facebook.com/some/post')
    t.equal(event.referrer_host, 'www.facebook.com')
    t.equal(event.source_platform, 'twitter', 'classified with the link\'s UTMs (DESIGN §6)')
    t.equal(event.browser, 'Chrome')
    t.equal(event.properties, null, 'no jsonb on a click')
    t.not(event.session_id, null, 'the click opens its browser\'s session')
  })

  t.test('a returning browser keeps its ga_id; repeat clicks are not unique; a new UA is', async t => {
    const first = await go('/promo', { 'user-agent': ANDROID })
    const cookie = (cookiesOf(first).find(c => c.startsWith('_ga_good=')) ?? '').split(';')[0]
    const gaId = new URL(header(first, 'location')).searchParams.get('ga_id')
    const second = await go('/promo', { 'user-agent': ANDROID, cookie })
    const secondClick = new URL(header(second, 'location')).searchParams.get('ga_id')
    t.not(secondClick, gaId, 'every click has its own click id')
    t.match(cookiesOf(second).find(c => c.startsWith('_ga_good=')) ?? '', new RegExp(`^_ga_good=${gaId}\\.`), 'cookie refreshed with the same ga_id')
    await go('/promo', { 'user-agent': ANDROID, cookie: '_ga_good=forged-id.badsignature' })
    await waitCounters(promo.id, { total: 4, unique: 2, bot: 0 })
    const events = await clickEvents(promo.id)
    t.equal(events[2].ga_id, gaId, 'ga_id from the signed cookie')
    t.ok(isUuid(events[3].ga_id) && events[3].ga_id !== gaId, 'a tampered cookie is ignored: a fresh browser id')
    // Same IP + UA without a (valid) cookie as the first Android click → not unique either.
    t.same(events.slice(1).map(e => e.unique_click), [true, false, false])
  })

  t.test('HEAD answers like GET and never counts a click', async t => {
    const before = await counters(promo.id)
    const res = await go('/promo', {}, 'HEAD')
    t.equal(res.status, 302)
    t.match(header(res, 'location'), /^https:\/\/example\.com\/landing\?/)
    t.equal(header(res, 'cache-control'), 'private, no-store')
    t.same(cookiesOf(res), [], 'no identity cookie on HEAD')
    await go('/promo')
    await waitCounters(promo.id, { ...before, total: before.total + 1 })
  })

  t.test('bots are redirected, stored with their verdict and counted in bot_clicks only', async t => {
    const link = await create({ url: 'https://example.com/bots', key: 'botty' })
    const res = await go('/botty', { 'user-agent': GOOGLEBOT })
    t.equal(res.status, 302)
    t.same(cookiesOf(res), [], 'no identity cookie for bots')
    await go('/botty', { 'user-agent': '' })
    await go('/botty', { 'sec-purpose': 'prefetch;prerender' })
    await waitCounters(link.id, { total: 0, unique: 0, bot: 3 })
    const events = await clickEvents(link.id)
    t.same(events.map(e => e.bot), [true, true, true])
    t.same(events.map(e => e.unique_click), [false, false, false])
    t.equal(events[0].bot_name, 'Googlebot')
  })

  t.test('qr=1 flags the click; other values do not', async t => {
    const link = await create({ url: 'https://example.com/qr', key: 'qrflag' })
    await go('/qrflag?qr=1')
    await go('/qrflag?qr=true', { 'user-agent': IPHONE })
    await waitCounters(link.id, { total: 2, unique: 2, bot: 0 })
    t.same((await clickEvents(link.id)).map(e => e.qr), [true, false])
  })

  t.test('the IP gives the country and is not stored on a click', async t => {
    const link = await create({ url: 'https://example.com/ip', key: 'ipmode' })
    await go('/ipmode', { 'x-forwarded-for': '8.8.8.8' })
    await waitCounters(link.id, { total: 1, unique: 1, bot: 0 })
    const [event] = await clickEvents(link.id)
    t.notOk('ip_address' in event, 'no IP column on the narrow event row')
    t.notOk(JSON.stringify(event).includes('8.8.8'), 'the address is nowhere on the row')
    t.equal(event.country, openGeoReader().lookup('8.8.8.8')?.country ?? null)
  })

  t.test('UTM overlay and bounded pass-through', async t => {
    const res = await go('/promo?utm_source=newsletter&foo=bar&gclid=abc&ga_id=evil&via=partner')
    const location = new URL(header(res, 'location'))
    t.equal(location.searchParams.get('utm_source'), 'twitter', 'the link’s UTMs beat the request’s (issue 14 item 11)')
    t.equal(location.searchParams.get('foo'), 'bar')
    t.equal(location.searchParams.get('gclid'), null, 'click ids are not forwarded')
    t.equal(location.searchParams.get('via'), null)
    t.not(location.searchParams.get('ga_id'), 'evil')
    t.ok(isUuid(location.searchParams.get('ga_id')))
  })

  t.test('a 10 KB query string still redirects, pass-through bounded', async t => {
    const params = Array.from({ length: 100 }, (_, i) => `p${String(i).padStart(3, '0')}=${'v'.repeat(95)}`).join('&')
    t.ok(params.length > 10_000)
    const res = await go(`/promo?${params}`)
    t.equal(res.status, 302)
    const location = new URL(header(res, 'location'))
    const forwarded = [...location.searchParams.keys()].filter(k => k.startsWith('p'))
    t.ok(forwarded.length <= 10, `at most 10 forwarded (${forwarded.length})`)
    t.ok(location.href.length < 'https://example.com/landing?existing=1'.length + 2048 + 200, 'Location stays small')
  })

  t.test('device targeting', async t => {
    await create({ url: 'https://example.com/web', key: 'app', ios_url: 'https://apps.apple.com/app/id1', android_url: 'https://play.google.com/store/apps/details?id=x' })
    t.match(header(await go('/app', { 'user-agent': IPHONE }), 'location'), /^https:\/\/apps\.apple\.com\/app\/id1\?ga_id=/)
    t.match(header(await go('/app', { 'user-agent': ANDROID }), 'location'), /^https:\/\/play\.google\.com\/store\/apps\/details\?ga_id=.*&id=x$/)
    t.match(header(await go('/app'), 'location'), /^https:\/\/example\.com\/web\?ga_id=/)
  })

  t.test('country targeting from the geo database (overrides device targeting)', async t => {
    const geo = openGeoReader()
    const country = geo.lookup('8.8.8.8')?.country
    const other = geo.lookup('1.1.1.1')?.country
    t.ok(country !== undefined && other !== undefined && country !== other, `test IPs resolve to two countries (${country}, ${other})`)
    await create({ url: 'https://example.com/world', key: 'geo', ios_url: 'https://apps.apple.com/app/id2', geo_targeting: { [country as string]: 'https://example.com/local' } })
    t.match(header(await go('/geo', { 'x-forwarded-for': '8.8.8.8' }), 'location'), /^https:\/\/example\.com\/local\?ga_id=/)
    t.match(header(await go('/geo', { 'x-forwarded-for': '8.8.8.8', 'user-agent': IPHONE }), 'location'), /^https:\/\/example\.com\/local\?/)
    t.match(header(await go('/geo', { 'x-forwarded-for': '1.1.1.1' }), 'location'), /^https:\/\/example\.com\/world\?/)
    t.match(header(await go('/geo', { 'x-forwarded-for': '1.1.1.1', 'user-agent': IPHONE }), 'location'), /^https:\/\/apps\.apple\.com\/app\/id2\?/)
  })

  t.test('Host normalisation, X-Forwarded-Host behind a trusted proxy, key-only fallback', async t => {
    for (const host of ['GO.Example.COM', 'go.example.com:8080', 'go.example.com.']) {
      t.equal((await go('/promo', { host })).status, 302, host)
    }
    t.equal((await go('/promo', { host: 'proxy.internal', 'x-forwarded-host': 'go.example.com' })).status, 302)
    t.equal((await go('/promo', { host: 'unknown.example.net' })).status, 302, 'key-only: exactly one live link has the key')
    await create({ url: 'https://example.com/a', key: 'twice' })
    await create({ url: 'https://example.com/b', key: 'twice', domain: 'links.example.org' })
    t.match(header(await go('/twice', { host: 'links.example.org' }), 'location'), /^https:\/\/example\.com\/b\?/)
    const ambiguous = await go('/twice', { host: 'unknown.example.net' })
    t.equal(ambiguous.status, 404, 'key-only lookup refuses an ambiguous key')
  })

  t.test('X-Forwarded-Host is ignored without GA_TRUST_PROXY', async t => {
    const plain = await listen(t, {})
    const a = await call(plain.baseUrl, 'POST', '/ga/api/links', { headers: plain.auth, body: { url: 'https://example.com/a', key: 'fwd', domain: 'go.example.com' } })
    await call(plain.baseUrl, 'POST', '/ga/api/links', { headers: plain.auth, body: { url: 'https://example.com/b', key: 'fwd', domain: 'other.example.net' } })
    t.equal(a.status, 201)
    const res = await call(plain.baseUrl, 'GET', '/fwd', { headers: { host: 'other.example.net', 'x-forwarded-host': 'go.example.com' } })
    t.match(header(res, 'location'), /^https:\/\/example\.com\/b\?/)
  })

  t.test('unknown, case-different, malformed and reserved keys', async t => {
    const unknown = await go('/nothing-here')
    t.equal(unknown.status, 404)
    t.equal(unknown.text, 'Link not found')
    t.match(header(unknown, 'content-type'), /^text\/plain/)
    t.equal((await go('/PROMO')).status, 404, 'keys are case-sensitive')
    t.equal((await go('/Promo')).status, 404)
    for (const path of ['/a..b', '/%F0%9F%98%80', '/a%20b', `/${'k'.repeat(300)}`]) t.equal((await go(path)).status, 404, path)
    for (const path of ['/api', '/ga', '/favicon.ico', '/robots.txt', '/GA']) {
      const res = await go(path)
      t.equal(res.status, 404, path)
      t.equal(res.json?.code, 'ROUTE_NOT_FOUND', `${path} is never a key`)
    }
    t.equal((await go('/healthz')).status, 200, 'own routes win')
  })

  t.test('archived → 404; expired → 410 or expired_url', async t => {
    const gone = await create({ url: 'https://example.com/gone', key: 'gone' })
    t.equal((await go('/gone')).status, 302)
    await call(baseUrl, 'DELETE', `/ga/api/links/${gone.id}`, { headers: auth })
    t.equal((await go('/gone')).status, 404)

    const soon = await create({ url: 'https://example.com/soon', key: 'soon', expires_at: new Date(Date.now() + 60_000).toISOString() })
    t.equal((await go('/soon')).status, 302)
    await call(baseUrl, 'PATCH', `/ga/api/links/${soon.id}`, { headers: auth, body: { expires_at: new Date(Date.now() - 1000).toISOString() } })
    const expired = await go('/soon')
    t.equal(expired.status, 410)
    t.equal(expired.text, 'Link expired')
    await call(baseUrl, 'PATCH', `/ga/api/links/${soon.id}`, { headers: auth, body: { expired_url: 'https://example.com/expired' } })
    const toExpiredUrl = await go('/soon')
    t.equal(toExpiredUrl.status, 302)
    t.equal(header(toExpiredUrl, 'location'), 'https://example.com/expired', 'no ga_id: no click')
    await new Promise(resolve => setTimeout(resolve, 100))
    t.same(await counters(soon.id), { total: 1, unique: 1, bot: 0 }, 'expired hits are not clicks')
  })

  t.test("a domain's not_found_url and expired_url (/ga/api/domains)", async t => {
    const added = await call(baseUrl, 'POST', '/ga/api/domains', { headers: auth, body: { domain: 'nf.example.com', not_found_url: 'https://example.com/404', expired_url: 'https://example.com/410' } })
    t.equal(added.status, 201)
    const res = await go('/missing', { host: 'nf.example.com' })
    t.equal(res.status, 302)
    t.equal(header(res, 'location'), 'https://example.com/404')
  })

  t.test('missing or garbage Host → 400, nothing recorded', async t => {
    for (const host of ['bad host!!', '<script>', 'a:b:c', 'x'.repeat(400), 'exa mple.com']) {
      const res = await go('/promo', { host })
      t.equal(res.status, 400, host)
      t.equal(res.text, 'Invalid Host header')
    }
    const port = Number(new URL(baseUrl).port)
    const raw = async (request: string): Promise<string> => await new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => { socket.write(request) })
      let data = ''
      socket.on('data', chunk => { data += chunk.toString() })
      socket.on('end', () => { resolve(data) })
      socket.on('error', reject)
    })
    t.match(await raw('GET /promo HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 400/, 'HTTP/1.0 without Host')
    t.match(await raw('GET /promo HTTP/1.1\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 400/, 'HTTP/1.1 without Host')
  })

  t.test('password-protected links: form, 401 on a wrong password, signed unlock cookie, no click until unlocked', async t => {
    const secret = await create({ url: 'https://example.com/secret', key: 'locked', password: 'open sesame' })
    const form = await go('/locked')
    t.equal(form.status, 200)
    t.match(header(form, 'content-type'), /^text\/html/)
    t.match(form.text, /<form method="post">/)
    t.match(form.text, /name="password"/)
    t.notMatch(form.text, /example\.com\/secret/, 'the destination is not revealed')
    const post = async (body: string, headers: Record<string, string> = {}): Promise<Answer> =>
      await call(baseUrl, 'POST', '/locked', { headers: { host: 'go.example.com', 'user-agent': DESKTOP, 'content-type': 'application/x-www-form-urlencoded', ...headers }, rawBody: body })
    const wrong = await post('password=nope')
    t.equal(wrong.status, 401)
    t.match(wrong.text, /Incorrect password/)
    t.equal((await post('')).status, 401)
    const right = await post('password=open+sesame')
    t.equal(right.status, 302)
    t.match(header(right, 'location'), /^https:\/\/example\.com\/secret\?ga_id=/)
    const unlock = cookiesOf(right).find(c => c.startsWith(`ga_unlock_${secret.id}=`)) ?? ''
    t.match(unlock, /HttpOnly/)
    const again = await go('/locked', { cookie: unlock.split(';')[0] })
    t.equal(again.status, 302, 'remembered by the unlock cookie')
    const forged = await go('/locked', { cookie: `ga_unlock_${secret.id}=${secret.id}.9999999999.AAAA` })
    t.equal(forged.status, 200, 'a forged unlock cookie shows the form')
    await waitCounters(secret.id, { total: 2, unique: 1, bot: 0 })
  })

  t.test('GA_COOKIE_DOMAIN: the cookie is shared on the parent domain, and not set for hosts outside it', async t => {
    const app2 = await listen(t, { env: { GA_LINK_DOMAINS: 'go.example.com,links.example.org', GA_COOKIE_DOMAIN: '.example.com' } })
    await call(app2.baseUrl, 'POST', '/ga/api/links', { headers: app2.auth, body: { url: 'https://shop.example.com/', key: 'in' } })
    await call(app2.baseUrl, 'POST', '/ga/api/links', { headers: app2.auth, body: { url: 'https://shop.example.com/', key: 'out', domain: 'links.example.org' } })
    const inside = await call(app2.baseUrl, 'GET', '/in', { headers: { host: 'go.example.com', 'user-agent': DESKTOP } })
    t.match(cookiesOf(inside).join(), /_ga_good=.*Domain=\.example\.com/)
    const outside = await call(app2.baseUrl, 'GET', '/out', { headers: { host: 'links.example.org', 'user-agent': DESKTOP } })
    t.equal(outside.status, 302)
    t.same(cookiesOf(outside).filter(c => c.startsWith('_ga_good=')), [])
  })

  t.test('stats and clicks API reflect the recorded clicks', async t => {
    const stats = await call(baseUrl, 'GET', `/ga/api/links/${promo.id}/stats`, { headers: auth })
    const c = await counters(promo.id)
    t.equal(stats.json.total_clicks, c.total)
    t.equal(stats.json.unique_clicks, c.unique)
    const clicks = await call(baseUrl, 'GET', `/ga/api/links/${promo.id}/clicks?limit=2`, { headers: auth })
    t.equal(clicks.status, 200)
    t.equal(clicks.json.clicks.length, 2)
    const times = clicks.json.clicks.map((x: { occurred_at: string }) => x.occurred_at)
    t.ok(times[0] >= times[1], 'newest first')
    t.type(clicks.json.clicks[0].click_id, 'string')
  })
})
