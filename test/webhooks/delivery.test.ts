// The outbox and the delivery worker against real local receivers: signatures over the exact
// bytes, filters, once per webhook, retries on 500 and on timeout, auto-disable, replay, SSRF.
import t from 'tap'

interface Tap { teardown: (fn: () => unknown) => void }
import { verifyWebhookSignature } from '../../src/connectors/webhook/sign.js'
import { createSafeDispatcher, type ResolveAll } from '../../src/net/safe-fetch.js'
import { deliverDueWebhooks, type DeliveryWorkerOptions } from '../../src/webhooks/worker.js'
import { createApiKey, createWorkspace, DEFAULT_WORKSPACE_ID } from '../../src/auth/service.js'
import { build, type TestApp } from '../helper.js'
import { startReceiver, type Received } from './receiver.js'

const ALLOW = { GA_WEBHOOK_ALLOW_PRIVATE: 'true' }
const WS = DEFAULT_WORKSPACE_ID

function captureLog (): { log: DeliveryWorkerOptions['log'], lines: Array<{ msg: string, obj: Record<string, unknown> }> } {
  const lines: Array<{ msg: string, obj: Record<string, unknown> }> = []
  const rec = (obj: unknown, msg?: string): void => { lines.push({ msg: msg ?? String(obj), obj: (typeof obj === 'object' ? obj : {}) as Record<string, unknown> }) }
  const log = { warn: rec, error: rec, info: rec, debug: rec, trace: rec, fatal: rec, level: 'info', silent: () => {}, child: () => log }
  return { log: log as never, lines }
}

async function worker (t: Tap, built: TestApp, opts: Partial<DeliveryWorkerOptions> = {}): Promise<(more?: Partial<DeliveryWorkerOptions>) => Promise<number>> {
  const agent = opts.agent ?? createSafeDispatcher({ allowPrivate: true })
  t.teardown(async () => { await agent.close() })
  return async more => await deliverDueWebhooks({ sql: built.database.sql, serviceSecret: built.config.secret, agent, log: captureLog().log, timeoutMs: 2000, ...opts, ...more })
}

async function createHook (built: TestApp, body: Record<string, unknown>): Promise<{ id: string, secret: string }> {
  const res = await built.app.inject({ method: 'POST', url: '/ga/api/webhooks', headers: built.auth, payload: body })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json()
}

interface Delivery { id: string, status: string, attempts: number, last_error: string | null, payload: unknown, attempt_log: Array<{ status_code: number | null, response_body: string | null, error: string | null }> }

async function deliveries (built: TestApp, hookId: string): Promise<Delivery[]> {
  return (await built.app.inject({ url: `/ga/api/webhooks/${hookId}/deliveries`, headers: built.auth })).json().deliveries
}

const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))

function verified (r: Received, secret: string): boolean {
  return verifyWebhookSignature({
    secret,
    msgId: String(r.headers['webhook-id']),
    timestamp: String(r.headers['webhook-timestamp']),
    signatureHeader: String(r.headers['webhook-signature']),
    body: r.body,
    nowSeconds: Math.floor(Date.now() / 1000)
  })
}

t.test('signed delivery, filters, once per webhook, durable with the caller\'s transaction', async t => {
  const built = await build(t, { env: ALLOW })
  const rx = await startReceiver(t)
  const rx2 = await startReceiver(t)
  const leads = await createHook(built, { url: rx.url, event_types: ['lead'] })
  const everything = await createHook(built, { url: rx2.url })
  const off = await createHook(built, { url: rx.url, event_types: ['lead'], enabled: false })
  const tick = await worker(t, built)

  const eventId = '0190a000-0000-7000-8000-000000000001'
  await built.app.hooks.publish(null, WS, 'lead', { id: eventId, amount_cents: 100 }, { id: eventId })
  await built.app.hooks.publish(null, WS, 'lead', { id: eventId, amount_cents: 100 }, { id: eventId }) // republished: no double firing
  await built.app.hooks.publish(null, WS, 'sale', { amount_cents: 5 })
  await built.app.hooks.publish(null, '00000000-0000-7000-8000-00000000beef', 'lead', { other: 'workspace' })
  // Rolled back with the caller's transaction: nothing is delivered.
  await t.rejects(built.database.sql.begin(async tx => {
    await built.app.hooks.publish(tx, WS, 'lead', { rolled: 'back' })
    throw new Error('abort')
  }))
  // A drizzle transaction works as the executor too (link CRUD uses drizzle).
  await built.database.db.transaction(async tx => { await built.app.hooks.publish(tx, WS, 'link.created', { link: 'x' }) })

  t.equal(await tick(), 4, 'lead→2 webhooks, sale→1, link.created→1')
  t.equal(rx.received.length, 1, 'the lead webhook got the lead once')
  t.equal(rx2.received.length, 3)
  const r = rx.received[0]
  t.ok(verified(r, leads.secret), 'signature verifies with the secret shown at creation')
  t.notOk(verified(r, everything.secret), 'and not with another secret')
  t.notOk(verified({ ...r, body: r.body.replace('100', '101') }, leads.secret), 'tampered body fails')
  const payload = JSON.parse(r.body)
  t.equal(payload.type, 'lead')
  t.same(payload.data, { id: eventId, amount_cents: 100 })
  t.match(r.headers['content-type'], /application\/json/)
  t.same(rx2.received.map(x => JSON.parse(x.body).type).sort(), ['lead', 'link.created', 'sale'])
  t.ok(rx2.received.every(x => verified(x, everything.secret)))

  const log = await deliveries(built, leads.id)
  t.equal(log.length, 1)
  t.equal(log[0].status, 'delivered')
  t.equal(r.headers['webhook-id'], `msg_${log[0].id}`)
  t.equal(log[0].attempt_log.length, 1)
  t.equal(log[0].attempt_log[0].status_code, 204)
  t.same(log[0].payload, payload)
  t.same(await deliveries(built, off.id), [], 'disabled webhooks get nothing')
  t.equal(await tick(), 0, 'nothing left')
})

t.test('retries on 500 and on timeout with the same webhook-id; schedule honoured', async t => {
  const built = await build(t, { env: ALLOW })
  const rx = await startReceiver(t, (_r, n, res) => {
    if (n === 1) { res.writeHead(500); res.end('oops'); return }
    if (n === 2) return // hangs: the attempt times out
    res.writeHead(200); res.end('ok')
  })
  const hook = await createHook(built, { url: rx.url, event_types: ['custom'] })
  const tick = await worker(t, built, { schedule: [0, 100, 100, 100], timeoutMs: 300 })
  await built.app.hooks.publish(null, WS, 'custom', { n: 1 })

  t.equal(await tick(), 1)
  t.equal(await tick(), 0, 'not due before the scheduled delay')
  await sleep(150)
  t.equal(await tick(), 1, 'second attempt (times out)')
  await sleep(150)
  t.equal(await tick(), 1, 'third attempt succeeds')
  t.equal(rx.received.length, 3)
  t.equal(new Set(rx.received.map(r => r.headers['webhook-id'])).size, 1, 'same webhook-id on every attempt')
  t.equal(new Set(rx.received.map(r => r.body)).size, 1, 'same bytes on every attempt')
  const [d] = await deliveries(built, hook.id)
  t.equal(d.status, 'delivered')
  t.equal(d.attempts, 3)
  t.same(d.attempt_log.map((a: { status_code: number | null }) => a.status_code), [500, null, 200])
  t.equal(d.attempt_log[0].response_body, 'oops')
  t.match(d.attempt_log[1].error, /timeout/i)
  const [row] = await built.database.sql`select consecutive_failures from webhooks where id = ${hook.id}`
  t.equal(row.consecutive_failures, 0, 'a success ends the failure run')
})

t.test('exhausted retries fail the delivery; replay sends the same message again', async t => {
  const built = await build(t, { env: ALLOW })
  let failing = true
  const rx = await startReceiver(t, (_r, _n, res) => { res.writeHead(failing ? 503 : 204); res.end() })
  const hook = await createHook(built, { url: rx.url, event_types: ['pageview'] })
  const tick = await worker(t, built, { schedule: [0, 0] })
  await built.app.hooks.publish(null, WS, 'pageview', { url: 'https://x.example/' })
  await tick()
  await tick()
  let [d] = await deliveries(built, hook.id)
  t.equal(d.status, 'failed')
  t.equal(d.attempts, 2)

  failing = false
  const replay = await built.app.inject({ method: 'POST', url: `/ga/api/webhooks/deliveries/${d.id}/replay`, headers: built.auth })
  t.equal(replay.statusCode, 202, replay.body)
  t.equal(await tick(), 1)
  ;[d] = await deliveries(built, hook.id)
  t.equal(d.status, 'delivered')
  t.equal(rx.received.length, 3)
  t.equal(rx.received[2].headers['webhook-id'], rx.received[0].headers['webhook-id'], 'replay keeps the webhook-id')
  t.equal(rx.received[2].body, rx.received[0].body)

  // Another workspace's key sees neither the webhook nor the delivery.
  const ws = await createWorkspace(built.database.db, 'other')
  const { key } = await createApiKey(built.database.db, built.config.secret, { workspaceId: ws?.id as string, name: 'k', type: 'secret' })
  const foreign = { authorization: `Bearer ${key}` }
  t.equal((await built.app.inject({ method: 'POST', url: `/ga/api/webhooks/deliveries/${d.id}/replay`, headers: foreign })).statusCode, 404)
  t.equal((await built.app.inject({ url: `/ga/api/webhooks/${hook.id}/deliveries`, headers: foreign })).statusCode, 404)
  t.equal((await built.app.inject({ url: `/ga/api/webhooks/${hook.id}`, headers: foreign })).statusCode, 404)
  t.equal((await built.app.inject({ method: 'DELETE', url: `/ga/api/webhooks/${hook.id}`, headers: foreign })).statusCode, 404)
  t.same((await built.app.inject({ url: '/ga/api/webhooks', headers: foreign })).json().webhooks, [])
})

t.test('auto-disable after a run of consecutive failures, with a webhook.disabled log line', async t => {
  const built = await build(t, { env: ALLOW })
  const rx = await startReceiver(t, (_r, _n, res) => { res.writeHead(500); res.end() })
  const hook = await createHook(built, { url: rx.url, event_types: ['sale'] })
  const { log, lines } = captureLog()
  const tick = await worker(t, built, { schedule: [0, 0, 0, 0, 0, 0], disableAfter: 3, log })
  for (let i = 0; i < 5; i++) await built.app.hooks.publish(null, WS, 'sale', { i })
  await tick({ concurrency: 1, batchSize: 3 })
  const got = (await built.app.inject({ url: `/ga/api/webhooks/${hook.id}`, headers: built.auth })).json()
  t.equal(got.enabled, false, 'disabled')
  t.equal(got.consecutive_failures, 3)
  t.match(got.disabled_reason, /3 consecutive failed attempts/)
  t.ok(got.disabled_at)
  const line = lines.find(l => l.msg === 'webhook.disabled')
  t.ok(line, 'logged webhook.disabled')
  t.equal(line?.obj.webhook_id, hook.id)
  const before = rx.received.length
  t.equal(await tick(), 0, 'a disabled endpoint gets nothing more')
  t.equal(rx.received.length, before)

  const [d] = await deliveries(built, hook.id)
  const refused = await built.app.inject({ method: 'POST', url: `/ga/api/webhooks/deliveries/${d.id}/replay`, headers: built.auth })
  t.equal(refused.statusCode, 409)
  t.equal(refused.json().code, 'WEBHOOK_DISABLED')

  // Re-enabling clears the run and lets the waiting deliveries go.
  rx.setResponder((_r, _n, res) => { res.writeHead(200); res.end() })
  const enabled = await built.app.inject({ method: 'PATCH', url: `/ga/api/webhooks/${hook.id}`, headers: built.auth, payload: { enabled: true } })
  t.equal(enabled.json().consecutive_failures, 0)
  t.equal(enabled.json().disabled_reason, null)
  t.ok(await tick() >= 2, 'pending deliveries resume')
})

t.test('410 Gone disables at once; redirects are not followed', async t => {
  const built = await build(t, { env: ALLOW })
  const gone = await startReceiver(t, (_r, _n, res) => { res.writeHead(410); res.end() })
  const redirecting = await startReceiver(t, (_r, _n, res) => { res.writeHead(302, { location: gone.url }); res.end() })
  const h1 = await createHook(built, { url: gone.url, event_types: ['identify'] })
  const h2 = await createHook(built, { url: redirecting.url, event_types: ['identify'] })
  const tick = await worker(t, built)
  await built.app.hooks.publish(null, WS, 'identify', { visitor_id: 'v' })
  await tick()
  t.equal((await built.app.inject({ url: `/ga/api/webhooks/${h1.id}`, headers: built.auth })).json().enabled, false)
  t.equal(gone.received.length, 1, 'the redirect target was never called by the redirect')
  const [d] = await deliveries(built, h2.id)
  t.equal(d.status, 'retrying')
  t.match(d.last_error, /redirects are not followed/)
})

t.test('SSRF at delivery time: private targets refused at connect, DNS answers checked', async t => {
  const built = await build(t, { env: ALLOW }) // creation allowed; the worker's agent decides
  const rx = await startReceiver(t)
  const port = new URL(rx.url).port
  const urls = [rx.url, `http://[::1]:${port}/hook`, `http://rebind.example:${port}/hook`, 'http://10.0.0.1/hook', 'http://169.254.169.254/latest']
  const hooks = []
  for (const url of urls) hooks.push(await createHook(built, { url, event_types: ['lead'] }))
  const toLoopback: ResolveAll = (_h, cb) => { cb(null, [{ address: '127.0.0.1', family: 4 }]) }
  const strict = createSafeDispatcher({ allowPrivate: false, resolve: toLoopback, connectTimeoutMs: 500 })
  const tick = await worker(t, built, { agent: strict })
  await built.app.hooks.publish(null, WS, 'lead', { x: 1 })
  t.equal(await tick(), urls.length)
  t.equal(rx.received.length, 0, 'the receiver saw nothing')
  for (const [i, h] of hooks.entries()) {
    const [d] = await deliveries(built, h.id)
    t.match(d.last_error, /BLOCKED_ADDRESS/, urls[i])
  }
  // The same name through the same resolver, with the allow flag on, does connect: the lookup is the one used.
  const lenient = createSafeDispatcher({ allowPrivate: true, resolve: toLoopback })
  await built.database.sql`update webhook_deliveries set next_attempt_at = now(), status = 'retrying'`
  await (await worker(t, built, { agent: lenient }))()
  t.ok(rx.received.some(r => r.headers.host === `rebind.example:${port}`), 'rebind.example resolved through the injected lookup')
})
