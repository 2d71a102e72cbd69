// GDPR forget (issue 3 item 5): after DELETE /ga/api/visitors/:id no text or jsonb column of any
// table in the schema holds the person's email, external id or cookie ids; events and sessions are
// gone; dispatch context is cleared; the cookie ids resolve to a fresh visitor; a repeat answers 204.
import t from 'tap'
import { build, SCHEMA } from '../helper.js'
import { call, event, identify, resolve } from './util.js'

t.test('forget leaves no PII behind', async t => {
  const { app, auth, database } = await build(t)
  const c = { app, auth }
  const sql = database.sql
  const WS = '00000000-0000-0000-0000-000000000000'
  await sql`insert into settings (workspace_id, key, value) values (${WS}, 'connector:meta', ${sql.json({ enabled: true })})`

  const EMAIL = 'forget.me@example.com'
  const older = await resolve(c, { ga_id: 'forget-ga-old', anonymous_id: 'forget-anon-old', fingerprint: 'forget-fp', url: 'https://shop.example/?fbclid=FBCLIDforget' })
  const newer = await resolve(c, { ga_id: 'forget-ga-new', person_external_id: 'forget-ext' })
  await event(c, { event_type: 'pageview', visitor_id: newer.id, url: 'https://shop.example/private?email=forget.me@example.com' })
  await identify(c, newer.id, { person_email: EMAIL, person_phone: '+15550001', person_name: 'Forget Me' })
  const merged = await identify(c, older.id, { person_email: EMAIL })
  t.equal(merged.body.id, older.id, 'newer merged into older')
  const sale = await call(c, 'POST', '/ga/api/conversions/sale', { visitor_id: older.id, amount_cents: 100, currency: 'USD', connector_signals: { _fbc: 'fb.1.1.FBCLIDforget' }, idempotency_key: 'forget-order' })
  t.equal(sale.body.dispatches.length, 1)
  t.ok((await sql`select 1 from sessions where ga_id = ${newer.id}`).length > 0, 'the pageview opened a session of the visitor\'s browser')

  const del = await call(c, 'DELETE', `/ga/api/visitors/${newer.id}`)
  t.equal(del.status, 204, 'a merged id forgets the person it became')

  const needles = [EMAIL, 'forget-ext', 'forget-ga-old', 'forget-ga-new', 'forget-anon-old', 'forget-fp', 'FBCLIDforget', '+15550001', 'Forget Me']
  const columns = await sql<Array<{ table_name: string, column_name: string, data_type: string }>>`
    select c.table_name, c.column_name, c.data_type from information_schema.columns c
    join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name and tb.table_type = 'BASE TABLE'
    where c.table_schema = ${SCHEMA} and (c.data_type in ('text', 'jsonb', 'json', 'character varying') or c.udt_name in ('_text', '_varchar'))`
  t.ok(columns.length > 20, 'scans many columns')
  const hits: string[] = []
  for (const col of columns) {
    for (const needle of needles) {
      const [row] = await sql`select count(*)::int as n from ${sql(col.table_name)} where ${sql(col.column_name)}::text ilike ${'%' + needle + '%'}`
      if (row.n > 0) hits.push(`${col.table_name}.${col.column_name} ∋ ${needle}`)
    }
  }
  t.same(hits, [], 'no PII left anywhere')

  t.equal((await sql`select count(*)::int as n from events`)[0].n, 0, 'events of every browser of the person deleted')
  t.equal((await sql`select count(*)::int as n from sessions`)[0].n, 0, 'sessions deleted')
  t.equal((await sql`select count(*)::int as n from visitor_browsers where visitor_id = any(${[older.id, newer.id]}::uuid[])`)[0].n, 0, 'browser mappings deleted')
  const [d] = await sql`select source_context, payload, visitor_id from connector_dispatches`
  t.same([d.source_context, d.payload], [null, null], 'dispatch context cleared')
  const [row] = await sql`select status, ltv_cents, first_seen_at from visitors where id = ${older.id}`
  t.equal(row.status, 'anonymous')
  t.equal(row.ltv_cents, 100, 'anonymous counters stay')

  const fresh = await resolve(c, { ga_id: 'forget-ga-old' })
  t.not(fresh.id, older.id, 'the cookie id resolves to a new visitor')
  t.equal((await call(c, 'GET', '/ga/api/visitors/by-external-id/forget-ext')).status, 404)
  t.equal((await call(c, 'DELETE', `/ga/api/visitors/${older.id}`)).status, 204, 'repeat: 204 (documented)')
  t.equal((await call(c, 'DELETE', '/ga/api/visitors/0190a000-0000-7000-8000-00000000dead')).status, 404, 'never seen: 404')
})
