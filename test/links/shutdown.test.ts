// Guards the SIGTERM path (server.ts: close-with-grace → app.close()): clicks already answered
// with a 302 but still in the buffer are flushed to the database before the app finishes closing.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { bootstrapDefaultWorkspace } from '../../src/auth/service.js'
import { connect } from '../../src/db/client.js'
import { createTestDatabase, testConfig } from '../helper.js'
import { call } from './http.js'

t.test('clicks in the buffer survive app.close()', async t => {
  const databaseUrl = await createTestDatabase(t)
  // A long flush interval, so the clicks are certainly still buffered when close() starts.
  const config = testConfig(databaseUrl, { GA_LINK_DOMAINS: 'go.example.com', GA_INGEST_FLUSH_MS: '1000' })
  const database = connect(databaseUrl, config.schema)
  t.teardown(async () => { await database.close() })
  const app = await buildApp({ config, database, logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const apiKey = await bootstrapDefaultWorkspace(database.db, config.secret)
  const link = await call(baseUrl, 'POST', '/ga/api/links', { headers: { authorization: `Bearer ${apiKey}` }, body: { url: 'https://example.com/', key: 'drain' } })

  for (let i = 0; i < 50; i++) {
    const res = await call(baseUrl, 'GET', '/drain', { headers: { host: 'go.example.com', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0 Safari/537.36' } })
    t.equal(res.status, 302)
  }
  const [before] = await database.sql`select count(*)::int as n from events where link_id = ${link.json.id}`
  t.equal(before.n, 0, 'nothing flushed yet')
  await app.close()
  const [after] = await database.sql`select count(*)::int as n from events where link_id = ${link.json.id}`
  t.equal(after.n, 50, 'every click flushed on close')
  const [counters] = await database.sql`select total_clicks::int as total from links where id = ${link.json.id}`
  t.equal(counters.total, 50)
})
