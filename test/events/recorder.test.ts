// The recorder as the beacons call it (via 'beacon'): a pageview stays its browser's (no visitor),
// a lead makes the visitor from the browser's history, UA/source enrichment lands on the narrow
// row, the client event id dedupes retries, and the prune job drops beacon keys after 24 h.
import t from 'tap'
import { build } from '../helper.js'
import { pruneEventKeys } from '../../src/events/keys-job.js'

const WS = '00000000-0000-0000-0000-000000000000'
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'

t.test('beacon path', async t => {
  const { app, database } = await build(t, { env: { GA_IP_MODE: 'truncate' } })
  const sql = database.sql
  const ctx = { ip: '8.8.8.8', userAgent: UA, pageHost: 'shop.example', via: 'beacon' as const }
  const browser = '0190a000-0000-7000-8000-0000000beac0'
  const input = {
    event_type: 'pageview',
    url: 'https://shop.example/landing?utm_source=news&utm_medium=email&fbclid=FB1',
    referrer: 'https://shop.example/previous',
    client_event_id: '4b0c6a3e-9a55-4c1e-8d0e-1f2a3b4c5d6e',
    resolve: { ga_id: browser, anonymous_id: 'beacon-anon' }
  }
  const first = await app.recorder.record(WS, input, ctx)
  t.equal(first.status, 'created')
  t.equal(first.visitor_id, null, 'a pageview makes no visitor (issue 13)')
  t.equal((await sql`select count(*)::int as n from visitors`)[0].n, 0)
  const [e] = await sql`select * from events where id = ${first.event_id}`
  t.equal(e.ga_id, browser)
  t.equal(e.browser, 'Chrome')
  t.equal(e.device_type, 'desktop')
  t.equal(e.source_rule, 'click_id:fbclid', 'click id outranks UTM (reference §3)')
  t.same([e.click_id_type, e.click_id_value], ['fbclid', 'FB1'])
  t.equal(e.context, null, 'a pageview keeps no IP or user agent')
  t.equal(e.path, '/landing')
  t.not(e.session_id, null)

  const retry = await app.recorder.record(WS, input, ctx)
  t.equal(retry.status, 'duplicate')
  t.equal(retry.event_id, first.event_id)
  t.equal((await sql`select count(*)::int as n from events e join event_keys k on k.event_id = e.id where k.key = ${input.client_event_id}`)[0].n, 1)

  const lead = await app.recorder.record(WS, { ...input, event_type: 'lead', client_event_id: undefined, url: 'https://shop.example/signup' }, ctx)
  t.ok(lead.visitor_id, 'a lead makes the person')
  const [v] = await sql`select * from visitors where id = ${lead.visitor_id}`
  t.equal(v.click_id_params.fbclid, 'FB1', 'the browser\'s earlier fbclid reached the visitor')
  t.equal(v.click_id_history.fbclid.first_value, 'FB1')
  t.same([v.first_source.platform, v.first_source.rule], ['meta', 'click_id:fbclid'], 'its first source is the browser\'s landing')
  t.equal(v.device.browser, 'Chrome')
  t.equal(v.status, 'lead')
  const [le] = await sql`select context, session_id from events where id = ${lead.event_id}`
  t.equal(le.context.ip, '8.8.8.0', 'IP anonymised per GA_IP_MODE, kept on conversions only')
  t.equal(le.session_id, e.session_id, 'the same session')

  const second = await app.recorder.record(WS, { ...input, client_event_id: undefined }, ctx)
  t.equal(second.visitor_id, lead.visitor_id, 'same browser, same visitor')

  await sql`update event_keys set created_at = now() - interval '25 hours'`
  t.equal(await pruneEventKeys(sql), 1)
  const refused = await app.recorder.record(WS, { ...input, event_type: 'visitor_merged' }, ctx).catch((err: { statusCode?: number }) => err)
  t.equal((refused as { statusCode?: number }).statusCode, 422, 'internal event types are refused')
})
