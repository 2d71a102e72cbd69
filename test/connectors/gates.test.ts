// What stops a dispatch before it is sent: the kill switch (planning and delivery), the dispatch
// policy (allow / reject / timeout failing open or closed), denied consent, an event older than
// the platform's window, an event type the connector does not take.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { runDeliveryTick } from '../../src/connectors/plugin.js'
import { call, convert, dispatchRow, enable, setup, VALID_MODULE, writeModule } from './util.js'

interface PolicyServer { url: string, mode: 'allow' | 'reject' | 'hang', seen: unknown[] }
async function policyServer (t: { teardown: (fn: () => unknown) => void }): Promise<PolicyServer> {
  const state: PolicyServer = { url: '', mode: 'allow', seen: [] }
  const server = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', (d) => { body += d })
    req.on('end', () => {
      state.seen.push(JSON.parse(body))
      if (state.mode === 'hang') return
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(state.mode === 'allow' ? { decision: 'allow' } : { decision: 'reject', reason: 'internal test account' }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/policy`
  return state
}

t.test('kill switch: no planning, no delivery', async (t) => {
  const { c, app, fakes, database } = await setup(t, ['meta'], { env: { GA_CONNECTORS_ENABLED: 'false' } })
  await enable(c, 'meta')
  const sale = await convert(c, 'sale')
  t.same(sale.dispatches, [], 'nothing planned')
  const [ev] = await database.sql`select e.id, e.occurred_at, m.visitor_id from events e
    left join visitor_browsers m on m.workspace_id = e.workspace_id and m.ga_id = e.ga_id::text where e.id = ${sale.event_id}`
  await database.sql`insert into connector_dispatches (id, workspace_id, event_id, event_occurred_at, visitor_id, connector, connector_event_id, status, next_attempt_at)
    values ('00000000-0000-7000-8000-0000000000aa', '00000000-0000-0000-0000-000000000000', ${ev.id}, ${ev.occurred_at}, ${ev.visitor_id}, 'meta', 'meta_manual', 'pending', now())`
  t.match(await runDeliveryTick(app), { claimed: 0 })
  t.equal(fakes.meta?.requests.length, 0)
  t.same(app.jobs.list().filter((n) => n.startsWith('connector')), [], 'no delivery job registered')
})

t.test('dispatch policy: allow, reject, timeout failing open and closed', async (t) => {
  const policy = await policyServer(t)
  for (const [mode, fail, want] of [['allow', 'open', 'delivered'], ['reject', 'open', 'skipped'], ['hang', 'open', 'delivered'], ['hang', 'closed', 'skipped']] as const) {
    await t.test(`${mode} / fail ${fail}`, async (t) => {
      const { c, app, fakes } = await setup(t, ['meta'], { env: { GA_DISPATCH_POLICY_URL: policy.url, GA_DISPATCH_POLICY_FAIL: fail, GA_DISPATCH_POLICY_TIMEOUT_MS: '150' } })
      await enable(c, 'meta')
      policy.mode = mode
      policy.seen.length = 0
      const sale = await convert(c, 'sale', { properties: { consent: 'denied' } })
      await runDeliveryTick(app)
      const row = await dispatchRow(app, sale.dispatches[0].id)
      t.equal(row.status, want)
      t.equal(fakes.meta?.requests.length, want === 'delivered' ? 1 : 0)
      t.match(policy.seen[0], { connector_type: 'meta', consent_status: 'denied', dispatch_id: row.id, event: { id: sale.event_id, event_type: 'sale', amount_cents: 4900 } })
      t.notMatch(JSON.stringify(policy.seen[0]), /IwAR2xYz/, 'signal names only, never values')
      if (mode === 'reject') t.match(row.last_error, /policy_rejected: internal test account/)
      if (mode === 'hang' && fail === 'closed') t.match(row.last_error, /policy unavailable \(timeout\); failing closed/)
    })
  }
})

t.test('denied consent without a policy skips; unknown consent sends', async (t) => {
  const { c, app, fakes } = await setup(t, ['meta'])
  await enable(c, 'meta')
  const denied = await convert(c, 'lead', { properties: { consent: 'denied' } })
  await convert(c, 'lead') // no consent properties at all: unknown, sent
  t.match(await runDeliveryTick(app), { skipped: 1, delivered: 1 })
  t.match(await dispatchRow(app, denied.dispatches[0].id), { status: 'skipped', last_error: /no_consent/ })
  t.equal(fakes.meta?.requests.length, 1)
})

t.test('custom connector: event older than its window fails permanently, unsupported type skipped', async (t) => {
  const received: string[] = []
  const server = createServer((req, res) => { let b = ''; req.on('data', (d) => { b += d }); req.on('end', () => { received.push(b); res.end('{}') }) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const { c, app } = await setup(t, [], { env: { GA_CONNECTOR_MODULES: writeModule(VALID_MODULE) } })
  const put = await call(c, 'PUT', '/ga/api/connectors/acme', { enabled: true, credentials: { api_key: 'k' }, config: { options: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in` } } })
  t.equal(put.status, 200, JSON.stringify(put.body))
  const fresh = await convert(c, 'sale')
  t.same(fresh.dispatches.map((d) => d.connector), ['acme'], 'planned through the registry (no required signals)')
  t.match(await runDeliveryTick(app), { delivered: 1 })
  t.same(JSON.parse(received[0]), [(await dispatchRow(app, fresh.dispatches[0].id)).connector_event_id])
  const old = await convert(c, 'sale')
  await new Promise((resolve) => setTimeout(resolve, 1100))
  t.match(await runDeliveryTick(app), { permanentlyFailed: 1 })
  t.match(await dispatchRow(app, old.dispatches[0].id), { status: 'permanently_failed', attempts: 1, last_error: /older than acme's delivery window/ })
  t.equal(received.length, 1, 'never sent')
  const lead = await convert(c, 'lead')
  t.same(lead.dispatches.map((d) => d.connector), ['acme'], 'planned on signals alone')
  t.match(await runDeliveryTick(app), { skipped: 1 })
  t.match(await dispatchRow(app, lead.dispatches[0].id), { status: 'skipped', last_error: /unsupported_event_type/ })
  t.equal(received.length, 1, 'never sent')
})
