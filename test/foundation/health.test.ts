// Guards /healthz, /readyz, JSON 404s, the error envelope and body limits.
import t from 'tap'
import { build, createTestDatabase, testConfig } from '../helper.js'
import { buildApp } from '../../src/app.js'
import { connect } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'

t.test('healthz and readyz answer 200 on a migrated database', async t => {
  const { app } = await build(t)
  const h = await app.inject({ url: '/healthz' })
  t.equal(h.statusCode, 200)
  t.same(h.json(), { status: 'ok' })
  t.ok(h.headers['x-request-id'])
  const r = await app.inject({ url: '/readyz' })
  t.equal(r.statusCode, 200)
})

t.test('unknown /ga routes and methods get a JSON 404', async t => {
  const { app } = await build(t)
  for (const [method, url] of [['GET', '/ga/nope'], ['POST', '/healthz'], ['DELETE', '/ga/api/nothing-here']] as const) {
    const res = await app.inject({ method, url })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.equal(res.json().code, 'ROUTE_NOT_FOUND')
    t.notMatch(res.body, /at .*\.js/)
  }
})

t.test('request ids: a safe X-Request-Id is echoed, a garbage one replaced', async t => {
  const { app } = await build(t)
  const a = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } })
  t.equal(a.headers['x-request-id'], 'abc-123')
  const b = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces<script>' } })
  t.not(b.headers['x-request-id'], 'bad id with spaces<script>')
})

t.test('readyz is 503 while migrations are pending', async t => {
  const url = await createTestDatabase(t, { migrated: false })
  const config = testConfig(url)
  const database = connect(url, config.schema, { max: 2 })
  const app = await buildApp({ config, database, logger: false })
  t.teardown(async () => { await app.close(); await database.close() })
  const res = await app.inject({ url: '/readyz' })
  t.equal(res.statusCode, 503)
  t.match(res.json().reason, /migration/)
  await runMigrations(url, config.schema)
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200)
})
