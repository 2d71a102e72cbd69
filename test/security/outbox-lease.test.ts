// Issue 14 item 14: on 3e68a40 an outbox lease could run out while its dispatch was still being
// sent, and a second instance then claimed and sent the same dispatch again. The lease is renewed
// while sending (and confirmed right before each send), so a slow platform gets each dispatch once.
import t from 'tap'
import { runDeliveryTick } from '../../src/connectors/plugin.js'
import { DEFAULT_WORKSPACE_ID } from '../../src/auth/service.js'
import { createSafeDispatcher } from '../../src/net/safe-fetch.js'
import { deliverDueWebhooks } from '../../src/webhooks/worker.js'
import { convert, dispatchRow, enable, setup } from '../connectors/util.js'
import { build } from '../helper.js'
import { startReceiver } from '../webhooks/receiver.js'

const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))
const LEASE_MS = 1000
const SLOW_MS = 4000

t.test('connector dispatch: a send slower than the lease is not sent again by another instance', async t => {
  const one = await setup(t, ['meta'])
  const two = await build(t, { env: one.env, databaseUrl: one.databaseUrl })
  await enable(one.c, 'meta')
  const { dispatches: [d] } = await convert(one.c, 'lead')
  one.fakes.meta?.delay(SLOW_MS)

  const first = runDeliveryTick(one.app, { leaseMs: LEASE_MS })
  await sleep(LEASE_MS * 2.5) // the original lease has long run out; the send is still in flight
  const second = await runDeliveryTick(two.app, { leaseMs: LEASE_MS })
  t.equal(second.claimed, 0, 'the other instance finds the dispatch still leased')
  t.match(await first, { claimed: 1, delivered: 1 })
  t.equal(one.fakes.meta?.requests.length, 1, 'the platform received the dispatch once')
  t.match(await dispatchRow(one.app, d.id), { status: 'delivered', attempts: 1, lease_until: null })
})

t.test('webhook delivery: a send slower than the lease is not sent again by another worker', async t => {
  const built = await build(t, { env: { GA_WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const rx = await startReceiver(t, (_r, _n, res) => { setTimeout(() => { res.writeHead(204); res.end() }, SLOW_MS) })
  const hook = await built.app.inject({ method: 'POST', url: '/ga/api/webhooks', headers: built.auth, payload: { url: rx.url, event_types: ['link.created'] } })
  t.equal(hook.statusCode, 201)
  await built.database.db.transaction(async tx => { await built.app.hooks.publish(tx, DEFAULT_WORKSPACE_ID, 'link.created', { link: 'x' }) })
  const agent = createSafeDispatcher({ allowPrivate: true })
  t.teardown(async () => { await agent.close() })
  const opts = { sql: built.database.sql, serviceSecret: built.config.secret, agent, log: built.app.log, timeoutMs: 5000, leaseMs: LEASE_MS }

  const first = deliverDueWebhooks(opts)
  await sleep(LEASE_MS * 2.5)
  t.equal(await deliverDueWebhooks(opts), 0, 'the other worker finds the delivery still leased')
  t.equal(await first, 1)
  t.equal(rx.received.length, 1, 'the receiver got it once')
  const [row] = await built.database.sql`select status, attempts from webhook_deliveries`
  t.match(row, { status: 'delivered', attempts: 1 })
})
