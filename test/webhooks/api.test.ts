// Webhooks CRUD, validation of every bad input, delivery log and replay over real HTTP.
import t from 'tap'
import { build } from '../helper.js'
import { startReceiver } from './receiver.js'

const ALLOW = { GA_WEBHOOK_ALLOW_PRIVATE: 'true' }

t.test('create shows the secret once; list/get/patch/delete', async t => {
  const { app, auth } = await build(t, { env: ALLOW })
  const rx = await startReceiver(t)
  const created = await app.inject({ method: 'POST', url: '/ga/api/webhooks', headers: auth, payload: { url: rx.url, event_types: ['lead', 'sale', 'lead'], description: 'crm' } })
  t.equal(created.statusCode, 201, created.body)
  const hook = created.json()
  t.match(hook.secret, /^whsec_[A-Za-z0-9+/]+=*$/)
  t.same(hook.event_types, ['lead', 'sale'], 'duplicates removed')
  t.equal(hook.enabled, true)

  const got = await app.inject({ url: `/ga/api/webhooks/${hook.id}`, headers: auth })
  t.equal(got.statusCode, 200)
  t.notOk('secret' in got.json(), 'secret never shown again')
  t.notOk(got.body.includes(hook.secret.slice(6, 20)))

  const list = await app.inject({ url: '/ga/api/webhooks', headers: auth })
  t.equal(list.json().webhooks.length, 1)
  t.notOk(list.body.includes('secret'))

  const all = await app.inject({ method: 'POST', url: '/ga/api/webhooks', headers: auth, payload: { url: rx.url } })
  t.equal(all.json().event_types.length, 11, 'no filter → every type')

  const patched = await app.inject({ method: 'PATCH', url: `/ga/api/webhooks/${hook.id}`, headers: auth, payload: { enabled: false, event_types: ['link.created'], description: null } })
  t.equal(patched.statusCode, 200, patched.body)
  t.equal(patched.json().enabled, false)
  t.same(patched.json().event_types, ['link.created'])
  t.equal(patched.json().description, null)

  const del = await app.inject({ method: 'DELETE', url: `/ga/api/webhooks/${hook.id}`, headers: auth })
  t.equal(del.statusCode, 204)
  t.equal((await app.inject({ url: `/ga/api/webhooks/${hook.id}`, headers: auth })).statusCode, 404)
})

t.test('bad inputs', async t => {
  const { app, auth } = await build(t, { env: ALLOW })
  const rx = await startReceiver(t)
  const cases: Array<[string, string, unknown, number, string]> = [
    ['POST', '/ga/api/webhooks', { url: 'not a url' }, 422, 'url'],
    ['POST', '/ga/api/webhooks', { url: 'ftp://example.com/x' }, 422, 'url'],
    ['POST', '/ga/api/webhooks', { url: 'javascript:alert(1)' }, 422, 'url'],
    ['POST', '/ga/api/webhooks', { url: 'https://user:pw@example.com/x' }, 422, 'url'],
    ['POST', '/ga/api/webhooks', { url: `https://example.com/${'a'.repeat(2100)}` }, 422, 'url'],
    ['POST', '/ga/api/webhooks', {}, 422, 'url'],
    ['POST', '/ga/api/webhooks', { url: rx.url, event_types: ['lead', 'nope'] }, 422, 'event_types'],
    ['POST', '/ga/api/webhooks', { url: rx.url, event_types: [] }, 422, 'event_types'],
    ['POST', '/ga/api/webhooks', { url: rx.url, event_types: 'lead' }, 422, 'event_types'],
    ['POST', '/ga/api/webhooks', { url: rx.url, enabled: 'yes' }, 422, 'enabled'],
    ['POST', '/ga/api/webhooks', { url: rx.url, secret: 'whsec_mine' }, 422, ''],
    ['GET', '/ga/api/webhooks/not-a-uuid', undefined, 404, ''],
    ['GET', '/ga/api/webhooks/00000000-0000-7000-8000-000000000000', undefined, 404, ''],
    ['PATCH', '/ga/api/webhooks/not-a-uuid', { enabled: true }, 404, ''],
    ['PATCH', '/ga/api/webhooks/00000000-0000-7000-8000-000000000000', {}, 422, ''],
    ['DELETE', '/ga/api/webhooks/nope', undefined, 404, ''],
    ['GET', '/ga/api/webhooks/nope/deliveries', undefined, 404, ''],
    ['GET', '/ga/api/webhooks?limit=0', undefined, 422, 'limit'],
    ['POST', '/ga/api/webhooks/deliveries/not-a-uuid/replay', undefined, 404, ''],
    ['POST', '/ga/api/webhooks/deliveries/00000000-0000-7000-8000-000000000000/replay', undefined, 404, '']
  ]
  for (const [method, url, payload, status, field] of cases) {
    const res = await app.inject({ method: method as 'GET', url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) })
    t.equal(res.statusCode, status, `${method} ${url.slice(0, 60)} ${JSON.stringify(payload)?.slice(0, 60)}: ${res.body.slice(0, 200)}`)
    if (field !== '') t.ok(field in (res.json().errors ?? {}), `names ${field}: ${res.body.slice(0, 200)}`)
  }
  t.equal((await app.inject({ url: '/ga/api/webhooks' })).statusCode, 401, 'needs a key')
})

t.test('without the allow flag, private targets are refused at creation', async t => {
  const { app, auth } = await build(t)
  for (const url of ['http://127.0.0.1:9/x', 'http://10.0.0.1/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:9/x', 'http://[fd00:ec2::254]/', 'http://localhost:9/x', 'http://0.0.0.0/']) {
    const res = await app.inject({ method: 'POST', url: '/ga/api/webhooks', headers: auth, payload: { url } })
    t.equal(res.statusCode, 422, `${url}: ${res.body}`)
    t.ok('url' in (res.json().errors ?? {}))
  }
})
