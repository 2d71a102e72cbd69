// The database goes away during delivery: the platform answered 2xx but the outcome cannot be
// written, so the dispatch is NOT marked delivered; once the database is back and the lease has
// run out it is sent again with the same id (the receiver dedupes) and only then marked.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { runDeliveryTick } from '../../src/connectors/plugin.js'
import { freePort, startEmbeddedDatabase } from '../../src/db/embedded.js'
import { runMigrations } from '../../src/db/migrate.js'
import { build, SCHEMA } from '../helper.js'
import { call, convert, dispatchRow } from './util.js'

t.test('database down during delivery: nothing marked delivered that was not', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ga-conn-outage-'))
  chmodSync(dir, 0o755)
  const pgPort = await freePort()
  let cluster = await startEmbeddedDatabase({ dataDir: dir, port: pgPort })
  t.teardown(async () => { await cluster.stop(); rmSync(dir, { recursive: true, force: true }) })
  const url = cluster.url('postgres')
  await runMigrations(url, SCHEMA)

  const ids: string[] = []
  let stopOnNext = false
  const receiver = createServer((req, res) => {
    ids.push(String(req.headers['webhook-id']))
    req.resume()
    req.on('end', () => {
      void (async () => {
        if (stopOnNext) { stopOnNext = false; await cluster.stop() }
        res.writeHead(204).end()
      })()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { receiver.closeAllConnections(); receiver.close() })

  const { app, auth } = await build(t, { databaseUrl: url, env: { GA_WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const c = { app, auth }
  const put = await call(c, 'PUT', '/ga/api/connectors/webhook', { enabled: true, credentials: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, config: { options: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` } } })
  t.equal(put.status, 200)
  const { dispatches: [d] } = await convert(c, 'lead')
  t.ok(d, 'planned')

  stopOnNext = true
  // A lease far longer than a database restart on a busy machine; its running out is then made
  // to happen (below) instead of waited for, so no wall-clock race decides the test.
  const tick = await runDeliveryTick(app, { leaseMs: 60_000 })
  t.match(tick, { claimed: 1, delivered: 0, unrecorded: 1 }, 'the 2xx could not be recorded')
  await t.rejects(runDeliveryTick(app), 'claiming needs the database')

  cluster = await startEmbeddedDatabase({ dataDir: dir, port: pgPort })
  let row: Record<string, unknown> | undefined
  for (let i = 0; i < 50 && row === undefined; i++) {
    row = await dispatchRow(app, d.id).catch(async () => { await new Promise((resolve) => setTimeout(resolve, 100)); return undefined })
  }
  t.match(row, { status: 'delivering', delivered_at: null }, 'not marked delivered')
  t.equal((await runDeliveryTick(app)).claimed, 0, 'lease still held')
  await app.database.sql`update connector_dispatches set lease_until = now() - interval '1 second' where id = ${d.id}`
  t.match(await runDeliveryTick(app), { claimed: 1, delivered: 1 })
  t.match(await dispatchRow(app, d.id), { status: 'delivered', attempts: 2 })
  t.equal(ids.length, 2)
  t.equal(ids[0], ids[1], 'the retry carries the same webhook-id')
})
