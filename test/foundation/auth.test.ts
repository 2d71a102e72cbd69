// Guards REST authentication: Bearer beats X-Api-Key; 401 for missing, malformed, unknown,
// revoked and expired credentials; 403 for publishable keys; the workspace comes from the key;
// delegated auth through GA_AUTH_URL with 503 when it cannot answer; last_used_at throttled.
import { createServer } from 'node:http'
import t from 'tap'
import { build } from '../helper.js'
import { createApiKey, createWorkspace, revokeApiKey } from '../../src/auth/service.js'

t.test('credential cases', async t => {
  const ctx = await build(t)
  const { app, apiKey, database, config } = ctx
  const ws2 = await createWorkspace(database.db, 'second')
  const other = await createApiKey(database.db, config.secret, { workspaceId: ws2!.id, name: 'other', type: 'secret' })
  const pub = await createApiKey(database.db, config.secret, { workspaceId: ws2!.id, name: 'pk', type: 'publishable' })
  const revoked = await createApiKey(database.db, config.secret, { workspaceId: ws2!.id, name: 'old', type: 'secret' })
  await revokeApiKey(database.db, revoked.row.id)
  const expired = await createApiKey(database.db, config.secret, { workspaceId: ws2!.id, name: 'exp', type: 'secret', expiresAt: new Date(Date.now() - 1000) })

  const cases: Array<[string, Record<string, string>, number, string?]> = [
    ['no credentials', {}, 401],
    ['Bearer with nothing after it', { authorization: 'Bearer' }, 401],
    ['Bearer with only spaces', { authorization: 'Bearer   ' }, 401],
    ['Basic scheme', { authorization: 'Basic abc' }, 401],
    ['unknown key', { authorization: 'Bearer gak_00000000000000000000000000000000' }, 401],
    ['garbage token', { authorization: 'Bearer not-a-key' }, 401],
    ['8 KB header', { authorization: 'Bearer ' + 'a'.repeat(8192) }, 401],
    ['empty X-Api-Key', { 'x-api-key': '' }, 401],
    ['revoked key', { authorization: `Bearer ${revoked.key}` }, 401],
    ['expired key', { authorization: `Bearer ${expired.key}` }, 401],
    ['publishable key on the REST API', { authorization: `Bearer ${pub.key}` }, 403],
    ['valid Bearer', { authorization: `Bearer ${apiKey}` }, 200, '00000000-0000-0000-0000-000000000000'],
    ['valid X-Api-Key', { 'x-api-key': apiKey }, 200, '00000000-0000-0000-0000-000000000000'],
    ['key of another workspace acts for that workspace', { 'x-api-key': other.key }, 200, ws2!.id],
    ['Bearer wins over X-Api-Key', { authorization: `Bearer ${other.key}`, 'x-api-key': apiKey }, 200, ws2!.id],
    ['a bad Bearer is not rescued by a good X-Api-Key', { authorization: 'Bearer nope', 'x-api-key': apiKey }, 401]
  ]
  for (const [name, headers, status, ws] of cases) {
    const res = await app.inject({ url: '/ga/api/me', headers })
    t.equal(res.statusCode, status, name)
    if (status === 200) t.equal(res.json().workspace_id, ws, `${name}: workspace`)
    else { t.type(res.json().error, 'string', `${name}: error message`); t.type(res.json().code, 'string') }
  }
  const revokedRes = await app.inject({ url: '/ga/api/me', headers: { authorization: `Bearer ${revoked.key}` } })
  t.match(revokedRes.json().error, /revoked/)
  const expiredRes = await app.inject({ url: '/ga/api/me', headers: { authorization: `Bearer ${expired.key}` } })
  t.match(expiredRes.json().error, /expired/)
})

t.test('keys are stored only as HMAC digests and last_used_at is written', async t => {
  const { app, apiKey, database } = await build(t)
  const rows = await database.sql`select key_hash, prefix, last_used_at from api_keys`
  t.equal(rows.length, 1)
  t.not(rows[0].key_hash, apiKey)
  t.notMatch(rows[0].key_hash, apiKey.slice(4))
  t.equal(rows[0].prefix, apiKey.slice(0, 8))
  t.equal(rows[0].last_used_at, null)
  await app.inject({ url: '/ga/api/me', headers: { authorization: `Bearer ${apiKey}` } })
  await new Promise(resolve => setTimeout(resolve, 100))
  const [after] = await database.sql`select last_used_at from api_keys`
  t.ok(after.last_used_at instanceof Date, 'last_used_at set')
  await app.inject({ url: '/ga/api/me', headers: { authorization: `Bearer ${apiKey}` } })
  await new Promise(resolve => setTimeout(resolve, 100))
  const [again] = await database.sql`select last_used_at from api_keys`
  t.equal(again.last_used_at.getTime(), after.last_used_at.getTime(), 'not rewritten within a minute')
})

t.test('delegated auth via GA_AUTH_URL', async t => {
  const ws = '11111111-2222-4333-8444-555555555555'
  let mode: 'ok' | '401' | '403' | '500' | 'down' = 'ok'
  const seen: unknown[] = []
  const backend = createServer((req, res) => {
    let body = ''
    req.on('data', c => { body += c })
    req.on('end', () => {
      seen.push(JSON.parse(body))
      if (mode === 'ok') { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ workspace_id: ws })); return }
      res.writeHead(Number(mode === 'down' ? 500 : mode)); res.end('{}')
    })
  })
  await new Promise<void>(resolve => backend.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { backend.close() })
  const port = (backend.address() as { port: number }).port
  const { app, apiKey } = await build(t, { env: { GA_AUTH_URL: `http://127.0.0.1:${port}/auth` } })

  const ok = await app.inject({ url: '/ga/api/me', headers: { authorization: 'Bearer host-session-token' } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().workspace_id, ws)
  t.same(seen[0], { token: 'host-session-token', type: 'bearer' })

  const local = await app.inject({ url: '/ga/api/me', headers: { 'x-api-key': apiKey } })
  t.equal(local.statusCode, 200, 'local keys never go to the backend')
  t.equal(seen.length, 1)

  for (const [m, status] of [['401', 401], ['403', 403], ['500', 503]] as const) {
    mode = m
    const res = await app.inject({ url: '/ga/api/me', headers: { 'x-api-key': `token-${m}` } })
    t.equal(res.statusCode, status, `backend ${m} → ${status}`)
  }
  t.same(seen.at(-1), { token: 'token-500', type: 'api_key' })
  backend.close()
  backend.closeAllConnections()
  const down = await app.inject({ url: '/ga/api/me', headers: { authorization: 'Bearer another-token' } })
  t.equal(down.statusCode, 503, 'unreachable backend → 503')
})
