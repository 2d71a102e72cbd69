// Guards the admin API (GA_ADMIN_TOKEN): 404 when unset, 401 with a wrong token, workspaces and
// keys created, listed and revoked; a created key works on the REST API and is shown only once.
import t from 'tap'
import { build } from '../helper.js'

const TOKEN = 'admin-token-0123456789abcdef'

t.test('admin API is a 404 when GA_ADMIN_TOKEN is unset', async t => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/ga/admin/workspaces', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'ROUTE_NOT_FOUND')
})

t.test('admin API with a token', async t => {
  const { app } = await build(t, { env: { GA_ADMIN_TOKEN: TOKEN } })
  const auth = { authorization: `Bearer ${TOKEN}` }
  for (const headers of [{}, { authorization: 'Bearer wrong-token-xxxxxxxxxxxx' }, { authorization: 'Basic abc' }]) {
    const res = await app.inject({ method: 'GET', url: '/ga/admin/workspaces', headers })
    t.equal(res.statusCode, 401)
  }
  const created = await app.inject({ method: 'POST', url: '/ga/admin/workspaces', headers: auth, payload: { name: 'Acme' } })
  t.equal(created.statusCode, 201)
  const ws = created.json()
  t.equal(ws.name, 'Acme')
  const list = await app.inject({ url: '/ga/admin/workspaces', headers: auth })
  t.same(list.json().workspaces.map((w: { name: string }) => w.name).sort(), ['Acme', 'default'])

  const bad = await app.inject({ method: 'POST', url: '/ga/admin/workspaces', headers: auth, payload: { name: '' } })
  t.equal(bad.statusCode, 422)
  const malformed = await app.inject({ method: 'POST', url: '/ga/admin/workspaces', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name":' })
  t.equal(malformed.statusCode, 400)
  t.equal(malformed.json().code, 'INVALID_JSON')

  const key = await app.inject({ method: 'POST', url: `/ga/admin/workspaces/${ws.id}/api-keys`, headers: auth, payload: { name: 'backend' } })
  t.equal(key.statusCode, 201)
  t.match(key.json().key, /^gak_[0-9A-Za-z]{32}$/)
  const me = await app.inject({ url: '/ga/api/me', headers: { authorization: `Bearer ${key.json().key}` } })
  t.equal(me.json().workspace_id, ws.id)

  const pk = await app.inject({ method: 'POST', url: `/ga/admin/workspaces/${ws.id}/api-keys`, headers: auth, payload: { name: 'site', type: 'publishable', allowed_origins: ['https://www.acme.test/'] } })
  t.equal(pk.statusCode, 201)
  t.match(pk.json().key, /^gak_pk_/)
  t.same(pk.json().allowed_origins, ['https://www.acme.test'])
  const badOrigin = await app.inject({ method: 'POST', url: `/ga/admin/workspaces/${ws.id}/api-keys`, headers: auth, payload: { name: 'x', type: 'publishable', allowed_origins: ['*'] } })
  t.equal(badOrigin.statusCode, 422)

  const keys = await app.inject({ url: `/ga/admin/workspaces/${ws.id}/api-keys`, headers: auth })
  t.equal(keys.json().api_keys.length, 2)
  t.notOk(JSON.stringify(keys.json()).includes(key.json().key), 'keys are never listed')
  t.notOk('key_hash' in keys.json().api_keys[0])

  const del = await app.inject({ method: 'DELETE', url: `/ga/admin/api-keys/${key.json().id}`, headers: auth })
  t.equal(del.statusCode, 204)
  const after = await app.inject({ url: '/ga/api/me', headers: { authorization: `Bearer ${key.json().key}` } })
  t.equal(after.statusCode, 401)
  t.equal((await app.inject({ method: 'DELETE', url: '/ga/admin/api-keys/01900000-0000-7000-8000-000000000000', headers: auth })).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url: '/ga/admin/api-keys/not-a-uuid', headers: auth })).statusCode, 422)
  t.equal((await app.inject({ method: 'POST', url: '/ga/admin/workspaces/01900000-0000-7000-8000-000000000000/api-keys', headers: auth, payload: { name: 'x' } })).statusCode, 404)
})

t.test('OpenAPI document and Swagger UI', async t => {
  const { app } = await build(t, { env: { GA_ADMIN_TOKEN: TOKEN } })
  const doc = await app.inject({ url: '/api/docs/openapi.json' })
  t.equal(doc.statusCode, 200)
  const spec = doc.json()
  t.match(spec.openapi, /^3\./)
  t.ok(spec.components.securitySchemes.bearerAuth)
  t.ok(spec.components.securitySchemes.apiKeyAuth)
  t.ok(spec.paths['/ga/api/me'])
  t.ok(spec.paths['/ga/admin/workspaces'])
  const ui = await app.inject({ url: '/api/docs' })
  t.equal(ui.statusCode, 200)
  t.match(ui.body, /<html/i)
  const css = await app.inject({ url: '/api/docs/static/swagger-ui.css' })
  t.equal(css.statusCode, 200, 'UI assets are served from the package (offline)')
})
