// The events API (issue 3 item 7): visitor selection (visitor_id wins, never creates), every bad
// input of the issue answered 404/422 with nothing written, idempotency (200 same id, 409 other
// body, exactly one event for 20 concurrent requests), batches (201/207, 0 and 101 → 422), list filters.
import t from 'tap'
import { build } from '../helper.js'
import { call, event, resolve } from '../identity/util.js'

t.test('events API', async t => {
  const { app, auth, database } = await build(t)
  const c = { app, auth }
  const sql = database.sql
  const count = async (): Promise<number> => (await sql`select count(*)::int as n from events`)[0].n
  const v = await resolve(c, { ga_id: 'ev-ga', anonymous_id: 'ev-anon' })
  const other = await resolve(c, { person_external_id: 'ev-person' })

  await t.test('selection: visitor_id wins over person_external_id', async t => {
    const r = await event(c, { event_type: 'custom', event_name: 'x', visitor_id: v.id, person_external_id: 'ev-person' })
    t.equal(r.status, 201)
    const [row] = await sql`select m.visitor_id from events e left join visitor_browsers m on m.workspace_id = e.workspace_id and m.ga_id = e.ga_id::text where e.id = ${r.body.event_id}`
    t.equal(row.visitor_id, v.id)
  })

  await t.test('selection by person_external_id, ga_id, anonymous_id', async t => {
    for (const [body, want] of [[{ person_external_id: 'ev-person' }, other.id], [{ ga_id: 'ev-ga' }, v.id], [{ anonymous_id: 'ev-anon' }, v.id]] as const) {
      const r = await event(c, { event_type: 'pageview', ...body })
      t.equal(r.status, 201, JSON.stringify(body))
      t.equal((await sql`select m.visitor_id from events e left join visitor_browsers m on m.workspace_id = e.workspace_id and m.ga_id = e.ga_id::text where e.id = ${r.body.event_id}`)[0].visitor_id, want)
    }
  })

  await t.test('never creates visitors', async t => {
    const visitors = (await sql`select count(*)::int as n from visitors`)[0].n
    const before = await count()
    const cases: Array<[string, Record<string, unknown>, number]> = [
      ['unknown visitor_id', { visitor_id: '0190a000-0000-7000-8000-00000000beef' }, 404],
      ['non-UUID visitor_id', { visitor_id: 'not-a-uuid' }, 404],
      ['unknown external id', { person_external_id: 'nobody' }, 404],
      ['unknown ga_id', { ga_id: 'no-such-ga' }, 404],
      ['no selector', {}, 422]
    ]
    for (const [name, body, status] of cases) {
      const r = await event(c, { event_type: 'pageview', ...body })
      t.equal(r.status, status, name)
      if (status === 404) t.equal(r.body.error, 'Visitor not found')
    }
    t.equal(await count(), before)
    t.equal((await sql`select count(*)::int as n from visitors`)[0].n, visitors)
  })

  await t.test('a browsing event for a browser id needs no visitor; a lead for one makes its visitor', async t => {
    const browser = '0190a000-0000-7000-8000-00000000b0b0'
    const visitors = (await sql`select count(*)::int as n from visitors`)[0].n
    const view = await event(c, { event_type: 'pageview', ga_id: browser, url: 'https://shop.example/?utm_source=news' })
    t.equal(view.status, 201)
    t.equal((await sql`select count(*)::int as n from visitors`)[0].n, visitors, 'a pageview makes no visitor')
    const [row] = await sql`select ga_id, session_id, source_platform from events where id = ${view.body.event_id}`
    t.same([row.ga_id, row.source_platform], [browser, 'news'])
    t.not(row.session_id, null, 'with its session')
    const fresh = '0190a000-0000-7000-8000-00000000b0b1'
    const lead = await call(c, 'POST', '/ga/api/conversions/lead', { ga_id: fresh })
    t.equal(lead.status, 201, 'a lead for a browser with no events yet')
    const [mapped] = await sql`select visitor_id from visitor_browsers where ga_id = ${fresh}`
    t.ok(mapped?.visitor_id, 'its visitor exists and owns the browser')
    t.equal((await sql`select status from visitors where id = ${mapped.visitor_id}`)[0].status, 'lead')
    const sale = await call(c, 'POST', '/ga/api/conversions/sale', { ga_id: browser, amount_cents: 500, currency: 'EUR' })
    t.equal(sale.status, 201)
    const owner = (await sql`select visitor_id from visitor_browsers where ga_id = ${browser}`)[0].visitor_id
    const profile = (await call(c, 'GET', `/ga/api/visitors/${owner}`)).body
    t.match(profile, { status: 'customer', ltv_cents: 500, total_pageviews: 1, total_events: 2, first_source: { platform: 'news' } }, 'its first source comes from the browser\'s earlier pageview')
  })

  await t.test('bad input: 422 naming the field, nothing written', async t => {
    const before = await count()
    const longAgo = new Date(Date.now() - 8 * 86_400_000).toISOString()
    const ahead = new Date(Date.now() + 10 * 60_000).toISOString()
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['amount -1', { event_type: 'sale', amount_cents: -1 }, 'amount_cents'],
      ['amount 1.5', { event_type: 'sale', amount_cents: 1.5 }, 'amount_cents'],
      ['amount "100"', { event_type: 'sale', amount_cents: '100' }, 'amount_cents'],
      ['amount 1e20', { event_type: 'sale', amount_cents: 1e20 }, 'amount_cents'],
      ['currency XXX', { event_type: 'sale', amount_cents: 1, currency: 'XXX' }, 'currency'],
      ['currency EURO', { event_type: 'sale', amount_cents: 1, currency: 'EURO' }, 'currency'],
      ['nested properties', { event_type: 'custom', properties: { a: { b: 1 } } }, 'properties'],
      ['51 properties', { event_type: 'custom', properties: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, 'properties'],
      ['occurred_at 8 days ago', { event_type: 'pageview', occurred_at: longAgo }, 'occurred_at'],
      ['occurred_at 10 minutes ahead', { event_type: 'pageview', occurred_at: ahead }, 'occurred_at'],
      ['idempotency_key of 256', { event_type: 'pageview', idempotency_key: 'k'.repeat(256) }, 'idempotency_key'],
      ['unknown event_type', { event_type: 'api_request' }, 'event_type'],
      ['url not http', { event_type: 'pageview', url: 'javascript:alert(1)' }, 'url']
    ]
    for (const [name, body, field] of cases) {
      const r = await event(c, { visitor_id: v.id, ...body })
      t.equal(r.status, 422, name)
      t.equal(r.body.code, 'VALIDATION_FAILED', name)
      t.ok(Object.keys(r.body.errors ?? {}).some(k => k.startsWith(field)), `${name} names ${field}: ${JSON.stringify(r.body)}`)
    }
    t.equal(await count(), before)
  })

  await t.test('currency is normalised, amounts count on the visitor', async t => {
    const r = await event(c, { event_type: 'sale', visitor_id: other.id, amount_cents: 1250, currency: 'usd' })
    t.equal(r.status, 201)
    const [row] = await sql`select currency, amount_cents from events where id = ${r.body.event_id}`
    t.same([row.currency, row.amount_cents], ['USD', 1250])
    const [vis] = await sql`select ltv_cents, status, converted_at from visitors where id = ${other.id}`
    t.equal(vis.ltv_cents, 1250)
    t.equal(vis.status, 'customer')
    t.ok(vis.converted_at)
  })

  await t.test('idempotency: same body 200 same id, different body 409', async t => {
    const body = { event_type: 'custom', event_name: 'signup', visitor_id: v.id, idempotency_key: 'idem-1' }
    const a = await event(c, body)
    t.equal(a.status, 201)
    const b = await event(c, body)
    t.equal(b.status, 200)
    t.equal(b.body.event_id, a.body.event_id)
    const d = await event(c, { ...body, event_name: 'other' })
    t.equal(d.status, 409)
    t.equal(d.body.code, 'IDEMPOTENCY_KEY_REUSED')
    t.equal((await sql`select count(*)::int as n from events e join event_keys k on k.event_id = e.id where k.key = 'idem-1'`)[0].n, 1)
  })

  await t.test('20 concurrent requests with one key: exactly one event', async t => {
    const body = { event_type: 'lead', visitor_id: v.id, idempotency_key: 'race-key' }
    const all = await Promise.all(Array.from({ length: 20 }, async () => await event(c, body)))
    const ids = new Set(all.map(r => r.body.event_id))
    t.equal(ids.size, 1)
    t.equal(all.filter(r => r.status === 201).length, 1)
    t.equal(all.filter(r => r.status === 200).length, 19)
    t.equal((await sql`select count(*)::int as n from events e join event_keys k on k.event_id = e.id where k.key = 'race-key'`)[0].n, 1)
  })

  await t.test('batch: 201 all ok, 207 mixed, 0 and 101 rejected', async t => {
    const ok = await call(c, 'POST', '/ga/api/events/batch', { events: [{ event_type: 'pageview', visitor_id: v.id }, { event_type: 'custom', visitor_id: v.id }] })
    t.equal(ok.status, 201)
    t.same(ok.body.results.map((r: { status: string }) => r.status), ['ok', 'ok'])
    const mixed = await call(c, 'POST', '/ga/api/events/batch', {
      events: [{ event_type: 'pageview', visitor_id: v.id }, { event_type: 'pageview', visitor_id: '0190a000-0000-7000-8000-00000000beef' }, { event_type: 'sale', visitor_id: v.id, amount_cents: -1 }]
    })
    t.equal(mixed.status, 207)
    t.same(mixed.body.results.map((r: { index: number, status: string }) => [r.index, r.status]), [[0, 'ok'], [1, 'error'], [2, 'error']])
    t.equal(mixed.body.results[1].error, 'Visitor not found')
    t.ok((await sql`select 1 from events where id = ${mixed.body.results[0].event_id}`).length === 1, 'the good item committed')
    t.equal((await call(c, 'POST', '/ga/api/events/batch', { events: [] })).status, 422)
    t.equal((await call(c, 'POST', '/ga/api/events/batch', { events: Array.from({ length: 101 }, () => ({ event_type: 'pageview', visitor_id: v.id })) })).status, 422)
    const dup = await call(c, 'POST', '/ga/api/events/batch', { events: [{ event_type: 'custom', visitor_id: v.id, idempotency_key: 'b-k' }, { event_type: 'custom', visitor_id: v.id, idempotency_key: 'b-k' }] })
    t.equal(dup.status, 201)
    t.equal(dup.body.results[0].event_id, dup.body.results[1].event_id, 'same key twice in one batch: one event')
  })

  await t.test('list with filters, newest first', async t => {
    const all = (await call(c, 'GET', '/ga/api/events?limit=200')).body.events
    t.ok(all.length > 5)
    const times = all.map((e: { occurred_at: string }) => Date.parse(e.occurred_at))
    t.same(times, [...times].sort((a: number, b: number) => b - a))
    const sales = (await call(c, 'GET', '/ga/api/events?event_type=sale')).body.events
    t.ok(sales.length >= 1 && sales.every((e: { event_type: string }) => e.event_type === 'sale'))
    const mine = (await call(c, 'GET', `/ga/api/events?visitor_id=${other.id}`)).body.events
    t.ok(mine.every((e: { visitor_id: string }) => e.visitor_id === other.id))
    const future = (await call(c, 'GET', `/ga/api/events?from=${new Date(Date.now() + 3_600_000).toISOString()}`)).body.events
    t.equal(future.length, 0)
    t.equal((await call(c, 'GET', '/ga/api/events?limit=2&offset=1')).body.events.length, 2)
    t.equal((await call(c, 'GET', '/ga/api/events?visitor_id=nope')).status, 422)
  })

  await t.test('an event for a merged visitor\'s id lands on the survivor', async t => {
    const a = await resolve(c, { ga_id: 'm-a' })
    const b = await resolve(c, { anonymous_id: 'm-b' })
    await resolve(c, { ga_id: 'm-a', anonymous_id: 'm-b' })
    const r = await event(c, { event_type: 'pageview', visitor_id: b.id })
    t.equal(r.status, 201)
    t.equal((await sql`select m.visitor_id from events e left join visitor_browsers m on m.workspace_id = e.workspace_id and m.ga_id = e.ga_id::text where e.id = ${r.body.event_id}`)[0].visitor_id, a.id)
  })
})
