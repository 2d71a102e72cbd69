// Issue 14 item 2: conversions from the browser are not trusted like conversions from a backend.
// Guards that a forged beacon sale is refused (403) unless the publishable key allows client sales,
// that beacon leads and sales need an allowed Origin, that what is accepted is stored with trust
// "client" and reaches neither the (fake, local) ad platforms nor ltv/link revenue unless the
// workspace opts in per connector / for revenue, and that server-side conversions are unchanged.
import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { createApiKey } from '../../src/auth/service.js'
import { runDeliveryTick, runReconciliation } from '../../src/connectors/plugin.js'
import { call, enable, setup, WS } from '../connectors/util.js'
import { beacon, beaconEvent, cookieJar, type Json } from './beacon-util.js'

const PAGE = 'https://shop.example.com'
const LINK_HOST = 'go.example.com'
const ADMIN = 'admin-token-0123456789abcdef0123456789'
const SIGNALS = { gclid: 'Cj0KCQiA_client-gclid', _fbp: 'fb.1.1767000000000.1234567890' }

t.test('client-side conversions', async t => {
  const { app, database, config, fakes, c } = await setup(t, ['meta', 'google'], { env: { GA_ADMIN_TOKEN: ADMIN, GA_LINK_DOMAINS: LINK_HOST } })
  const sql = database.sql
  const admin = { authorization: `Bearer ${ADMIN}` }
  await enable(c, 'meta')
  await enable(c, 'google')
  const { key: pk, row: pkRow } = await createApiKey(database.db, config.secret, { workspaceId: WS, name: 'site', type: 'publishable', allowedOrigins: [PAGE] })
  const { key: salesPk } = await createApiKey(database.db, config.secret, { workspaceId: WS, name: 'checkout', type: 'publishable', allowedOrigins: [PAGE], allowClientSales: true })
  const fromPage = { origin: PAGE }

  const totals = async (): Promise<Json> => (await sql`select
      (select count(*)::int from events) as events,
      (select count(*)::int from visitors) as visitors,
      (select count(*)::int from connector_dispatches) as dispatches,
      (select coalesce(sum(ltv_cents), 0)::int from visitors) as ltv,
      (select count(*)::int from event_keys) as keys`)[0]
  const platformRequests = (): number => (fakes.meta?.requests.length ?? 0) + (fakes.google?.requests.length ?? 0)
  const deliverAll = async (): Promise<void> => { await runReconciliation(app); await runDeliveryTick(app) }

  // A visitor who came through a short link (so link revenue can be watched) and holds its cookies.
  const link = await call(c, 'POST', '/ga/api/links', { url: `${PAGE}/promo`, key: 'sec-promo', domain: LINK_HOST })
  t.equal(link.status, 201, JSON.stringify(link.body))
  const click = await beacon(app, { key: 'sec-promo', url: `${PAGE}/promo?via=sec-promo`, pk }, { ...fromPage, host: LINK_HOST }, '/ga/t/click')
  t.equal(click.status, 200, JSON.stringify(click.json))
  const jar = cookieJar(click.res)
  const visitorOf = async (clientEventId: string): Promise<string> => (await beaconEvent(sql, clientEventId))?.visitor_id
  const linkRow = async (): Promise<Json> => (await sql`select total_leads::int, total_sales::int, total_revenue_cents::int from links where id = ${link.body.id}`)[0]
  let lastSale = ''
  const conversion = (type: 'lead' | 'sale', extra: Json = {}): Json => ({
    event_type: type, event_id: crypto.randomUUID(), url: `${PAGE}/thanks`, ...SIGNALS,
    ...(type === 'sale' ? { amount_cents: 99_900, currency: 'EUR' } : {}), ...extra
  })

  await t.test('a forged public beacon sale is refused (403) and nothing is stored', async t => {
    const before = await totals()
    const cases: Array<[string, Json, Record<string, string>]> = [
      ['no pk, no Origin (default workspace)', conversion('sale'), {}],
      ['no pk, with a cookie', conversion('sale'), { cookie: jar }],
      ['a key without client sales, no Origin', conversion('sale', { pk }), {}],
      ['a key without client sales, from its own page', conversion('sale', { pk }), { ...fromPage, cookie: jar }],
      ['a key without client sales, reconcile_only', conversion('sale', { pk, reconcile_only: true }), fromPage]
    ]
    for (const [name, body, headers] of cases) {
      const r = await beacon(app, body, headers)
      t.equal(r.status, 403, name)
      t.equal(r.json.code, 'CLIENT_SALE_NOT_ALLOWED', name)
      t.match(r.json.error, /backend/, `${name}: the error says what to do`)
      t.equal(r.res.headers['set-cookie'], undefined, `${name}: no cookies minted`)
    }
    t.same(await totals(), before, 'no event, visitor, key, dispatch or ltv')
    t.same(await linkRow(), { total_leads: 0, total_sales: 0, total_revenue_cents: 0 })
    await deliverAll()
    t.equal(platformRequests(), 0, 'nothing reached an ad platform')
  })

  await t.test('a beacon lead or sale without an allowed Origin is refused', async t => {
    const before = await totals()
    const cases: Array<[string, Json, Record<string, string>, number, string]> = [
      ['lead without Origin', conversion('lead', { pk }), { cookie: jar }, 403, 'CONVERSION_ORIGIN_REQUIRED'],
      ['lead without pk or Origin', conversion('lead'), {}, 403, 'CONVERSION_ORIGIN_REQUIRED'],
      ['lead from the collector\'s own origin', conversion('lead', { pk }), { host: 't.example.com', origin: 'http://t.example.com' }, 403, 'CONVERSION_ORIGIN_REQUIRED'],
      ['lead from another site', conversion('lead', { pk }), { origin: 'https://evil.test' }, 403, 'ORIGIN_NOT_ALLOWED'],
      ['sale without Origin on a key allowing client sales', conversion('sale', { pk: salesPk }), {}, 403, 'CONVERSION_ORIGIN_REQUIRED'],
      ['sale from another site on a key allowing client sales', conversion('sale', { pk: salesPk }), { origin: 'https://evil.test' }, 403, 'ORIGIN_NOT_ALLOWED']
    ]
    for (const [name, body, headers, status, code] of cases) {
      const r = await beacon(app, body, headers)
      t.equal(r.status, status, name)
      t.equal(r.json.code, code, name)
    }
    t.same(await totals(), before, 'nothing stored')
    const pageview = await beacon(app, { event_type: 'pageview', url: `${PAGE}/p`, pk })
    t.equal(pageview.status, 200, 'a pageview still needs no Origin')
  })

  await t.test('accepted client leads and sales: trust client, no dispatch, no ltv or link revenue', async t => {
    const lead = conversion('lead', { pk })
    const sale = conversion('sale', { pk: salesPk })
    t.equal((await beacon(app, lead, { ...fromPage, cookie: jar })).status, 200)
    t.equal((await beacon(app, sale, { ...fromPage, cookie: jar })).status, 200)
    lastSale = sale.event_id
    const rows = [await beaconEvent(sql, lead.event_id), await beaconEvent(sql, sale.event_id)] as Json[]
    t.same(rows.map(r => [r.event_type, r.trust]), [['lead', 'client'], ['sale', 'client']])
    t.equal(Number(rows[1].amount_cents), 99_900, 'the amount is kept on the event')
    t.equal((await sql`select count(*)::int as n from connector_dispatches`)[0].n, 0, 'no dispatch planned')
    await deliverAll()
    t.equal((await sql`select count(*)::int as n from connector_dispatches`)[0].n, 0, 'nor by the reconciler')
    t.equal(platformRequests(), 0, 'no ad platform was called')
    const [v] = await sql`select ltv_cents::int, status from visitors where id = ${await visitorOf(sale.event_id)}`
    t.equal(v.ltv_cents, 0, 'no ltv')
    t.same(await linkRow(), { total_leads: 1, total_sales: 1, total_revenue_cents: 0 }, 'counted on the link, without revenue')
    const listed = await app.inject({ method: 'GET', url: '/ga/api/events?event_type=sale', headers: c.auth })
    const events = listed.json()
    const list: Json[] = Array.isArray(events) ? events : events.events
    t.equal(list.find(e => e.id !== undefined && e.amount_cents === 99_900)?.trust, 'client', 'the API shows trust')
  })

  await t.test('server-side conversions are unchanged: trust server, dispatched, in revenue', async t => {
    const visitorId = await visitorOf(lastSale)
    const r = await call(c, 'POST', '/ga/api/conversions/sale', { visitor_id: visitorId, amount_cents: 5000, currency: 'EUR', connector_signals: SIGNALS })
    t.equal(r.status, 201, JSON.stringify(r.body))
    t.same(r.body.dispatches.map((d: Json) => d.connector).sort(), ['google', 'meta'])
    t.equal((await sql`select trust from events where id = ${r.body.event_id}`)[0].trust, 'server')
    t.equal((await sql`select ltv_cents::int from visitors where id = ${visitorId}`)[0].ltv_cents, 5000)
    t.same(await linkRow(), { total_leads: 1, total_sales: 2, total_revenue_cents: 5000 })
    await runDeliveryTick(app)
    t.equal(fakes.meta?.requests.filter(q => q.accepted).length, 1, 'meta received the server sale')
    t.equal(fakes.google?.requests.filter(q => q.accepted).length, 1, 'google received the server sale')
  })

  await t.test('opt-in per connector: client conversions reach only the connectors that accept them', async t => {
    const put = await call(c, 'PUT', '/ga/api/connectors/meta', { config: { accept_client_conversions: true } })
    t.equal(put.status, 200, JSON.stringify(put.body))
    t.equal(put.body.config.accept_client_conversions, true)
    const listed = await call(c, 'GET', '/ga/api/connectors')
    t.same(listed.body.connectors.filter((x: Json) => ['meta', 'google'].includes(x.type)).map((x: Json) => [x.type, x.config.accept_client_conversions]).sort(),
      [['google', false], ['meta', true]])
    const metaBefore = fakes.meta?.requests.length ?? 0
    const googleBefore = fakes.google?.requests.length ?? 0
    const sale = conversion('sale', { pk: salesPk })
    t.equal((await beacon(app, sale, { ...fromPage, cookie: jar })).status, 200)
    const ev = await beaconEvent(sql, sale.event_id) as Json
    t.same((await sql`select connector from connector_dispatches where event_id = ${ev.id}`).map(r => r.connector), ['meta'])
    await deliverAll()
    t.same((await sql`select connector from connector_dispatches where event_id = ${ev.id}`).map(r => r.connector), ['meta'], 'the reconciler adds no google dispatch')
    t.equal((fakes.meta?.requests.length ?? 0) - metaBefore, 1, 'meta received the client sale')
    t.equal((fakes.google?.requests.length ?? 0) - googleBefore, 0, 'google did not')
    t.equal((await sql`select ltv_cents::int from visitors where id = ${await visitorOf(sale.event_id)}`)[0].ltv_cents, 5000, 'still no revenue: that is a separate opt-in')
  })

  await t.test('revenue opt-in: count_client_revenue', async t => {
    const view = await call(c, 'GET', '/ga/api/trust')
    t.same(view.body, { count_client_revenue: false, identity_secret_set: false, identity_secret_created_at: null })
    const on = await app.inject({ method: 'PATCH', url: '/ga/api/trust', headers: c.auth, payload: { count_client_revenue: true } })
    t.equal(on.statusCode, 200, on.body)
    t.equal(on.json().count_client_revenue, true)
    const sale = conversion('sale', { pk: salesPk, amount_cents: 700 })
    t.equal((await beacon(app, sale, { ...fromPage, cookie: jar })).status, 200)
    t.equal((await sql`select ltv_cents::int from visitors where id = ${await visitorOf(sale.event_id)}`)[0].ltv_cents, 5700, 'the opted-in client sale adds ltv')
    t.same(await linkRow(), { total_leads: 1, total_sales: 4, total_revenue_cents: 5700 }, 'and link revenue')
    const off = await app.inject({ method: 'PATCH', url: '/ga/api/trust', headers: c.auth, payload: { count_client_revenue: false } })
    t.equal(off.json().count_client_revenue, false)
  })

  await t.test('the key setting is managed where keys are: admin API (and shown in lists)', async t => {
    const listed = await app.inject({ method: 'GET', url: `/ga/admin/workspaces/${WS}/api-keys`, headers: admin })
    const mine = listed.json().api_keys.find((k: Json) => k.id === pkRow.id)
    t.equal(mine.allow_client_sales, false, 'off by default')
    const patched = await app.inject({ method: 'PATCH', url: `/ga/admin/api-keys/${pkRow.id}`, headers: admin, payload: { allow_client_sales: true } })
    t.equal(patched.statusCode, 200, patched.body)
    t.equal(patched.json().allow_client_sales, true)
    t.equal((await beacon(app, conversion('sale', { pk }), { ...fromPage, cookie: jar })).status, 200, 'takes effect at once')
    await app.inject({ method: 'PATCH', url: `/ga/admin/api-keys/${pkRow.id}`, headers: admin, payload: { allow_client_sales: false } })
    t.equal((await beacon(app, conversion('sale', { pk }), { ...fromPage, cookie: jar })).status, 403, 'and can be switched off again')
    const created = await app.inject({ method: 'POST', url: `/ga/admin/workspaces/${WS}/api-keys`, headers: admin, payload: { name: 'shop2', type: 'publishable', allowed_origins: [PAGE], allow_client_sales: true } })
    t.equal(created.statusCode, 201, created.body)
    t.equal(created.json().allow_client_sales, true)
  })

  await t.test('bad input: a clear 4xx and nothing changes', async t => {
    const secretKey = (await sql`select id from api_keys where type = 'secret' limit 1`)[0].id
    const cases: Array<[string, () => Promise<LightMyRequestResponse>, number, string]> = [
      ['client sales on a secret key', async () => await app.inject({ method: 'PATCH', url: `/ga/admin/api-keys/${secretKey}`, headers: admin, payload: { allow_client_sales: true } }), 422, 'VALIDATION_FAILED'],
      ['create a secret key with client sales', async () => await app.inject({ method: 'POST', url: `/ga/admin/workspaces/${WS}/api-keys`, headers: admin, payload: { name: 'x', type: 'secret', allow_client_sales: true } }), 422, 'VALIDATION_FAILED'],
      ['empty key patch', async () => await app.inject({ method: 'PATCH', url: `/ga/admin/api-keys/${pkRow.id}`, headers: admin, payload: {} }), 422, 'VALIDATION_FAILED'],
      ['not a boolean', async () => await app.inject({ method: 'PATCH', url: `/ga/admin/api-keys/${pkRow.id}`, headers: admin, payload: { allow_client_sales: 'yes' } }), 422, 'VALIDATION_FAILED'],
      ['unknown key', async () => await app.inject({ method: 'PATCH', url: '/ga/admin/api-keys/00000000-0000-7000-8000-000000000999', headers: admin, payload: { allow_client_sales: true } }), 404, 'NOT_FOUND'],
      ['connector opt-in not a boolean', async () => await app.inject({ method: 'PUT', url: '/ga/api/connectors/google', headers: c.auth, payload: { config: { accept_client_conversions: 'yes' } } }), 422, 'VALIDATION_FAILED'],
      ['revenue opt-in not a boolean', async () => await app.inject({ method: 'PATCH', url: '/ga/api/trust', headers: c.auth, payload: { count_client_revenue: 1 } }), 422, 'VALIDATION_FAILED'],
      ['trust settings with a publishable key', async () => await app.inject({ method: 'PATCH', url: '/ga/api/trust', headers: { authorization: `Bearer ${pk}` }, payload: { count_client_revenue: true } }), 403, 'FORBIDDEN']
    ]
    const keysBefore = await sql`select id, allow_client_sales from api_keys order by id`
    const settingsBefore = await sql`select key, value from settings order by key`
    for (const [name, send, status, code] of cases) {
      const res = await send()
      t.equal(res.statusCode, status, `${name}: ${res.body}`)
      t.equal(res.json().code, code, name)
      t.type(res.json().error, 'string', name)
    }
    t.same(await sql`select id, allow_client_sales from api_keys order by id`, keysBefore, 'no key changed')
    t.same(await sql`select key, value from settings order by key`, settingsBefore, 'no setting changed')
  })
})
