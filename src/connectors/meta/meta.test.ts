// Guards the exact Meta CAPI request for a lead and a sale (hashes recomputed here from the
// normalised plaintext), the sale-without-amount decision, test mode, the origin override, and
// the Graph error → outcome table.
import { createHash, createHmac } from 'node:crypto'
import t from 'tap'
import { CREDENTIALS, contextFor, leadInput, saleInput } from '../../../test/fakes/conversions.js'
import { ConnectorBuildError, type DeliveryOutcome } from '../types.js'
import { metaConnector } from './index.js'

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')

const USER_DATA = {
  em: [sha('john.doe+promo@gmail.com')],
  ph: [sha('491701234567')],
  fn: sha('zoë'),
  ln: sha('obrien'),
  external_id: [sha('user-42')],
  client_ip_address: '203.0.113.7',
  client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Test',
  fbc: 'fb.1.1767600000123.IwAR2xYz_AbC-123',
  fbp: 'fb.1.1767000000000.1234567890'
}
const BASE_EVENT = {
  event_time: 1767618202,
  event_id: 'ga_0123456789abcdef0123456789abcdef',
  action_source: 'website',
  event_source_url: 'https://shop.example.com/signup/thanks',
  user_data: USER_DATA
}

t.test('lead: exact request', async (t) => {
  const req = metaConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.meta))
  t.equal(req.method, 'POST')
  t.equal(req.url, 'https://graph.facebook.com/v24.0/1234567890/events')
  t.same(req.headers, { 'content-type': 'application/json', authorization: 'Bearer meta-token' })
  t.strictSame(JSON.parse(req.body), { data: [{ event_name: 'Lead', ...BASE_EVENT }] })
})

t.test('sale: exact request with value in major units', async (t) => {
  const req = metaConnector.buildRequest(saleInput(), contextFor(CREDENTIALS.meta))
  t.strictSame(JSON.parse(req.body), {
    data: [{ event_name: 'Purchase', ...BASE_EVENT, custom_data: { value: 129.9, currency: 'EUR', order_id: 'ORD-1001' } }]
  })
})

t.test('sale without amount is still a Purchase, with value 0', async (t) => {
  const req = metaConnector.buildRequest(saleInput({ amountCents: null, currency: null, orderId: null }), contextFor(CREDENTIALS.meta))
  t.strictSame(JSON.parse(req.body).data[0].custom_data, { value: 0, currency: 'USD' })
})

t.test('no UA/URL → system_generated; event name mapping; app secret proof', async (t) => {
  const input = leadInput({ userAgent: null, eventSourceUrl: null, eventName: 'newsletter' })
  const ctx = contextFor({ ...CREDENTIALS.meta, app_secret: 'shh' }, { eventNameMapping: { newsletter: 'Subscribe' } })
  const body = JSON.parse(metaConnector.buildRequest(input, ctx).body)
  t.equal(body.data[0].action_source, 'system_generated')
  t.equal(body.data[0].event_name, 'Subscribe')
  t.notOk('event_source_url' in body.data[0])
  t.equal(body.appsecret_proof, createHmac('sha256', 'shh').update('meta-token').digest('hex'))
})

t.test('test mode sends test_event_code and refuses without one', async (t) => {
  const ok = metaConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.meta, { testMode: true, options: { test_event_code: 'TEST123' } }))
  t.equal(JSON.parse(ok.body).test_event_code, 'TEST123')
  t.throws(() => metaConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.meta, { testMode: true })), ConnectorBuildError)
  const prod = metaConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.meta, { options: { test_event_code: 'TEST123' } }))
  t.notOk('test_event_code' in JSON.parse(prod.body), 'code ignored outside test mode')
})

t.test('origin override keeps the path; bad overrides and missing credentials refuse', async (t) => {
  const req = metaConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.meta, {}, 'http://127.0.0.1:9999'))
  t.equal(req.url, 'http://127.0.0.1:9999/v24.0/1234567890/events')
  t.throws(() => metaConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.meta, {}, 'http://127.0.0.1:9999/prefix')))
  t.throws(() => metaConnector.buildRequest(leadInput(), contextFor({ pixel_id: '1' })), /access_token/)
})

const err = (code: number, extra: Record<string, unknown> = {}): string => JSON.stringify({ error: { message: 'm', type: 'OAuthException', code, ...extra } })
const PARSE: [string, number, Record<string, string>, string, Partial<DeliveryOutcome>][] = [
  ['200 events_received', 200, {}, '{"events_received":1,"messages":[],"fbtrace_id":"AbC"}', { ok: true, platformRef: 'AbC' }],
  ['200 without events_received', 200, {}, '{}', { ok: false, kind: 'transient' }],
  ['190 expired token (400)', 400, {}, err(190, { error_subcode: 463 }), { ok: false, kind: 'credential' }],
  ['401 plain', 401, {}, 'nope', { ok: false, kind: 'credential' }],
  ['permission code 200', 403, {}, err(200), { ok: false, kind: 'credential' }],
  ['100 invalid parameter', 400, {}, err(100, { error_subcode: 2804003 }), { ok: false, kind: 'permanent' }],
  ['app rate limit code 4', 400, {}, err(4), { ok: false, kind: 'rate_limited' }],
  ['BUC limit 80004 with regain time', 400, { 'x-business-use-case-usage': '{"1":[{"type":"ads_management","estimated_time_to_regain_access":3}]}' }, err(80004), { ok: false, kind: 'rate_limited', retryAfterMs: 180000 }],
  ['429 with Retry-After', 429, { 'Retry-After': '17' }, err(17), { ok: false, kind: 'rate_limited', retryAfterMs: 17000 }],
  ['is_transient', 400, {}, err(2, { is_transient: true }), { ok: false, kind: 'transient' }],
  ['500', 500, {}, 'oops', { ok: false, kind: 'transient' }],
  ['other 4xx', 404, {}, 'missing', { ok: false, kind: 'permanent' }]
]
for (const [name, status, headers, body, want] of PARSE) {
  t.test(`parseResponse: ${name}`, async (t) => {
    t.match(metaConnector.parseResponse(status, headers, body, 0), want)
  })
}
