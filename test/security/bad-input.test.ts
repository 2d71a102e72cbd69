// Issue 14, "bad input that must get a clear 4xx and change nothing":
//   a sale or lead with amount_cents but no currency (201 on 3e68a40) → 422;
//   an idempotency key with control characters (accepted on 3e68a40) → 422;
//   POST /:key on a link without a password (a 302 on 3e68a40) → 405.
import t from 'tap'
import { build } from '../helper.js'
import { inject } from './util.js'

t.test('bad input gets a clear 4xx and changes nothing', async t => {
  const { app, auth, database } = await build(t, { env: { GA_LINK_DOMAINS: 'go.example.com' } })
  const count = async (): Promise<number> => (await database.sql`select count(*)::int as n from events`)[0].n as number
  const visitor = (await inject(app, 'POST', '/ga/api/visitors/resolve', { headers: auth, body: { ga_id: 'bad-input-visitor' } })).json

  const before = await count()
  for (const [url, body] of [
    ['/ga/api/events', { event_type: 'sale', visitor_id: visitor.id, amount_cents: 4900 }],
    ['/ga/api/events', { event_type: 'lead', visitor_id: visitor.id, amount_cents: 100 }],
    ['/ga/api/conversions/sale', { visitor_id: visitor.id, amount_cents: 4900 }],
    ['/ga/api/conversions/lead', { visitor_id: visitor.id, amount_cents: 100 }]
  ] as const) {
    const res = await inject(app, 'POST', url, { headers: auth, body })
    t.equal(res.status, 422, `${url} ${JSON.stringify(body)}`)
    t.equal(res.json.code, 'VALIDATION_FAILED')
    t.equal(res.json.errors.currency, 'is required when amount_cents is given')
  }
  t.equal((await inject(app, 'POST', '/ga/api/events', { headers: auth, body: { event_type: 'sale', visitor_id: visitor.id, amount_cents: 4900, currency: 'eur' } })).status, 201, 'with its currency it is fine')

  for (const key of ['order-1\u0001', 'order-1\n', 'order\u0000-1', 'order-1\u0085']) {
    const res = await inject(app, 'POST', '/ga/api/events', { headers: auth, body: { event_type: 'custom', visitor_id: visitor.id, idempotency_key: key } })
    t.equal(res.status, 422, JSON.stringify(key))
    t.equal(res.json.code, 'VALIDATION_FAILED')
    t.ok(res.json.errors?.idempotency_key, 'names idempotency_key')
  }
  t.equal(await count(), before + 1, 'only the valid sale was recorded')

  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', key: 'open' } })).status, 201)
  const post = await app.inject({ method: 'POST', url: '/open', headers: { host: 'go.example.com', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'password=x' })
  t.equal(post.statusCode, 405)
  t.equal(post.headers.allow, 'GET, HEAD')
  t.same(post.json(), { error: 'This link has no password: follow it with GET', code: 'METHOD_NOT_ALLOWED' })
  t.equal(post.headers.location, undefined, 'no redirect')
  await app.links.flushClicks()
  const [link] = await database.sql`select total_clicks::int as n from links where key = 'open'`
  t.equal(link.n, 0, 'no click counted')
})
