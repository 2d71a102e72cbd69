// GET/PUT /ga/api/connectors: every bad input the issue lists, credentials sealed (AES-256-GCM,
// aad = workspace|type) and never returned, custom modules from GA_CONNECTOR_MODULES.
import t from 'tap'
import { decryptCredentials, sealedKeyId } from '../../src/connectors/crypto.js'
import { buildApp } from '../../src/app.js'
import { connect } from '../../src/db/client.js'
import { build, createTestDatabase, SCHEMA, TEST_SECRET, testConfig } from '../helper.js'
import { call, VALID_MODULE, WS, writeModule } from './util.js'

t.test('settings API', async (t) => {
  const { app, auth, database } = await build(t)
  const c = { app, auth }
  const list = await call(c, 'GET', '/ga/api/connectors')
  t.equal(list.status, 200)
  t.same(list.body.connectors.map((x: { type: string }) => x.type), ['meta', 'google', 'linkedin', 'tiktok', 'webhook'])
  t.match(list.body.connectors[0], { type: 'meta', enabled: false, credentials_set: [], credential_keys: ['pixel_id', 'access_token'], required_signals: [['_fbp', '_fbc', 'fbclid', 'email', 'phone', 'external_id']], supported_event_types: ['lead', 'sale'], paused: null })

  const BAD: Array<[string, unknown, number, RegExp | string]> = [
    ['/ga/api/connectors/nope', { enabled: true }, 404, /Unknown connector/],
    ['/ga/api/connectors/meta', { enabled: true, credentials: { pixel_id: '1' } }, 422, 'credentials.access_token'],
    ['/ga/api/connectors/meta', { enabled: true }, 422, 'credentials'],
    ['/ga/api/connectors/meta', { credentials: { pixel_id: 123, access_token: 'x' } }, 422, 'credentials.pixel_id'],
    ['/ga/api/connectors/meta', { credentials: { pixel_id: '1', access_token: { nested: true } } }, 422, 'credentials.access_token'],
    ['/ga/api/connectors/meta', { enabled: 'yes' }, 422, 'enabled'],
    ['/ga/api/connectors/meta', { config: { options: { nope: 'x' } } }, 422, 'config.options.nope'],
    ['/ga/api/connectors/meta', { surprise: 1 }, 422, 'surprise'],
    ['/ga/api/connectors/webhook', { url: 'https://hooks.example.com/x' }, 422, 'url'],
    ['/ga/api/connectors/webhook', { config: { endpoint: 'https://hooks.example.com/x' } }, 422, 'config.endpoint'],
    ['/ga/api/connectors/webhook', { enabled: true, credentials: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, config: { options: { url: 'http://169.254.169.254/latest' } } }, 422, 'config.options.url']
  ]
  for (const [url, payload, status, want] of BAD) {
    const r = await call(c, 'PUT', url, payload)
    t.equal(r.status, status, `${url} ${JSON.stringify(payload)}`)
    if (typeof want === 'string') t.ok(r.body.errors?.[want] !== undefined, `names ${want}: ${JSON.stringify(r.body)}`)
    else t.match(r.body.error, want)
  }

  // Issue 19: the webhook URL in its documented place, config.url (also config.options.url).
  const hook = await call(c, 'PUT', '/ga/api/connectors/webhook', { enabled: true, credentials: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, config: { url: 'https://hooks.example.com/conversions' } })
  t.equal(hook.status, 200, JSON.stringify(hook.body))
  t.match(hook.body, { enabled: true, config: { options: { url: 'https://hooks.example.com/conversions' } } })
  const misplaced = await call(c, 'PUT', '/ga/api/connectors/webhook', { config: { secret: 'x' } })
  t.equal(misplaced.status, 422)
  t.match(misplaced.body.error, /config\.secret.*credentials\.secret/, 'the message names the field and its place')

  const put = await call(c, 'PUT', '/ga/api/connectors/meta', { enabled: true, credentials: { pixel_id: '123', access_token: 'very-secret-token' }, config: { event_name_mapping: { signup: 'CompleteRegistration' } } })
  t.equal(put.status, 200)
  t.match(put.body, { enabled: true, credentials_set: ['access_token', 'pixel_id'], config: { event_name_mapping: { signup: 'CompleteRegistration' } } })
  t.notMatch(JSON.stringify(put.body), /very-secret-token/)
  const after = await call(c, 'GET', '/ga/api/connectors')
  t.notMatch(JSON.stringify(after.body), /very-secret-token/)

  const [row] = await database.sql`select value from settings where workspace_id = ${WS} and key = 'connector:meta'`
  t.equal(row.value.enabled, true, 'the planner reads value.enabled')
  t.notMatch(JSON.stringify(row.value), /very-secret-token/, 'not stored in plain text')
  t.match(sealedKeyId(row.value.credentials), /^[a-f0-9]{8}$/, 'key id stored for rotation')
  t.same(decryptCredentials(row.value.credentials, [TEST_SECRET], `${WS}|meta`), { pixel_id: '123', access_token: 'very-secret-token' })
  t.throws(() => decryptCredentials(row.value.credentials, [TEST_SECRET], `${WS}|google`), 'bound to workspace|type')

  const keep = await call(c, 'PUT', '/ga/api/connectors/meta', { enabled: false })
  t.match(keep.body, { enabled: false, credentials_set: ['access_token', 'pixel_id'] }, 'credentials kept when not given')
  const reenable = await call(c, 'PUT', '/ga/api/connectors/meta', { enabled: true })
  t.equal(reenable.status, 200, 'enable with stored credentials')
})

t.test('custom connector modules', async (t) => {
  const { app, auth } = await build(t, { env: { GA_CONNECTOR_MODULES: writeModule(VALID_MODULE) } })
  const list = await call({ app, auth }, 'GET', '/ga/api/connectors')
  t.match(list.body.connectors.at(-1), { type: 'acme', built_in: false, credential_keys: ['api_key'], supported_event_types: ['sale'] })
  // A module problem stops start-up (buildApp rejects) with a message naming the module and each problem.
  const url = await createTestDatabase(t)
  const startWith = async (modules: string): Promise<unknown> => {
    const database = connect(url, SCHEMA, { max: 2 })
    try {
      const app = await buildApp({ config: testConfig(url, { GA_CONNECTOR_MODULES: modules }), database, logger: false })
      await app.close()
      return null
    } catch (err) {
      return err
    } finally {
      await database.close()
    }
  }
  t.match(await startWith(writeModule('export default { type: "Bad Name", requiredSignals: [["email"]] }')), { name: 'InvalidConnectorError', message: /connector module .*acme\.mjs: .*`type` must match.*`requiredSignals`/ })
  t.match(await startWith('/nonexistent/x.mjs'), { message: /cannot be imported/ })
  t.match(await startWith(writeModule(VALID_MODULE.replace("type: 'acme'", "type: 'meta'"))), { message: /already registered/ })
})
