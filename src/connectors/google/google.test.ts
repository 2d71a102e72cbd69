// Guards the exact Google requests — Data Manager ingest (default) and the legacy Google Ads
// UploadClickConversions — for a lead and a sale, with hashes recomputed here, plus the
// google.rpc.Status / partialFailureError → outcome table.
import { createHash } from 'node:crypto'
import t from 'tap'
import { CREDENTIALS, contextFor, leadInput, saleInput } from '../../../test/fakes/conversions.js'
import { ConnectorBuildError, type DeliveryOutcome } from '../types.js'
import { googleConnector } from './index.js'

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')
const EMAIL_HASH = sha('johndoe+promo@gmail.com') // gmail: dots removed, +tag kept
const PHONE_HASH = sha('+491701234567')

const DM_EVENT = {
  transactionId: 'ga_0123456789abcdef0123456789abcdef',
  eventTimestamp: '2026-01-05T13:03:22Z',
  adIdentifiers: { gclid: 'Cj0KCQiA_test-gclid' },
  userData: { userIdentifiers: [{ emailAddress: EMAIL_HASH }, { phoneNumber: PHONE_HASH }] },
  eventSource: 'WEB',
  eventDeviceInfo: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Test', ipAddress: '203.0.113.7' },
  consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_DENIED' }
}
const DESTINATION = { operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' }, productDestinationId: '987654321' }

t.test('Data Manager lead: exact request', async (t) => {
  const req = googleConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.google))
  t.equal(req.url, 'https://datamanager.googleapis.com/v1/events:ingest')
  t.same(req.headers, { 'content-type': 'application/json', authorization: 'Bearer google-token' })
  t.strictSame(JSON.parse(req.body), { destinations: [DESTINATION], events: [DM_EVENT], encoding: 'HEX', validateOnly: false })
})

t.test('Data Manager sale: value, currency, login account, validateOnly in test mode', async (t) => {
  const ctx = contextFor({ ...CREDENTIALS.google, login_customer_id: '111-222-3333' }, { testMode: true })
  const body = JSON.parse(googleConnector.buildRequest(saleInput(), ctx).body)
  t.strictSame(body, {
    destinations: [{ ...DESTINATION, loginAccount: { accountType: 'GOOGLE_ADS', accountId: '1112223333' } }],
    events: [{ ...DM_EVENT, conversionValue: 129.9, currency: 'EUR' }],
    encoding: 'HEX',
    validateOnly: true
  })
})

t.test('one click id only: gbraid when there is no gclid', async (t) => {
  const input = leadInput({ signals: { gbraid: 'GB1', wbraid: 'WB1' } })
  t.strictSame(JSON.parse(googleConnector.buildRequest(input, contextFor(CREDENTIALS.google)).body).events[0].adIdentifiers, { gbraid: 'GB1' })
})

t.test('Google Ads (legacy) sale: exact request', async (t) => {
  const ctx = contextFor({ ...CREDENTIALS.google_ads, login_customer_id: '1112223333' }, { options: { api: 'google_ads' } })
  const req = googleConnector.buildRequest(saleInput(), ctx)
  t.equal(req.url, 'https://googleads.googleapis.com/v23/customers/1234567890:uploadClickConversions')
  t.same(req.headers, {
    'content-type': 'application/json',
    authorization: 'Bearer google-token',
    'developer-token': 'dev-token',
    'login-customer-id': '1112223333'
  })
  t.strictSame(JSON.parse(req.body), {
    conversions: [{
      gclid: 'Cj0KCQiA_test-gclid',
      conversionAction: 'customers/1234567890/conversionActions/987654321',
      conversionDateTime: '2026-01-05 13:03:22+00:00',
      conversionValue: 129.9,
      currencyCode: 'EUR',
      orderId: 'ga_0123456789abcdef0123456789abcdef',
      userIdentifiers: [
        { hashedEmail: EMAIL_HASH, userIdentifierSource: 'FIRST_PARTY' },
        { hashedPhoneNumber: PHONE_HASH, userIdentifierSource: 'FIRST_PARTY' }
      ],
      consent: { adUserData: 'GRANTED', adPersonalization: 'DENIED' }
    }],
    partialFailure: true,
    validateOnly: false
  })
})

t.test('Google Ads lead has no value; developer token is required there', async (t) => {
  const body = JSON.parse(googleConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.google_ads, { options: { api: 'google_ads' } })).body)
  t.notOk('conversionValue' in body.conversions[0])
  t.throws(() => googleConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.google, { options: { api: 'google_ads' } })), /developer_token/)
  t.throws(() => googleConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.google, { options: { api: 'v1' } })), ConnectorBuildError)
})

const status = (code: number, rpc: string, details: unknown[] = []): string => JSON.stringify({ error: { code, status: rpc, message: 'm', details } })
const adsFailure = (errors: [string, string, number?][]): unknown => ({
  '@type': 'type.googleapis.com/google.ads.googleads.v23.errors.GoogleAdsFailure',
  errors: errors.map(([category, code, index]) => ({
    errorCode: { [category]: code },
    message: code,
    ...(index === undefined ? {} : { location: { fieldPathElements: [{ fieldName: 'conversions', index }] } })
  }))
})
const partial = (errors: [string, string, number?][]): string => JSON.stringify({ results: [{}], partialFailureError: { code: 3, message: 'x', details: [adsFailure(errors)] } })

const PARSE: [string, number, Record<string, string>, string, Partial<DeliveryOutcome>][] = [
  ['DM success', 200, {}, '{"requestId":"r-1"}', { ok: true, platformRef: 'r-1' }],
  ['Ads success', 200, {}, '{"results":[{"gclid":"x"}]}', { ok: true }],
  ['INVALID_ARGUMENT', 400, {}, status(400, 'INVALID_ARGUMENT'), { ok: false, kind: 'permanent' }],
  ['UNAUTHENTICATED', 401, {}, status(401, 'UNAUTHENTICATED'), { ok: false, kind: 'credential' }],
  ['PERMISSION_DENIED', 403, {}, status(403, 'PERMISSION_DENIED'), { ok: false, kind: 'credential' }],
  ['not allowlisted', 400, {}, status(400, 'INVALID_ARGUMENT', [adsFailure([['conversionUploadError', 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE']])]), { ok: false, kind: 'credential' }],
  ['RESOURCE_EXHAUSTED + RetryInfo', 429, {}, status(429, 'RESOURCE_EXHAUSTED', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '30s' }]), { ok: false, kind: 'rate_limited', retryAfterMs: 30000 }],
  ['429 + Retry-After', 429, { 'retry-after': '12' }, 'slow down', { ok: false, kind: 'rate_limited', retryAfterMs: 12000 }],
  ['UNAVAILABLE', 503, {}, status(503, 'UNAVAILABLE'), { ok: false, kind: 'transient' }],
  ['plain 500', 500, {}, 'boom', { ok: false, kind: 'transient' }],
  ['partial: already exists is a duplicate', 200, {}, partial([['conversionUploadError', 'CLICK_CONVERSION_ALREADY_EXISTS', 0]]), { ok: true, duplicate: true }],
  ['partial: click not found is unmatched', 200, {}, partial([['conversionUploadError', 'CLICK_NOT_FOUND', 0]]), { ok: true, unmatched: true }],
  ['partial: too recent waits 6 h', 200, {}, partial([['conversionUploadError', 'TOO_RECENT_EVENT', 0]]), { ok: false, kind: 'transient', retryAfterMs: 6 * 3600 * 1000 }],
  ['partial: unparseable gclid', 200, {}, partial([['conversionUploadError', 'UNPARSEABLE_GCLID', 0]]), { ok: false, kind: 'permanent', failedIndexes: [0] }],
  ['partial: transient error', 200, {}, partial([['internalError', 'TRANSIENT_ERROR', 0]]), { ok: false, kind: 'transient' }]
]
for (const [name, code, headers, body, want] of PARSE) {
  t.test(`parseResponse: ${name}`, async (t) => {
    t.match(googleConnector.parseResponse(code, headers, body, 0), want)
  })
}
