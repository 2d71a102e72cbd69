// Guards the exact LinkedIn BATCH_CREATE request for a lead and a sale (amount as a major-unit
// string, ms timestamps, hashed email, plaintext li_fat_id), and per-element failure parsing.
import { createHash } from 'node:crypto'
import t from 'tap'
import { CREDENTIALS, contextFor, leadInput, saleInput } from '../../../test/fakes/conversions.js'
import { ConnectorBuildError, type DeliveryOutcome } from '../types.js'
import { linkedinConnector } from './index.js'

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')
const ELEMENT = {
  conversion: 'urn:lla:llaPartnerConversion:13125090',
  conversionHappenedAt: 1767618202000,
  eventId: 'ga_0123456789abcdef0123456789abcdef',
  user: {
    userIds: [
      { idType: 'SHA256_EMAIL', idValue: sha('john.doe+promo@gmail.com') },
      { idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'a1b2c3d4-e5f6-4711-8899-aabbccddeeff' }
    ],
    userInfo: { firstName: 'Zoë', lastName: "O'Brien" }
  }
}

t.test('lead: exact request', async (t) => {
  const req = linkedinConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.linkedin))
  t.equal(req.url, 'https://api.linkedin.com/rest/conversionEvents')
  t.same(req.headers, {
    'content-type': 'application/json',
    authorization: 'Bearer linkedin-token',
    'linkedin-version': '202604',
    'x-restli-protocol-version': '2.0.0',
    'x-restli-method': 'BATCH_CREATE'
  })
  t.strictSame(JSON.parse(req.body), { elements: [ELEMENT] })
})

t.test('sale: amount is a decimal string in major units', async (t) => {
  const body = JSON.parse(linkedinConnector.buildRequest(saleInput(), contextFor(CREDENTIALS.linkedin)).body)
  t.strictSame(body, { elements: [{ ...ELEMENT, conversionValue: { currencyCode: 'EUR', amount: '129.90' } }] })
})

t.test('half a name is not sent; test mode refuses; batches keep order', async (t) => {
  const body = JSON.parse(linkedinConnector.buildRequest(leadInput({ visitor: { email: 'a@b.co', firstName: 'Ada' } }), contextFor(CREDENTIALS.linkedin)).body)
  t.notOk('userInfo' in body.elements[0].user)
  t.throws(() => linkedinConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.linkedin, { testMode: true })), ConnectorBuildError)
  const batch = JSON.parse(linkedinConnector.buildBatchRequest([leadInput(), saleInput({ connectorEventId: 'ga_2' })], contextFor(CREDENTIALS.linkedin)).body)
  t.same(batch.elements.map((e: { eventId: string }) => e.eventId), ['ga_0123456789abcdef0123456789abcdef', 'ga_2'])
})

const PARSE: [string, number, Record<string, string>, string, Partial<DeliveryOutcome>][] = [
  ['201 single create', 201, { 'x-restli-id': 'abc' }, '', { ok: true, platformRef: 'abc' }],
  ['200 all elements created', 200, {}, '{"elements":[{"status":201},{"status":201}]}', { ok: true }],
  ['200 with a failed element', 200, {}, '{"elements":[{"status":201},{"status":400,"error":{"message":"bad"}}]}', { ok: false, kind: 'permanent', failedIndexes: [1] }],
  ['401 revoked token', 401, {}, '{"status":401,"serviceErrorCode":65601,"message":"revoked"}', { ok: false, kind: 'credential' }],
  ['403 missing scope', 403, {}, '{"status":403,"message":"no"}', { ok: false, kind: 'credential' }],
  ['422 names failing indexes', 422, {}, '{"status":422,"message":"Index: 3, ERROR :: x; Index: 5, ERROR :: y"}', { ok: false, kind: 'permanent', failedIndexes: [3, 5] }],
  ['426 version sunset', 426, {}, '{"status":426,"message":"old"}', { ok: false, kind: 'permanent' }],
  ['429 without Retry-After waits 60 s', 429, {}, '{"status":429}', { ok: false, kind: 'rate_limited', retryAfterMs: 60000 }],
  ['429 with Retry-After', 429, { 'retry-after': '120' }, '', { ok: false, kind: 'rate_limited', retryAfterMs: 120000 }],
  ['503', 503, {}, '', { ok: false, kind: 'transient' }]
]
for (const [name, status, headers, body, want] of PARSE) {
  t.test(`parseResponse: ${name}`, async (t) => {
    t.match(linkedinConnector.parseResponse(status, headers, body, 0), want)
  })
}
