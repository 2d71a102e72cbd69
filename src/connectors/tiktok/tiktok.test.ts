// Guards the exact TikTok Events API request for a lead and a sale (Access-Token header, unix
// seconds, +E.164 phone hash) and the HTTP-200-with-error-code classification.
import { createHash } from 'node:crypto'
import t from 'tap'
import { CREDENTIALS, contextFor, leadInput, saleInput } from '../../../test/fakes/conversions.js'
import { ConnectorBuildError, type DeliveryOutcome } from '../types.js'
import { tiktokConnector } from './index.js'

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')
const EVENT = {
  event_time: 1767618202,
  event_id: 'ga_0123456789abcdef0123456789abcdef',
  user: {
    ttclid: 'E.C.P.abc123',
    ttp: '2YkTtpValue',
    email: sha('john.doe+promo@gmail.com'),
    phone: sha('+491701234567'),
    external_id: sha('user-42'),
    first_name: sha('zoë'),
    last_name: sha("o'brien"),
    ip: '203.0.113.7',
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Test'
  },
  page: { url: 'https://shop.example.com/signup/thanks' }
}

t.test('lead: exact request', async (t) => {
  const req = tiktokConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.tiktok))
  t.equal(req.url, 'https://business-api.tiktok.com/open_api/v1.3/event/track/')
  t.same(req.headers, { 'content-type': 'application/json', 'access-token': 'tiktok-token' })
  t.strictSame(JSON.parse(req.body), { event_source: 'web', event_source_id: 'C1ABCDEF2GHIJ3KL4MN', data: [{ event: 'SubmitForm', ...EVENT }] })
})

t.test('sale: exact request', async (t) => {
  const body = JSON.parse(tiktokConnector.buildRequest(saleInput(), contextFor(CREDENTIALS.tiktok)).body)
  t.strictSame(body.data, [{ event: 'CompletePayment', ...EVENT, properties: { value: 129.9, currency: 'EUR', order_id: 'ORD-1001' } }])
})

t.test('test mode', async (t) => {
  const body = JSON.parse(tiktokConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.tiktok, { testMode: true, options: { test_event_code: 'TEST1' } })).body)
  t.equal(body.test_event_code, 'TEST1')
  t.throws(() => tiktokConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.tiktok, { testMode: true })), ConnectorBuildError)
})

const body = (code: number): string => JSON.stringify({ code, message: 'm', request_id: 'req-1', data: {} })
const PARSE: [string, number, Record<string, string>, string, Partial<DeliveryOutcome>][] = [
  ['code 0', 200, {}, body(0), { ok: true, platformRef: 'req-1' }],
  ['20001 partial success is accepted', 200, {}, body(20001), { ok: true }],
  ['40001 invalid params', 200, {}, body(40001), { ok: false, kind: 'permanent' }],
  ['40002 no permission', 200, {}, body(40002), { ok: false, kind: 'permanent' }],
  ['40100 throttled', 200, {}, body(40100), { ok: false, kind: 'rate_limited' }],
  ['40105 token invalid', 200, {}, body(40105), { ok: false, kind: 'credential' }],
  ['40700 busy', 200, {}, body(40700), { ok: false, kind: 'transient' }],
  ['51000 server', 200, {}, body(51000), { ok: false, kind: 'transient' }],
  ['200 without code', 200, {}, '<html>', { ok: false, kind: 'transient' }],
  ['HTTP 429 + Retry-After', 429, { 'retry-after': '9' }, '', { ok: false, kind: 'rate_limited', retryAfterMs: 9000 }],
  ['HTTP 502', 502, {}, '', { ok: false, kind: 'transient' }]
]
for (const [name, status, headers, text, want] of PARSE) {
  t.test(`parseResponse: ${name}`, async (t) => {
    t.match(tiktokConnector.parseResponse(status, headers, text, 0), want)
  })
}
