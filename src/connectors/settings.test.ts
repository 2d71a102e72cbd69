import t from 'tap'
import { metaConnector } from './meta/index.js'
import { readStoredSettings, validateSettingsUpdate, type SettingsUpdate } from './settings.js'
import { webhookConnector } from './webhook/index.js'
import type { Connector } from './types.js'

const ctx = { allowPrivate: false, production: false }
const empty = readStoredSettings(undefined)
const stored = readStoredSettings({ enabled: true, credentials: 'v1.x.y.z.w', credential_names: ['access_token', 'pixel_id'] })
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

const CASES: [string, Connector, typeof empty, SettingsUpdate, Record<string, RegExp> | null][] = [
  ['enable with full credentials', metaConnector, empty, { enabled: true, credentials: { pixel_id: '1', access_token: 't' } }, null],
  ['missing required key is named', metaConnector, empty, { enabled: true, credentials: { pixel_id: '1' } }, { 'credentials.access_token': /required/ }],
  ['non-string credential', metaConnector, empty, { credentials: { pixel_id: 1, access_token: 't' } }, { 'credentials.pixel_id': /string/ }],
  ['unknown credential', metaConnector, empty, { credentials: { pixel_id: '1', access_token: 't', nope: 'x' } }, { 'credentials.nope': /not a meta credential/ }],
  ['enable without credentials', metaConnector, empty, { enabled: true }, { credentials: /required to enable meta/ }],
  ['enable with stored credentials', metaConnector, stored, { enabled: true }, null],
  ['unknown option', metaConnector, stored, { config: { options: { bogus: '1' } } }, { 'config.options.bogus': /not a meta option/ }],
  ['test mode needs test_event_code', metaConnector, stored, { config: { test_mode: true } }, { 'config.options.test_event_code': /required/ }],
  ['test mode with code', metaConnector, stored, { config: { test_mode: true, options: { test_event_code: 'TEST1' } } }, null],
  ['disable needs nothing', metaConnector, empty, { enabled: false }, null],
  ['webhook needs a url', webhookConnector, empty, { enabled: true, credentials: { secret: SECRET } }, { 'config.options.url': /required/ }],
  ['webhook refuses loopback', webhookConnector, empty, { enabled: true, credentials: { secret: SECRET }, config: { options: { url: 'http://127.0.0.1:9/x' } } }, { 'config.options.url': /private/ }],
  ['webhook refuses metadata', webhookConnector, empty, { enabled: true, credentials: { secret: SECRET }, config: { options: { url: 'http://169.254.169.254/' } } }, { 'config.options.url': /private/ }],
  ['webhook secret format', webhookConnector, empty, { enabled: true, credentials: { secret: 'short' }, config: { options: { url: 'https://hooks.example.com/x' } } }, { 'credentials.secret': /whsec_|too short/ }],
  ['webhook ok', webhookConnector, empty, { enabled: true, credentials: { secret: SECRET }, config: { options: { url: 'https://hooks.example.com/x' } } }, null],
  // Issue 19: the documented shape config.url, and misplaced fields named with their place.
  ['webhook config.url', webhookConnector, empty, { enabled: true, credentials: { secret: SECRET }, config: { url: 'https://hooks.example.com/x' } }, null],
  ['webhook config.url is checked like options.url', webhookConnector, empty, { enabled: true, credentials: { secret: SECRET }, config: { url: 'http://127.0.0.1:9/x' } }, { 'config.options.url': /private/ }],
  ['webhook config.url not a string', webhookConnector, empty, { config: { url: 42 } }, { 'config.url': /string/ }],
  ['webhook url twice, differently', webhookConnector, empty, { config: { url: 'https://a.example/x', options: { url: 'https://b.example/x' } } }, { 'config.url': /once/ }],
  ['webhook url at the top level', webhookConnector, empty, { url: 'https://hooks.example.com/x' }, { url: /config\.url/ }],
  ['webhook secret under config', webhookConnector, empty, { config: { secret: SECRET } }, { 'config.secret': /credentials\.secret/ }],
  ['webhook secret under config.options', webhookConnector, empty, { config: { options: { secret: SECRET } } }, { 'config.options.secret': /credentials\.secret/ }],
  ['unknown config field names the places', webhookConnector, empty, { config: { endpoint: 'https://x.example' } }, { 'config.endpoint': /not a webhook setting.*config\.url/ }],
  ['unknown body field', metaConnector, empty, { surprise: 1 }, { surprise: /not a meta setting.*enabled, credentials and config/ }],
  ['test_mode at the top level', metaConnector, empty, { test_mode: true }, { test_mode: /config\.test_mode/ }],
  ['meta option given directly', metaConnector, stored, { config: { test_mode: true, test_event_code: 'TEST1' } }, null]
]

t.test('validateSettingsUpdate', async (t) => {
  for (const [name, connector, current, body, want] of CASES) {
    const r = validateSettingsUpdate(connector, current, body, ctx)
    if (want === null) t.ok(r.ok, `${name}: ${JSON.stringify(r.ok ? '' : r.errors)}`)
    else t.match(r.ok ? null : r.errors, want, name)
  }
  const allowed = validateSettingsUpdate(webhookConnector, empty, { enabled: true, credentials: { secret: SECRET }, config: { options: { url: 'http://127.0.0.1:9/x' } } }, { allowPrivate: true, production: false })
  t.ok(allowed.ok, 'allowPrivate permits loopback')
  const prod = validateSettingsUpdate(webhookConnector, empty, { enabled: true, credentials: { secret: SECRET }, config: { options: { url: 'http://hooks.example.com/x' } } }, { allowPrivate: false, production: true })
  t.match(prod.ok ? null : prod.errors, { 'config.options.url': /https/ })
})

t.test('config fields merge; credentials kept unless given', async (t) => {
  const r = validateSettingsUpdate(metaConnector, readStoredSettings({ config: { event_name_mapping: { lead: 'Lead' }, options: { api_version: 'v22.0' } } }), { config: { test_mode: false } }, ctx)
  t.ok(r.ok)
  if (r.ok) {
    t.same(r.value.config.event_name_mapping, { lead: 'Lead' })
    t.same(r.value.config.options, { api_version: 'v22.0' })
    t.equal(r.value.credentials, undefined)
  }
})
