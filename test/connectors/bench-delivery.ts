// Dispatches per second through the delivery worker to a local fake Meta (not a test; run with
//   GA_BENCH_N=5000 node --import tsx test/connectors/bench-delivery.ts
// ). Uses its own embedded cluster; conversions are cloned in SQL from one made through the API.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runDeliveryTick } from '../../src/connectors/plugin.js'
import { startEmbeddedDatabase } from '../../src/db/embedded.js'
import { runMigrations } from '../../src/db/migrate.js'
import { convert, enable, setup } from './util.js'
import { SCHEMA } from '../helper.js'

const N = Number(process.env.GA_BENCH_N ?? 5000)
const dir = mkdtempSync(join(tmpdir(), 'ga-bench-conn-'))
chmodSync(dir, 0o755)
const cluster = await startEmbeddedDatabase({ dataDir: dir })
const teardowns: Array<() => unknown> = []
const t = { teardown: (fn: () => unknown) => { teardowns.push(fn) } }
try {
  const url = cluster.url('postgres')
  await runMigrations(url, SCHEMA)
  const { c, app, database, fakes } = await setup(t, ['meta'], { databaseUrl: url })
  await enable(c, 'meta')
  const first = await convert(c, 'sale')
  const sql = database.sql
  await sql`
    with src as (select * from events where id = ${first.event_id}),
    copies as (
      insert into events (id, workspace_id, visitor_id, event_type, url, amount_cents, currency, properties, connector_source_context, occurred_at, inserted_at)
      select gen_random_uuid(), workspace_id, visitor_id, event_type, url, amount_cents, currency, properties, connector_source_context, occurred_at, inserted_at
      from src, generate_series(2, ${N}) returning id, workspace_id, visitor_id, occurred_at, connector_source_context)
    insert into connector_dispatches (id, workspace_id, event_id, event_occurred_at, visitor_id, connector, connector_event_id, status, next_attempt_at, source_context)
    select gen_random_uuid(), workspace_id, id, occurred_at, visitor_id, 'meta', 'meta_' || replace(id::text, '-', ''), 'pending', now(), connector_source_context from copies`
  const started = performance.now()
  let delivered = 0
  while (delivered < N) {
    const r = await runDeliveryTick(app)
    if (r.claimed === 0) break
    delivered += r.delivered
  }
  const seconds = (performance.now() - started) / 1000
  console.log(JSON.stringify({ dispatches: delivered, seconds: Number(seconds.toFixed(2)), per_second: Math.round(delivered / seconds), platform_requests: fakes.meta?.requests.length }))
} finally {
  for (const fn of teardowns.reverse()) await fn()
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
}
