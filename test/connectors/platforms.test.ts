// Each platform end to end: a conversion through the API plans a dispatch, one worker tick sends
// it to the platform's fake (reached through GA_*_API_BASE), which checks the request the way
// the platform would; the dispatch ends delivered with its attempt stored.
import { createHash } from 'node:crypto'
import t from 'tap'
import { runDeliveryTick } from '../../src/connectors/plugin.js'
import { call, convert, dispatchRow, enable, setup, SIGNALS } from './util.js'

const sha = (s: string): string => createHash('sha256').update(s).digest('hex')

t.test('every platform receives the exact request and the dispatch is delivered', async (t) => {
  const { c, app, fakes } = await setup(t, ['meta', 'google', 'linkedin', 'tiktok', 'webhook'])
  for (const type of ['meta', 'google', 'linkedin', 'tiktok']) await enable(c, type)
  await enable(c, 'webhook', {}, `${fakes.webhook?.baseUrl ?? ''}/hooks/ga`)
  const sale = await convert(c, 'sale', { properties: { order_id: 'ORD-9' } })
  t.same(sale.dispatches.map((d) => d.connector).sort(), ['google', 'linkedin', 'meta', 'tiktok', 'webhook'])

  const tick = await runDeliveryTick(app)
  t.match(tick, { claimed: 5, delivered: 5, failed: 0, permanentlyFailed: 0 })
  const rows = new Map<string, Record<string, any>>() // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const d of sale.dispatches) rows.set(d.connector, await dispatchRow(app, d.id))

  for (const [kind, fake] of Object.entries(fakes)) {
    t.equal(fake.requests.length, 1, `${kind}: one request`)
    t.same(fake.requests[0].problems, [], `${kind}: accepted by the fake`)
  }
  const meta = fakes.meta?.requests[0]
  t.equal(meta?.path, '/v24.0/1234567890/events')
  t.equal(meta?.headers.authorization, 'Bearer meta-token')
  const metaEvent = (meta?.body as any).data[0] // eslint-disable-line @typescript-eslint/no-explicit-any
  t.match(metaEvent, { event_name: 'Purchase', event_id: rows.get('meta')?.connector_event_id, custom_data: { value: 49, currency: 'EUR', order_id: 'ORD-9' } })
  t.equal(metaEvent.user_data.fbp, SIGNALS._fbp)
  t.match(metaEvent.user_data.fbc, new RegExp(`^fb\\.1\\.\\d{13}\\.${SIGNALS.fbclid}$`))
  const [visitor] = await app.database.sql`select person_email from visitors where id = ${rows.get('meta')?.visitor_id}`
  t.same(metaEvent.user_data.em, [sha(String(visitor.person_email).trim().toLowerCase())], 'email normalised and hashed the Meta way')

  const tiktok = fakes.tiktok?.requests[0]
  t.equal(tiktok?.headers['access-token'], 'tiktok-token')
  t.match(tiktok?.body, { data: [{ event: 'CompletePayment', event_id: rows.get('tiktok')?.connector_event_id }] })

  const linkedin = fakes.linkedin?.requests[0]
  t.equal(linkedin?.headers['x-restli-method'], 'BATCH_CREATE')
  t.match(linkedin?.body, { elements: [{ eventId: rows.get('linkedin')?.connector_event_id, conversionValue: { amount: '49.00', currencyCode: 'EUR' } }] })

  const google = fakes.google?.requests[0]
  t.equal(google?.path, '/v1/events:ingest')
  t.match(google?.body, { events: [{ transactionId: rows.get('google')?.connector_event_id, adIdentifiers: { gclid: SIGNALS.gclid } }] })

  const hook = fakes.webhook?.requests[0]
  t.equal(hook?.headers['webhook-id'], `msg_${String(rows.get('webhook')?.connector_event_id)}`)
  t.match(hook?.body, { type: 'conversion.sale', data: { amount_cents: 4900, currency: 'EUR', order_id: 'ORD-9' } })

  for (const [type, row] of rows) {
    t.equal(row.status, 'delivered', `${type} delivered`)
    t.equal(row.attempts, 1)
    t.ok(row.delivered_at instanceof Date)
  }
  const detail = await call(c, 'GET', `/ga/api/dispatches/${sale.dispatches[0].id}`)
  t.match(detail.body, { status: 'delivered', attempt_log: [{ attempt: 1, outcome: 'delivered', http_status: Number }] })
  t.notMatch(JSON.stringify(detail.body), /meta-token|tiktok-token|linkedin-token|google-token/)

  const again = await runDeliveryTick(app)
  t.equal(again.claimed, 0, 'nothing left to deliver')

  const list = await call(c, 'GET', '/ga/api/dispatches?status=delivered&connector=meta&limit=10')
  t.equal(list.status, 200, JSON.stringify(list.body))
  t.equal(list.body.dispatches?.length, 1)
  t.same([list.body.limit, list.body.offset], [10, 0])
})

t.test('batches per workspace+connector in one request', async (t) => {
  const { c, app, fakes } = await setup(t, ['meta'])
  await enable(c, 'meta')
  for (let i = 0; i < 3; i++) await convert(c, 'lead')
  const tick = await runDeliveryTick(app)
  t.match(tick, { claimed: 3, delivered: 3 })
  t.equal(fakes.meta?.requests.length, 1)
  t.equal((fakes.meta?.requests[0].body as { data: unknown[] }).data.length, 3)
})
