// Conversions (issue 3 item 8): dispatch rows planned in the event's transaction, one per enabled
// connector whose signals are present (body signals merged with the visitor's stored ones), none
// with the kill switch off; visitor status/LTV and the last-clicked link's counters move.
import t from 'tap'
import { build } from '../helper.js'
import { call, identify, resolve } from '../identity/util.js'

const WS = '00000000-0000-0000-0000-000000000000'

t.test('conversions plan dispatches', async t => {
  const { app, auth, database } = await build(t)
  const c = { app, auth }
  const sql = database.sql
  await sql`insert into settings (workspace_id, key, value) values
    (${WS}, 'connector:meta', ${sql.json({ enabled: true })}),
    (${WS}, 'connector:google', ${sql.json({ enabled: true })}),
    (${WS}, 'connector:tiktok', ${sql.json({ enabled: false })})`

  await t.test('no signals: no dispatches', async t => {
    const v = await resolve(c, { ga_id: 'cv-none' })
    const r = await call(c, 'POST', '/ga/api/conversions/lead', { visitor_id: v.id })
    t.equal(r.status, 201)
    t.same(r.body.dispatches, [])
    t.equal((await sql`select status from visitors where id = ${v.id}`)[0].status, 'lead')
  })

  await t.test('stored gclid + body _fbp: google and meta, never disabled tiktok', async t => {
    const v = await resolve(c, { ga_id: 'cv-1', url: 'https://shop.example/?gclid=G-123' })
    const r = await call(c, 'POST', '/ga/api/conversions/sale', { visitor_id: v.id, amount_cents: 4200, currency: 'eur', connector_signals: { _fbp: 'fb.1.1700000000.1', ttclid: 'tt' } })
    t.equal(r.status, 201, JSON.stringify(r.body))
    t.same(r.body.dispatches.map((d: { connector: string }) => d.connector).sort(), ['google', 'meta'])
    t.ok(r.body.dispatches.every((d: { status: string }) => d.status === 'pending'))
    const rows = await sql`select * from connector_dispatches where event_id = ${r.body.event_id} order by connector`
    t.equal(rows.length, 2)
    t.match(rows[0].connector_event_id, /^google_[0-9a-f]{32}$/)
    t.equal(rows[0].visitor_id, v.id)
    t.same(rows[1].source_context.signals, { _fbp: 'fb.1.1700000000.1', ttclid: 'tt' })
    const [vis] = await sql`select status, ltv_cents, connector_identifiers from visitors where id = ${v.id}`
    t.same([vis.status, vis.ltv_cents, vis.connector_identifiers._fbp], ['customer', 4200, 'fb.1.1700000000.1'])
    const replay = await call(c, 'POST', '/ga/api/conversions/sale', { visitor_id: v.id, amount_cents: 4200, currency: 'eur', connector_signals: { _fbp: 'fb.1.1700000000.1', ttclid: 'tt' }, idempotency_key: 'order-1' })
    t.equal(replay.status, 201)
    const again = await call(c, 'POST', '/ga/api/conversions/sale', { visitor_id: v.id, amount_cents: 4200, currency: 'eur', connector_signals: { _fbp: 'fb.1.1700000000.1', ttclid: 'tt' }, idempotency_key: 'order-1' })
    t.equal(again.status, 200)
    t.equal(again.body.event_id, replay.body.event_id)
    t.same(again.body.dispatches.map((d: { id: string }) => d.id).sort(), replay.body.dispatches.map((d: { id: string }) => d.id).sort())
  })

  await t.test('email from identify satisfies meta', async t => {
    const v = await resolve(c, { ga_id: 'cv-mail' })
    await identify(c, v.id, { person_email: 'buyer@example.com' })
    const r = await call(c, 'POST', '/ga/api/conversions/lead', { visitor_id: v.id })
    t.same(r.body.dispatches.map((d: { connector: string }) => d.connector), ['meta'])
  })

  await t.test('events API leads plan too; bad sale input changes nothing', async t => {
    const v = await resolve(c, { ga_id: 'cv-ev', url: 'https://shop.example/?gclid=X' })
    const r = await call(c, 'POST', '/ga/api/events', { event_type: 'lead', visitor_id: v.id })
    t.equal(r.status, 201)
    t.equal((await sql`select count(*)::int as n from connector_dispatches where event_id = ${r.body.event_id}`)[0].n, 1)
    const before = (await sql`select count(*)::int as n from connector_dispatches`)[0].n
    t.equal((await call(c, 'POST', '/ga/api/conversions/sale', { visitor_id: v.id, amount_cents: -1 })).status, 422)
    t.equal((await call(c, 'POST', '/ga/api/conversions/sale', { visitor_id: 'nope' })).status, 404)
    t.equal((await sql`select count(*)::int as n from connector_dispatches`)[0].n, before)
  })

  await t.test('link counters of the last clicked link', async t => {
    const created = await call(c, 'POST', '/ga/api/links', { url: 'https://shop.example/landing', key: 'cv-link', domain: 'go.shop.example' })
    t.equal(created.status, 201, JSON.stringify(created.body))
    const link = created.body.id as string
    const browser = '0190a000-0000-7000-8000-00000000c11c'
    const v = await resolve(c, { ga_id: browser })
    await sql`insert into events (id, workspace_id, ga_id, event_type, link_id, occurred_at) values ('0190a000-0000-7000-8000-00000000111b', ${WS}, ${browser}, 'link_click', ${link}, now() - interval '1 minute')`
    await call(c, 'POST', '/ga/api/conversions/lead', { visitor_id: v.id })
    await call(c, 'POST', '/ga/api/conversions/sale', { visitor_id: v.id, amount_cents: 999, currency: 'USD' })
    const stats = await call(c, 'GET', `/ga/api/links/${link}/stats`)
    t.same([stats.body.total_leads, stats.body.total_sales, stats.body.total_revenue_cents], [1, 1, 999])
  })
})

t.test('kill switch: GA_CONNECTORS_ENABLED=false plans nothing', async t => {
  const { app, auth, database } = await build(t, { env: { GA_CONNECTORS_ENABLED: 'false' } })
  await database.sql`insert into settings (workspace_id, key, value) values (${WS}, 'connector:google', ${database.sql.json({ enabled: true })})`
  const v = await resolve({ app, auth }, { ga_id: 'ks', url: 'https://shop.example/?gclid=X' })
  const r = await call({ app, auth }, 'POST', '/ga/api/conversions/lead', { visitor_id: v.id })
  t.equal(r.status, 201)
  t.same(r.body.dispatches, [])
  t.equal((await database.sql`select count(*)::int as n from connector_dispatches`)[0].n, 0)
})
