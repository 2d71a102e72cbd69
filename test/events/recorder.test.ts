// The recorder as the beacons will call it (via 'beacon'): resolve signals may create the visitor,
// UA/IP/source enrichment lands on the event and the visitor, the client event id dedupes retries,
// and the prune job drops beacon keys after 24 h.
import t from 'tap'
import { build } from '../helper.js'
import { pruneEventKeys } from '../../src/events/keys-job.js'

const WS = '00000000-0000-0000-0000-000000000000'
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'

t.test('beacon path', async t => {
  const { app, database } = await build(t, { env: { GA_IP_MODE: 'truncate' } })
  const sql = database.sql
  const ctx = { ip: '8.8.8.8', userAgent: UA, pageHost: 'shop.example', via: 'beacon' as const }
  const input = {
    event_type: 'pageview',
    url: 'https://shop.example/landing?utm_source=news&utm_medium=email&fbclid=FB1',
    referrer: 'https://shop.example/previous',
    client_event_id: '4b0c6a3e-9a55-4c1e-8d0e-1f2a3b4c5d6e',
    resolve: { ga_id: 'beacon-ga', anonymous_id: 'beacon-anon' }
  }
  const first = await app.recorder.record(WS, input, ctx)
  t.equal(first.status, 'created')
  t.ok(first.visitor_id, 'the beacon created its visitor')
  const [e] = await sql`select * from events where id = ${first.event_id}`
  t.equal(e.browser, 'Chrome')
  t.equal(e.device_type, 'desktop')
  t.equal(e.source.rule, 'click_id:fbclid', 'click id outranks UTM (reference §3)')
  t.equal(e.ip_address, '8.8.8.0', 'IP anonymised per GA_IP_MODE')
  t.equal(e.path, '/landing')
  const [v] = await sql`select * from visitors where id = ${first.visitor_id}`
  t.equal(v.total_pageviews, 1)
  t.equal(v.click_id_params.fbclid, 'FB1')
  t.equal(v.device.browser, 'Chrome')
  t.equal(v.click_id_history.fbclid.first_value, 'FB1')

  const retry = await app.recorder.record(WS, input, ctx)
  t.equal(retry.status, 'duplicate')
  t.equal(retry.event_id, first.event_id)
  t.equal((await sql`select count(*)::int as n from events where client_event_id = ${input.client_event_id}`)[0].n, 1)

  const second = await app.recorder.record(WS, { ...input, client_event_id: undefined }, ctx)
  t.equal(second.visitor_id, first.visitor_id, 'same cookie, same visitor')

  await sql`update event_keys set created_at = now() - interval '25 hours'`
  t.equal(await pruneEventKeys(sql), 1)
  const refused = await app.recorder.record(WS, { ...input, event_type: 'visitor_merged' }, ctx).catch((err: { statusCode?: number }) => err)
  t.equal((refused as { statusCode?: number }).statusCode, 422, 'internal event types are refused')
})
