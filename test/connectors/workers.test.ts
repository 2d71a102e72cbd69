// Many processes, one outbox: two app instances on one database never deliver a dispatch twice;
// a worker that dies after claiming leaves a lease that another worker takes over once it
// expires, sending the SAME connector_event_id.
import t from 'tap'
import { claimDueDispatches } from '../../src/connectors/claim.js'
import { runDeliveryTick } from '../../src/connectors/plugin.js'
import { build } from '../helper.js'
import { convert, dispatchRow, enable, setup } from './util.js'

t.test('two workers on one database never deliver the same dispatch twice', async (t) => {
  const one = await setup(t, ['meta'])
  const two = await build(t, { env: one.env, databaseUrl: one.databaseUrl })
  await enable(one.c, 'meta')
  const planned: string[] = []
  for (let i = 0; i < 40; i++) planned.push((await convert(one.c, 'lead')).dispatches[0].id)
  let delivered = 0
  for (let round = 0; round < 20 && delivered < planned.length; round++) {
    const [a, b] = await Promise.all([runDeliveryTick(one.app, { limit: 7 }), runDeliveryTick(two.app, { limit: 7 })])
    delivered += a.delivered + b.delivered
  }
  t.equal(delivered, 40)
  const ids = one.fakes.meta?.requests.flatMap((r) => (r.body as { data: Array<{ event_id: string }> }).data.map((e) => e.event_id)) ?? []
  t.equal(ids.length, 40, 'each sent once')
  t.equal(new Set(ids).size, 40, 'no event id twice')
  const [{ n }] = await one.database.sql`select count(*)::int as n from connector_dispatches where status = 'delivered' and attempts = 1`
  t.equal(n, 40)
})

t.test('a worker killed mid-delivery: the lease expires and another worker sends the same event id', async (t) => {
  const { c, app, fakes, database } = await setup(t, ['meta'])
  await enable(c, 'meta')
  const { dispatches: [d] } = await convert(c, 'sale')
  const claimed = await claimDueDispatches(database.sql, { limit: 10, leaseMs: 400 }) // then "dies"
  t.equal(claimed.length, 1)
  t.match(await dispatchRow(app, d.id), { status: 'delivering', attempts: 1 })
  t.equal((await runDeliveryTick(app)).claimed, 0, 'leased rows are not taken while the lease holds')
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.match(await runDeliveryTick(app), { claimed: 1, delivered: 1 })
  const row = await dispatchRow(app, d.id)
  t.match(row, { status: 'delivered', attempts: 2, connector_event_id: claimed[0].connector_event_id })
  t.equal((fakes.meta?.requests[0].body as { data: Array<{ event_id: string }> }).data[0].event_id, claimed[0].connector_event_id)
})

t.test('a stale worker cannot overwrite the outcome of the worker that took its lease over', async (t) => {
  const { c, app, database } = await setup(t, ['meta'])
  await enable(c, 'meta')
  const { dispatches: [d] } = await convert(c, 'lead')
  const stale = await claimDueDispatches(database.sql, { limit: 10, leaseMs: 1 })
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.match(await runDeliveryTick(app), { delivered: 1 })
  const { recordResults } = await import('../../src/connectors/claim.js')
  const written = await recordResults(database.sql, [{ dispatch: stale[0], outcome: 'permanently_failed', lastError: 'stale', durationMs: 1 }])
  t.equal(written, 0, 'fenced out')
  t.match(await dispatchRow(app, d.id), { status: 'delivered' })
})
