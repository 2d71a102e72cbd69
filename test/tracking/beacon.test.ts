// Guards POST /ga/t/event and /ga/t/click: every bad input of issue 4 gets a clear answer and
// stores nothing; CORS by publishable key or GA_ALLOWED_ORIGINS; signed identity cookies (minted,
// read back, forged ones ignored, the README's verification code); dedupe on event_id; trimming of
// properties and referrers; engagement, reconcile_only, clicks and the ?ga_id join.
import t from 'tap'
import { createHmac } from 'node:crypto'
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { build } from '../helper.js'
import { createApiKey, DEFAULT_WORKSPACE_ID, createWorkspace } from '../../src/auth/service.js'

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
const PAGE = 'https://shop.example.com'
const uuid = (): string => crypto.randomUUID()

interface Sent { status: number, json: Record<string, unknown>, res: LightMyRequestResponse }

async function post (app: FastifyInstance, body: unknown, o: { path?: string, headers?: Record<string, string>, raw?: string, type?: string } = {}): Promise<Sent> {
  const res = await app.inject({
    method: 'POST',
    url: o.path ?? '/ga/t/event',
    headers: { 'content-type': o.type ?? 'text/plain;charset=UTF-8', 'user-agent': UA, ...o.headers },
    payload: o.raw ?? JSON.stringify(body)
  })
  let json: Record<string, unknown> = {}
  try { json = JSON.parse(res.body) } catch { json = {} }
  return { status: res.statusCode, json, res }
}

function cookies (res: LightMyRequestResponse): Record<string, { value: string, raw: string }> {
  const out: Record<string, { value: string, raw: string }> = {}
  const list = res.headers['set-cookie']
  for (const raw of Array.isArray(list) ? list : list === undefined ? [] : [list]) {
    const [pair] = raw.split(';')
    const i = pair.indexOf('=')
    out[pair.slice(0, i)] = { value: decodeURIComponent(pair.slice(i + 1)), raw }
  }
  return out
}

const cookieHeader = (c: Record<string, { value: string }>): string => Object.entries(c).map(([k, v]) => `${k}=${encodeURIComponent(v.value)}`).join('; ')

t.test('beacons', async t => {
  const { app, database, config, auth } = await build(t, { env: { GA_ALLOWED_ORIGINS: 'https://www.configured.test', GA_LINK_DOMAINS: 'go.example.com' } })
  const sql = database.sql
  const ws = (await createWorkspace(database.db, 'shop'))?.id ?? ''
  const { key: pk } = await createApiKey(database.db, config.secret, { workspaceId: ws, name: 'site', type: 'publishable', allowedOrigins: [PAGE] })
  const count = async (): Promise<number> => Number((await sql`select count(*)::int as n from events`)[0].n)
  // The beacon's event_id is a dedupe key of event_keys, not a column of the narrow event row.
  const byEventId = async (id: string) => await sql`select e.* from events e join event_keys k on k.event_id = e.id and k.kind = 'client_event' where k.key = ${id}`
  const pageview = (extra: Record<string, unknown> = {}): Record<string, unknown> =>
    ({ event_type: 'pageview', event_id: uuid(), url: `${PAGE}/p`, referrer: '', pk, ...extra })

  t.test('bad input: a clear answer and nothing stored', async t => {
    const before = await count()
    const cases: Array<[string, Parameters<typeof post>[1], Parameters<typeof post>[2], number, string]> = [
      ['not JSON', null, { raw: '{"event_type": pageview' }, 400, 'INVALID_BEACON'],
      ['text/plain that is not JSON', null, { raw: 'hello world' }, 400, 'INVALID_BEACON'],
      ['application/json that is not JSON', null, { raw: 'nope', type: 'application/json' }, 400, 'INVALID_BEACON'],
      ['a JSON array', [pageview()], {}, 400, 'INVALID_BEACON'],
      ['a JSON string', 'pageview', {}, 400, 'INVALID_BEACON'],
      ['an empty body', null, { raw: '' }, 400, 'INVALID_BEACON'],
      ['an empty JSON body', null, { raw: '', type: 'application/json' }, 400, 'INVALID_BEACON'],
      ['1 MB body', null, { raw: JSON.stringify(pageview({ properties: { big: 'x'.repeat(1024 * 1024) } })) }, 413, 'PAYLOAD_TOO_LARGE'],
      ['just over 64 KB', null, { raw: JSON.stringify(pageview({ pad: 'x'.repeat(64 * 1024) })) }, 413, 'PAYLOAD_TOO_LARGE'],
      ['unknown event_type', pageview({ event_type: 'hack' }), {}, 422, 'VALIDATION_FAILED'],
      ['event_type api_request (service-only)', pageview({ event_type: 'api_request' }), {}, 422, 'VALIDATION_FAILED'],
      ['url javascript:', pageview({ url: 'javascript:alert(1)' }), {}, 422, 'VALIDATION_FAILED'],
      ['url data:', pageview({ url: 'data:text/html,<script>1</script>' }), {}, 422, 'VALIDATION_FAILED'],
      ['event_id not a UUID', pageview({ event_id: 'not-a-uuid' }), {}, 422, 'VALIDATION_FAILED'],
      ['disallowed Origin', pageview(), { headers: { origin: 'https://evil.test' } }, 403, 'ORIGIN_NOT_ALLOWED'],
      ['Origin null', pageview(), { headers: { origin: 'null' } }, 403, 'ORIGIN_NOT_ALLOWED'],
      ['configured origin but another workspace key', pageview(), { headers: { origin: 'https://other.test' } }, 403, 'ORIGIN_NOT_ALLOWED'],
      ['unknown publishable key', pageview({ pk: 'gak_pk_nope' }), {}, 401, 'INVALID_PUBLISHABLE_KEY'],
      ['secret key as pk', pageview({ pk: auth.authorization.slice(7) }), {}, 403, 'SECRET_KEY_NOT_ALLOWED'],
      ['click without key', pageview(), { path: '/ga/t/click' }, 400, 'INVALID_BEACON'],
      ['form-encoded body', null, { raw: 'a=b', type: 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE']
    ]
    for (const [name, body, o, status, code] of cases) {
      const r = await post(app, body, o)
      t.equal(r.status, status, `${name}: status`)
      t.equal(r.json.code, code, `${name}: code`)
      t.type(r.json.error, 'string', `${name}: error message`)
      t.notOk(r.res.headers['set-cookie'], `${name}: no cookies`)
      if (status === 403) t.notOk(r.res.headers['access-control-allow-origin'], `${name}: no CORS headers`)
    }
    t.equal(await count(), before, 'nothing stored')
  })

  t.test('a pageview is stored once durable, in the key\'s workspace, classified, with signed cookies', async t => {
    const r = await post(app, pageview({ url: `${PAGE}/jobs?utm_source=newsletter&utm_medium=email`, title: 'Jobs' }), { headers: { origin: PAGE } })
    t.equal(r.status, 200)
    t.same(r.json, { status: 'ok' })
    t.equal(r.res.headers['access-control-allow-origin'], PAGE)
    t.equal(r.res.headers['access-control-allow-credentials'], 'true')
    t.match(String(r.res.headers.vary), /Origin/)
    const [row] = await sql`select * from events where workspace_id = ${ws} order by id desc limit 1`
    t.ok(row, 'committed before the answer')
    t.equal(row.source_medium, 'email')
    t.equal(row.source_platform, 'newsletter')
    t.equal(row.browser, 'Chrome')
    t.equal(row.properties.title, 'Jobs')
    const c = cookies(r.res)
    for (const name of ['_ga_good', '_ga_anon']) {
      t.ok(c[name], `${name} set`)
      t.match(c[name].raw, /HttpOnly/i)
      t.match(c[name].raw, /SameSite=Lax/i)
      t.match(c[name].raw, /Path=\//)
      t.match(c[name].raw, /Max-Age=34560000/)
      t.notMatch(c[name].raw, /Secure/, 'not Secure over http')
      t.ok(app.unsignCookie(c[name].value).valid, `${name} is signed`)
    }
    const ga = app.unsignCookie(c._ga_good.value).value ?? ''
    t.equal(row.ga_id, ga, 'the event is keyed by the minted browser id')
    t.equal(Number((await sql`select count(*)::int as n from visitors`)[0].n), 0, 'no visitor for a pageview (issue 13)')

    t.test('sent back, the cookies keep the same visitor; _ga_good is not re-minted, _ga_anon refreshed', async t => {
      const again = await post(app, pageview({ anonymous_id: 'something-else' }), { headers: { origin: PAGE, cookie: cookieHeader(c) } })
      t.equal(again.status, 200)
      const c2 = cookies(again.res)
      t.notOk(c2._ga_good, 'no new _ga_good')
      t.equal(app.unsignCookie(c2._ga_anon.value).value, app.unsignCookie(c._ga_anon.value).value, '_ga_anon refreshed with the same id')
      const rows = await sql`select session_id from events where workspace_id = ${ws} and ga_id = ${row.ga_id}`
      t.equal(rows.length, 2, 'both events are the same browser\'s')
      t.equal(new Set(rows.map(r => r.session_id)).size, 1, 'in one session')
    })

    t.test('a forged or unsigned _ga_good is ignored and replaced', async t => {
      for (const forged of [ga, `${ga}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, `${uuid()}.${c._ga_good.value.split('.')[1]}`]) {
        const r2 = await post(app, pageview(), { headers: { origin: PAGE, cookie: `_ga_good=${encodeURIComponent(forged)}` } })
        t.equal(r2.status, 200)
        const fresh = cookies(r2.res)._ga_good
        t.ok(fresh, 'a new signed _ga_good is set')
        const value = app.unsignCookie(fresh.value).value
        t.not(value, forged.split('.')[0], 'the forged id is not adopted')
        const [ev] = await sql`select ga_id from events where workspace_id = ${ws} order by id desc limit 1`
        t.equal(ev.ga_id, value, 'stored under the fresh id')
        t.not(ev.ga_id, row.ga_id, 'the forged cookie does not reach the real browser')
      }
    })

    t.test("the README's Node verification code verifies the server's cookie", async t => {
      const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
      const code = /```js\n\/\/ Node\n([\s\S]*?)```/.exec(readme)?.[1]
      t.ok(code, 'README has the Node snippet')
      const dir = mkdtempSync(join(tmpdir(), 'ga-readme-'))
      const file = join(dir, 'verify.mjs')
      writeFileSync(file, code ?? '')
      const { readGaId } = await import(pathToFileURL(file).href) as { readGaId: (v: string, s: string) => string | null }
      t.equal(readGaId(c._ga_good.value, config.cookieSecret), ga, 'verifies')
      t.equal(readGaId(c._ga_good.value.replace(/.$/, x => (x === 'A' ? 'B' : 'A')), config.cookieSecret), null, 'a tampered cookie fails')
      t.equal(readGaId(c._ga_good.value, 'another-secret-0123456789-0123456789'), null, 'another secret fails')
    })
  })

  t.test('Secure on https behind a trusted proxy; Domain from GA_COOKIE_DOMAIN', async t => {
    const other = await build(t, { env: { GA_TRUST_PROXY: 'true', GA_COOKIE_DOMAIN: '.example.com' } })
    const r = await post(other.app, pageview({ pk: undefined }), { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 't.example.com', host: 't.example.com' } })
    t.equal(r.status, 200)
    const c = cookies(r.res)
    t.match(c._ga_good.raw, /Secure/)
    t.match(c._ga_good.raw, /Domain=\.example\.com/i)
    const elsewhere = await post(other.app, pageview({ pk: undefined }), { headers: { host: 'collector.other.net' } })
    t.notMatch(cookies(elsewhere.res)._ga_good.raw, /Domain=/i, 'host-only when the host is not under the cookie domain')
  })

  t.test('CORS: GA_ALLOWED_ORIGINS without a key, preflights, requests without Origin', async t => {
    const r = await post(app, pageview({ pk: undefined }), { headers: { origin: 'https://www.configured.test' } })
    t.equal(r.status, 200)
    t.equal(r.res.headers['access-control-allow-origin'], 'https://www.configured.test')
    const [ev] = await sql`select workspace_id from events order by id desc limit 1`
    t.equal(ev.workspace_id, DEFAULT_WORKSPACE_ID, 'no pk → the default workspace')

    const noOrigin = await post(app, pageview())
    t.equal(noOrigin.status, 200, 'server-to-server (no Origin) is allowed')
    t.notOk(noOrigin.res.headers['access-control-allow-origin'])

    for (const [origin, want] of [[PAGE, 204], ['https://www.configured.test', 204], ['https://evil.test', 403], ['null', 403]] as const) {
      const pre = await app.inject({ method: 'OPTIONS', url: '/ga/t/event', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
      t.equal(pre.statusCode, want, `preflight ${origin}`)
      if (want === 204) {
        t.equal(pre.headers['access-control-allow-origin'], origin)
        t.equal(pre.headers['access-control-allow-credentials'], 'true')
        t.match(String(pre.headers['access-control-allow-methods']), /POST/)
        t.match(String(pre.headers['access-control-allow-headers']), /content-type/)
      } else {
        t.notOk(pre.headers['access-control-allow-origin'])
      }
    }
    const json = await post(app, pageview(), { type: 'application/json', headers: { origin: PAGE } })
    t.equal(json.status, 200, 'application/json bodies too')
  })

  t.test('sanitisation: properties trimmed, nested dropped; long referrer cut', async t => {
    const many: Record<string, unknown> = { nested: { a: 1 }, list: [1, 2], _reserved: 1, ok: 'yes', n: 1.5, b: true, nil: null, long: 'y'.repeat(5000) }
    for (let i = 0; i < 500; i++) many[`k${i}`] = i
    const id = uuid()
    const referrer = 'https://www.google.com/search?q=' + 'z'.repeat(10 * 1024)
    const r = await post(app, pageview({ event_id: id, properties: many, referrer, event_name: 'n'.repeat(500) }))
    t.equal(r.status, 200)
    const [ev] = await byEventId(id)
    const keys = Object.keys(ev.properties)
    t.equal(keys.length, 50, 'at most 50 properties')
    t.notOk('nested' in ev.properties, 'nested object dropped')
    t.notOk('list' in ev.properties, 'array dropped')
    t.notOk('_reserved' in ev.properties, 'reserved _ keys dropped')
    t.same([ev.properties.ok, ev.properties.n, ev.properties.b, ev.properties.nil], ['yes', 1.5, true, null])
    t.equal(ev.properties.long.length, 1000, 'strings cut to 1000')
    t.ok(ev.referrer.length <= 2048, 'referrer cut to 2048')
    t.equal(ev.source_platform, 'google', 'the cut referrer still classifies')
    t.equal(ev.source_medium, 'organic')
    t.equal(ev.event_name.length, 100, 'event_name cut to 100')
  })

  t.test('the same event_id twice is stored once, both 200 (also with different cookies)', async t => {
    const body = pageview()
    const a = await post(app, body)
    const b = await post(app, body)
    const c = await post(app, body, { headers: { cookie: cookieHeader(cookies(a.res)) } })
    t.same([a.status, b.status, c.status], [200, 200, 200])
    const rows = await byEventId(body.event_id as string)
    t.equal(rows.length, 1)
    const [key] = await sql`select count(*)::int as n from event_keys where key = ${body.event_id as string}`
    t.equal(key.n, 1, 'the key is kept for dedupe (pruned after 24 h+)')
  })

  t.test('lead and sale keep the amount; bad money is a 422', async t => {
    // Client-side sales need a key that allows them and an allowed Origin (issue 14 item 2; test/security).
    const { key: salesPk } = await createApiKey(database.db, config.secret, { workspaceId: ws, name: 'checkout', type: 'publishable', allowedOrigins: [PAGE], allowClientSales: true })
    const fromPage = { headers: { origin: PAGE } }
    const id = uuid()
    const r = await post(app, pageview({ pk: salesPk, event_type: 'sale', event_id: id, amount_cents: 4999, currency: 'eur', properties: { plan: 'pro' } }), fromPage)
    t.equal(r.status, 200)
    const [ev] = await byEventId(id)
    t.equal(ev.amount_cents, 4999)
    t.equal(ev.currency, 'EUR')
    t.equal(ev.trust, 'client')
    const bad = await post(app, pageview({ pk: salesPk, event_type: 'sale', amount_cents: -5 }), fromPage)
    t.equal(bad.status, 422)
  })

  t.test('engagement: only for a browser with a live session; reconcile_only: identity without an event, only for a person', async t => {
    const first = await post(app, pageview())
    const jar = cookieHeader(cookies(first.res))
    const id = uuid()
    const e = await post(app, { event_type: 'engagement', event_id: id, url: `${PAGE}/p`, pk, engaged_ms: 12345.9, scroll_depth: 80.7 }, { headers: { cookie: jar } })
    t.equal(e.status, 200)
    const [ev] = await byEventId(id)
    t.same(ev.properties, { engaged_ms: 12345, scroll_depth: 80 })
    t.equal(ev.browser, null, 'no device on engagement rows')
    const [session] = await sql`select engaged_seconds, is_engaged from sessions where id = ${ev.session_id}`
    t.same([session.engaged_seconds, session.is_engaged], [12, true], 'its session took the engaged time (reference §4.7)')
    const before = await count()
    const stranger = await post(app, { event_type: 'engagement', event_id: uuid(), url: `${PAGE}/p`, pk, engaged_ms: 5000 })
    t.equal(stranger.status, 200, 'a browser without a live session: dropped silently')
    t.equal(await count(), before)

    const visitors = Number((await sql`select count(*)::int as n from visitors`)[0].n)
    const rec = await post(app, pageview({ event_type: 'custom', event_name: 'fingerprint_reconcile', reconcile_only: true, fingerprint: 'fp-123' }), { headers: { cookie: jar } })
    t.equal(rec.status, 200)
    t.equal(await count(), before, 'no event row')
    t.equal(Number((await sql`select count(*)::int as n from visitors`)[0].n), visitors, 'no visitor: a browser alone is nobody yet')
    // A person claim counts only with the identity token the host backend signs (issue 14 item 3; test/security).
    const { identity_secret: secret } = await app.trust.rotateIdentitySecret(ws)
    const identity = { person_external_id: 'reconcile-user', person_email: 'reconcile@example.com', identity_token: createHmac('sha256', secret).update('reconcile-user').digest('hex') }
    const claimed = await post(app, pageview({ event_type: 'custom', reconcile_only: true, fingerprint: 'fp-123', ...identity }), { headers: { cookie: jar } })
    t.equal(claimed.status, 200)
    t.equal(await count(), before, 'still no event row')
    const [v] = await sql`select fingerprints, person_email from visitors where person_email = 'reconcile@example.com'`
    t.ok(v.fingerprints.includes('fp-123'), 'with a person, the fingerprint lands on the visitor')
  })

  t.test('/ga/t/click records a link_click and its ga_id joins the later pageview', async t => {
    const created = await app.inject({ method: 'POST', url: '/ga/api/links', headers: auth, payload: { url: 'https://shop.example.com/promo', key: 'partner1' } })
    t.equal(created.statusCode, 201, created.body)
    const link = created.json()
    const r = await post(app, { event_id: uuid(), key: 'partner1', url: `${PAGE}/promo?via=partner1`, referrer: 'https://blog.example.net/' }, { path: '/ga/t/click' })
    t.equal(r.status, 200, JSON.stringify(r.json))
    const gaId = r.json.ga_id as string
    t.match(gaId, /^[0-9a-f]{8}-[0-9a-f]{4}-7/)
    t.equal(app.unsignCookie(cookies(r.res)._ga_good.value).value, gaId, 'a new browser takes the click id as its ga_id cookie')
    const [click] = await sql`select * from events where event_type = 'link_click' and click_id = ${gaId}`
    t.ok(click, 'committed before the answer')
    t.equal(click.link_id, link.id)
    const [counter] = await sql`select total_clicks::int as n from links where id = ${link.id}`
    t.equal(counter.n, 1)
    // A cross-site page cannot send the cookie: it sends the ga_id it was given.
    const id = uuid()
    const pv = await post(app, { event_id: id, url: `${PAGE}/promo?via=partner1`, ga_id: gaId })
    t.equal(pv.status, 200)
    const [ev] = await byEventId(id)
    t.equal(ev.ga_id, click.ga_id, 'the pageview joins the click\'s browser')
    const missing = await post(app, { key: 'nope404', url: PAGE }, { path: '/ga/t/click' })
    t.equal(missing.status, 404)
    t.equal(missing.json.code, 'LINK_NOT_FOUND')
  })
})
