// Guards Standard Webhooks signing against the spec's published test vector, rotation (several
// signatures), verification edge cases, and the webhook connector's request.
import { createHmac } from 'node:crypto'
import t from 'tap'
import { CREDENTIALS, NOW_MS, contextFor, saleInput } from '../../../test/fakes/conversions.js'
import { ConnectorBuildError } from '../types.js'
import { webhookConnector } from './index.js'
import { decodeWebhookSecret, generateWebhookSecret, signWebhook, verifyWebhookSignature, webhookHeaders } from './sign.js'

const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
}

t.test('reproduces the Standard Webhooks test vector', async (t) => {
  t.equal(signWebhook(VECTOR.secret, VECTOR.msgId, VECTOR.timestamp, VECTOR.body), VECTOR.signature)
  t.equal(signWebhook(VECTOR.secret.slice(6), VECTOR.msgId, VECTOR.timestamp, Buffer.from(VECTOR.body)), VECTOR.signature, 'prefix optional, bytes accepted')
})

t.test('rotation: one signature per secret, each verifies', async (t) => {
  const other = generateWebhookSecret()
  const headers = webhookHeaders([VECTOR.secret, other], VECTOR.msgId, VECTOR.timestamp, VECTOR.body)
  t.equal(headers['webhook-signature'].split(' ').length, 2)
  t.equal(headers['webhook-signature'].split(' ')[0], VECTOR.signature)
  for (const secret of [VECTOR.secret, other]) {
    t.ok(verifyWebhookSignature({ secret, msgId: VECTOR.msgId, timestamp: String(VECTOR.timestamp), signatureHeader: headers['webhook-signature'], body: VECTOR.body, nowSeconds: VECTOR.timestamp + 10 }))
  }
})

const VERIFY: [string, Partial<Parameters<typeof verifyWebhookSignature>[0]>, boolean][] = [
  ['valid', {}, true],
  ['tampered body', { body: '{"test": 2432232315}' }, false],
  ['other id', { msgId: 'msg_other' }, false],
  ['too old', { nowSeconds: VECTOR.timestamp + 301 }, false],
  ['from the future', { nowSeconds: VECTOR.timestamp - 301 }, false],
  ['non-numeric timestamp', { timestamp: '1614265330a' }, false],
  ['wrong version tag', { signatureHeader: VECTOR.signature.replace('v1,', 'v2,') }, false],
  ['wrong secret', { secret: generateWebhookSecret() }, false]
]
for (const [name, override, want] of VERIFY) {
  t.test(`verify: ${name}`, async (t) => {
    t.equal(verifyWebhookSignature({
      secret: VECTOR.secret, msgId: VECTOR.msgId, timestamp: String(VECTOR.timestamp), signatureHeader: VECTOR.signature,
      body: VECTOR.body, nowSeconds: VECTOR.timestamp, ...override
    }), want)
  })
}

t.test('ids with a dot and bad secrets are refused', async (t) => {
  t.throws(() => signWebhook(VECTOR.secret, 'msg.1', 1, '{}'))
  t.throws(() => signWebhook(VECTOR.secret, 'msg_1', 1.5, '{}'))
  t.throws(() => decodeWebhookSecret('whsec_***'))
  t.throws(() => decodeWebhookSecret('whsec_c2hvcnQ='))
  t.match(generateWebhookSecret(), /^whsec_[A-Za-z0-9+/]{43}=$/)
})

t.test('webhook connector: signed POST of the conversion, stable id', async (t) => {
  const ctx = contextFor(CREDENTIALS.webhook, { options: { url: 'https://hooks.example.com/ga' } })
  const req = webhookConnector.buildRequest(saleInput(), ctx)
  t.equal(req.url, 'https://hooks.example.com/ga')
  t.equal(req.headers['webhook-id'], 'msg_ga_0123456789abcdef0123456789abcdef')
  t.equal(req.headers['webhook-timestamp'], String(Math.floor(NOW_MS / 1000)))
  const key = Buffer.from(CREDENTIALS.webhook.secret.slice(6), 'base64')
  const expected = createHmac('sha256', key).update(`${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.${req.body}`).digest('base64')
  t.equal(req.headers['webhook-signature'], `v1,${expected}`)
  const body = JSON.parse(req.body)
  t.equal(body.type, 'conversion.sale')
  t.match(body.data, { connector_event_id: 'ga_0123456789abcdef0123456789abcdef', amount_cents: 12990, currency: 'EUR', value: '129.90', order_id: 'ORD-1001' })
  t.throws(() => webhookConnector.buildRequest(saleInput(), contextFor(CREDENTIALS.webhook)), ConnectorBuildError)
  t.throws(() => webhookConnector.buildRequest(saleInput(), contextFor(CREDENTIALS.webhook, { options: { url: 'ftp://x' } })), ConnectorBuildError)
})

const PARSE: [number, string, string][] = [[200, '', 'ok'], [204, '', 'ok'], [302, '', 'permanent'], [401, '', 'credential'], [410, '', 'permanent'], [429, '', 'rate_limited'], [502, '', 'transient']]
for (const [status, body, want] of PARSE) {
  t.test(`webhook parseResponse ${status}`, async (t) => {
    const outcome = webhookConnector.parseResponse(status, {}, body, 0)
    t.equal(outcome.ok ? 'ok' : outcome.kind, want)
  })
}
