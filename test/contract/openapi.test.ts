// Guards the HTTP contract of API.md: every fixed path is served and described in the OpenAPI
// document, with the security schemes on the REST API.
import t from 'tap'
import { build } from '../helper.js'

const CONTRACT: Array<[string, string]> = [
  ['get', '/healthz'], ['get', '/readyz'], ['get', '/ga/js/good-analytics.js'],
  ['post', '/ga/t/event'], ['post', '/ga/t/click'], ['options', '/ga/t/{*}'],
  ['get', '/{key}'], ['get', '/{key}/qr'],
  ['post', '/ga/api/events'], ['post', '/ga/api/events/batch'], ['get', '/ga/api/events'],
  ['post', '/ga/api/conversions/lead'], ['post', '/ga/api/conversions/sale'],
  ['post', '/ga/api/links'], ['get', '/ga/api/links'], ['get', '/ga/api/links/{id}'], ['patch', '/ga/api/links/{id}'], ['delete', '/ga/api/links/{id}'],
  ['get', '/ga/api/links/{id}/stats'], ['get', '/ga/api/links/{id}/clicks'], ['get', '/ga/api/links/{id}/share'],
  ['get', '/ga/api/visitors'], ['get', '/ga/api/visitors/{id}'], ['get', '/ga/api/visitors/by-external-id/{external_id}'],
  ['get', '/ga/api/visitors/{id}/timeline'], ['get', '/ga/api/visitors/{id}/attribution'], ['post', '/ga/api/visitors/resolve'],
  ['post', '/ga/api/visitors/{id}/identify'], ['delete', '/ga/api/visitors/{id}'],
  ['get', '/ga/api/connectors'], ['put', '/ga/api/connectors/{type}'], ['get', '/ga/api/dispatches'], ['post', '/ga/api/dispatches/{id}/replay'],
  ['get', '/ga/api/webhooks'], ['post', '/ga/api/webhooks'], ['get', '/ga/api/webhooks/{id}'], ['patch', '/ga/api/webhooks/{id}'], ['delete', '/ga/api/webhooks/{id}'],
  ['get', '/ga/api/webhooks/{id}/deliveries'], ['post', '/ga/api/webhooks/deliveries/{id}/replay'], ['get', '/ga/api/stream'],
  ['post', '/ga/admin/workspaces'], ['get', '/ga/admin/workspaces'], ['post', '/ga/admin/workspaces/{id}/api-keys'],
  ['get', '/ga/admin/workspaces/{id}/api-keys'], ['delete', '/ga/admin/api-keys/{id}']
]

t.test('every route of API.md is in the OpenAPI document', async t => {
  const { app } = await build(t, { env: { GA_ADMIN_TOKEN: 'admin-token-0123456789abcdef' } })
  const spec = (await app.inject({ url: '/api/docs/openapi.json' })).json()
  const paths = spec.paths as Record<string, Record<string, { security?: unknown[] }>>
  const missing = CONTRACT.filter(([method, path]) => paths[path]?.[method] === undefined)
  t.same(missing, [], `missing: ${missing.map(m => m.join(' ')).join(', ')} — have: ${Object.keys(paths).join(' ')}`)
  for (const [method, path] of CONTRACT.filter(([, p]) => p.startsWith('/ga/api/'))) {
    t.ok((paths[path]?.[method]?.security ?? []).length > 0, `${method} ${path} declares its security`)
  }
})
