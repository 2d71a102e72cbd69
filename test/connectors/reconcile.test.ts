// Reconciliation: recent conversions without a dispatch for an enabled connector get one, with
// the planner's deterministic event id; running it again creates nothing; the kill switch stops it.
import t from 'tap'
import { runDeliveryTick, runReconciliation } from '../../src/connectors/plugin.js'
import { call, convert, dispatchRow, enable, setup } from './util.js'

t.test('reconciliation plans what is missing, once', async (t) => {
  const { c, app, fakes, database } = await setup(t, ['meta', 'tiktok'])
  await enable(c, 'meta')
  const lost = await convert(c, 'sale')
  const original = await dispatchRow(app, lost.dispatches[0].id)
  await database.sql`delete from connector_dispatches where id = ${original.id}`
  const before = await convert(c, 'lead') // tiktok not yet enabled: only meta planned
  t.same(before.dispatches.map((d) => d.connector), ['meta'])
  await enable(c, 'tiktok')
  await call(c, 'PUT', '/ga/api/connectors/google', { enabled: false }) // disabled: never reconciled

  const first = await runReconciliation(app)
  t.equal(first.created, 3, 'meta for the lost sale, tiktok for both conversions')
  const rows = await database.sql`select connector, event_id, connector_event_id, status from connector_dispatches order by connector, event_id`
  t.same(rows.map((r) => `${r.connector}:${r.event_id === lost.event_id ? 'sale' : 'lead'}`).sort(), ['meta:lead', 'meta:sale', 'tiktok:lead', 'tiktok:sale'])
  t.equal(rows.find((r) => r.connector === 'meta' && r.event_id === lost.event_id)?.connector_event_id, original.connector_event_id, 'same deterministic id as the planner')
  t.same(await runReconciliation(app), { scanned: 0, created: 0 }, 'idempotent')
  t.match(await runDeliveryTick(app), { delivered: 4 })
  t.equal(fakes.tiktok?.requests.length, 1)
})

t.test('kill switch: reconciliation does nothing', async (t) => {
  const { app } = await setup(t, [], { env: { GA_CONNECTORS_ENABLED: 'false' } })
  t.same(await runReconciliation(app), { scanned: 0, created: 0, skipped: 'connectors_disabled' })
})
