// End to end against real local fake platforms: each connector's built request, sent with
// undici, is accepted by a server that checks it the way the platform would; scripted failures
// (400, bad token, 429 + Retry-After, 500, timeout, TikTok 200-with-code, LinkedIn per-element
// failure) come back classified.
import t from 'tap'
import { request } from 'undici'
import { CREDENTIALS, contextFor, leadInput, saleInput } from '../../test/fakes/conversions.js'
import { startFakePlatform, type FakePlatformKind, type FakeScript } from '../../test/fakes/platforms.js'
import { googleConnector } from './google/index.js'
import { linkedinConnector } from './linkedin/index.js'
import { metaConnector } from './meta/index.js'
import { sendAndClassify } from './send.js'
import { tiktokConnector } from './tiktok/index.js'
import type { BuildContext, Connector, DeliveryOutcome } from './types.js'
import { webhookConnector } from './webhook/index.js'

interface Platform { fake: FakePlatformKind, connector: Connector, ctx: (baseUrl: string) => BuildContext, token?: string }
const PLATFORMS: Platform[] = [
  { fake: 'meta', connector: metaConnector, ctx: (b) => contextFor(CREDENTIALS.meta, {}, b), token: 'meta-token' },
  { fake: 'google', connector: googleConnector, ctx: (b) => contextFor(CREDENTIALS.google, {}, b), token: 'google-token' },
  { fake: 'google_ads', connector: googleConnector, ctx: (b) => contextFor(CREDENTIALS.google_ads, { options: { api: 'google_ads' } }, b), token: 'google-token' },
  { fake: 'linkedin', connector: linkedinConnector, ctx: (b) => contextFor(CREDENTIALS.linkedin, {}, b), token: 'linkedin-token' },
  { fake: 'tiktok', connector: tiktokConnector, ctx: (b) => contextFor(CREDENTIALS.tiktok, {}, b), token: 'tiktok-token' },
  {
    fake: 'webhook',
    connector: webhookConnector,
    ctx: (b) => ({ ...contextFor(CREDENTIALS.webhook, { options: { url: `${b}/hooks/ga` } }), nowMs: Date.now() })
  }
]

for (const p of PLATFORMS) {
  t.test(`${p.fake}: the fake accepts the built lead and sale`, async (t) => {
    const fake = await startFakePlatform(p.fake, { accessToken: p.token, webhookSecret: CREDENTIALS.webhook.secret })
    t.teardown(() => fake.close())
    for (const input of [leadInput(), saleInput()]) {
      const built = p.connector.buildRequest(input, p.ctx(fake.baseUrl))
      const res = await request(built.url, { method: built.method, headers: built.headers, body: built.body })
      const text = await res.body.text()
      const recorded = fake.requests.at(-1)
      t.same(recorded?.problems, [], `${input.eventType}: no problems`)
      t.ok(recorded?.accepted)
      t.same(p.connector.parseResponse(res.statusCode, res.headers, text, Date.now()), p.fake === 'webhook' ? { ok: true } : { ok: true, ...platformRef(p.fake) })
    }
    t.equal(fake.requests.length, 2)
  })
}

function platformRef (kind: FakePlatformKind): Partial<DeliveryOutcome> {
  if (kind === 'meta') return { platformRef: 'AFakeTraceId' }
  if (kind === 'google') return { platformRef: 'fake-request-id' }
  if (kind === 'tiktok') return { platformRef: 'fake-tiktok-request' }
  return {}
}

const SCRIPTS: [string, FakeScript, Partial<DeliveryOutcome>][] = [
  ['400', { kind: 'bad_request' }, { ok: false, kind: 'permanent' }],
  ['401 / Meta 190', { kind: 'unauthorized' }, { ok: false, kind: 'credential' }],
  ['429 + Retry-After', { kind: 'rate_limited', retryAfterSeconds: 7 }, { ok: false, kind: 'rate_limited', retryAfterMs: 7000 }],
  ['500', { kind: 'server_error' }, { ok: false, kind: 'transient' }]
]
for (const p of PLATFORMS) {
  t.test(`${p.fake}: scripted failures are classified`, async (t) => {
    const fake = await startFakePlatform(p.fake, { webhookSecret: CREDENTIALS.webhook.secret })
    t.teardown(() => fake.close())
    for (const [name, script, want] of SCRIPTS) {
      fake.respondWith(script)
      const outcome = await sendAndClassify(p.connector, p.connector.buildRequest(saleInput(), p.ctx(fake.baseUrl)), { timeoutMs: 2000 })
      // TikTok reports a bad request as HTTP 200 + code 40001: still permanent.
      t.match(outcome, want, name)
    }
  })
}

t.test('timeout: a platform that never answers is a transient failure', async (t) => {
  const fake = await startFakePlatform('meta')
  t.teardown(() => fake.close())
  fake.respondWith('timeout')
  const outcome = await sendAndClassify(metaConnector, metaConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.meta, {}, fake.baseUrl)), { timeoutMs: 200 })
  t.match(outcome, { ok: false, kind: 'transient', reason: /transport/ })
  t.equal(fake.requests.length, 1)
  t.equal(fake.requests[0].answeredStatus, undefined)
})

t.test('TikTok HTTP 200 with an error code', async (t) => {
  const fake = await startFakePlatform('tiktok')
  t.teardown(() => fake.close())
  const send = async (): Promise<DeliveryOutcome> => sendAndClassify(tiktokConnector, tiktokConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.tiktok, {}, fake.baseUrl)))
  fake.respondWith({ kind: 'tiktok_error_code', code: 40100 })
  t.match(await send(), { ok: false, kind: 'rate_limited' })
  fake.respondWith({ kind: 'tiktok_error_code', code: 40105 })
  t.match(await send(), { ok: false, kind: 'credential' })
  fake.respondWith({ kind: 'tiktok_error_code', code: 40002 })
  t.match(await send(), { ok: false, kind: 'permanent' })
})

t.test('LinkedIn per-element failure in a batch', async (t) => {
  const fake = await startFakePlatform('linkedin')
  t.teardown(() => fake.close())
  fake.respondWith({ kind: 'linkedin_element_failure', failIndexes: [1] })
  const built = linkedinConnector.buildBatchRequest([leadInput(), saleInput({ connectorEventId: 'ga_2' })], contextFor(CREDENTIALS.linkedin, {}, fake.baseUrl))
  t.match(await sendAndClassify(linkedinConnector, built), { ok: false, kind: 'permanent', failedIndexes: [1] })
  t.ok(fake.requests[0].accepted)
})

t.test('the fakes really check: wrong token, plaintext email, bad webhook signature', async (t) => {
  const meta = await startFakePlatform('meta', { accessToken: 'right' })
  t.teardown(() => meta.close())
  t.match(await sendAndClassify(metaConnector, metaConnector.buildRequest(leadInput(), contextFor({ ...CREDENTIALS.meta, access_token: 'wrong' }, {}, meta.baseUrl))), { ok: false, kind: 'credential' })
  t.notOk(meta.requests[0].accepted)

  const tiktok = await startFakePlatform('tiktok')
  t.teardown(() => tiktok.close())
  const built = tiktokConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.tiktok, {}, tiktok.baseUrl))
  const body = JSON.parse(built.body)
  body.data[0].user.email = 'john@example.com'
  t.match(await sendAndClassify(tiktokConnector, { ...built, body: JSON.stringify(body) }), { ok: false, kind: 'permanent' })
  t.match(tiktok.requests[0].problems, [/not a lowercase sha256/])

  const hook = await startFakePlatform('webhook', { webhookSecret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0' })
  t.teardown(() => hook.close())
  const ctx = { ...contextFor(CREDENTIALS.webhook, { options: { url: `${hook.baseUrl}/h` } }), nowMs: Date.now() }
  t.match(await sendAndClassify(webhookConnector, webhookConnector.buildRequest(leadInput(), ctx)), { ok: false, kind: 'credential' })
})

t.test('connection refused is transient', async (t) => {
  const fake = await startFakePlatform('meta')
  const baseUrl = fake.baseUrl
  await fake.close()
  t.match(await sendAndClassify(metaConnector, metaConnector.buildRequest(leadInput(), contextFor(CREDENTIALS.meta, {}, baseUrl)), { timeoutMs: 1000 }), { ok: false, kind: 'transient' })
})
