// GET /ga/api/connectors and PUT /ga/api/connectors/:type: per-workspace enablement, sealed
// credentials (only their names are ever returned) and config.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import { workspaceOf } from '../auth/index.js'
import { errorResponses, NotFound, ValidationFailed } from '../errors.js'
import { BUILT_IN_CONNECTORS } from './registry.js'
import { plannerRequirements } from './requirements.js'
import { readStoredSettings, validateSettingsUpdate, type StoredConnectorSettings } from './settings.js'
import { loadAllSettings, loadSettings, saveSettings } from './store.js'
import type { Connector } from './types.js'

const ConfigSchema = Type.Object({
  test_mode: Type.Optional(Type.Boolean({ description: 'Meta/TikTok: send with options.test_event_code; Google: validateOnly; LinkedIn refuses to send' })),
  event_name_mapping: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ minLength: 1, maxLength: 100 }), { description: 'event_name or event_type → platform event name (event_name first)' })),
  default_calling_code: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{1,3}$' }), Type.Null()], { description: 'Calling code for phone numbers without an international prefix' })),
  options: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 2048 }), { description: 'Connector-specific settings (config_keys)' })),
  accept_client_conversions: Type.Optional(Type.Boolean({ description: 'Also send leads and sales recorded by browser beacons (trust "client"); default false: only conversions sent with a secret key' }))
}, {
  // Not `additionalProperties: false`: a connector option may sit directly on config
  // (`{"config": {"url": …}}` for the webhook ≡ `config.options.url`), and any other field is
  // answered by validateSettingsUpdate with its name and the place it belongs.
  description: 'Each of the connector\'s config_keys may be given directly (config.url) or under config.options (config.options.url).'
})

const ConnectorView = Type.Object({
  type: Type.String(),
  built_in: Type.Boolean(),
  enabled: Type.Boolean(),
  credentials_set: Type.Array(Type.String(), { description: 'Names of the stored credentials; values are never returned' }),
  credentials_updated_at: Type.Union([Type.String(), Type.Null()]),
  credential_keys: Type.Array(Type.String()),
  optional_credential_keys: Type.Array(Type.String()),
  config_keys: Type.Array(Type.String()),
  required_signals: Type.Array(Type.Array(Type.String()), { description: 'AND of ORs over click/browser ids and, where the platform matches on them, email/phone/external_id' }),
  supported_event_types: Type.Array(Type.String()),
  max_batch_size: Type.Integer(),
  delivery_window_ms: Type.Union([Type.Integer(), Type.Null()]),
  config: Type.Object({
    test_mode: Type.Boolean(),
    event_name_mapping: Type.Record(Type.String(), Type.String()),
    default_calling_code: Type.Union([Type.String(), Type.Null()]),
    options: Type.Record(Type.String(), Type.String()),
    accept_client_conversions: Type.Boolean()
  }),
  paused: Type.Union([Type.Object({ reason: Type.String(), at: Type.String() }), Type.Null()], { description: 'Set after a credential error; new credentials clear it' })
})
type ConnectorViewT = Static<typeof ConnectorView>

const PutBody = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  credentials: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { description: 'Replaces the whole credential set; every credential_keys name is required; string values only' })),
  config: Type.Optional(ConfigSchema)
}, { description: 'Unknown or misplaced fields are refused with 422, naming the field and where it belongs.' })

export function connectorView (connector: Connector, stored: StoredConnectorSettings): ConnectorViewT {
  return {
    type: connector.type,
    built_in: BUILT_IN_CONNECTORS.has(connector.type),
    enabled: stored.enabled,
    credentials_set: stored.credentials === null ? [] : stored.credential_names,
    credentials_updated_at: stored.credentials_updated_at,
    credential_keys: [...connector.credentialKeys],
    optional_credential_keys: [...(connector.optionalCredentialKeys ?? [])],
    config_keys: [...(connector.configKeys ?? [])],
    required_signals: plannerRequirements(connector),
    supported_event_types: [...connector.supportedEventTypes],
    max_batch_size: connector.maxBatchSize,
    delivery_window_ms: connector.deliveryWindowMs,
    config: stored.config,
    paused: stored.paused
  }
}

const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyAuth: [] }]

const settingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.requireApiKey)

  app.get('/ga/api/connectors', {
    schema: {
      tags: ['connectors'],
      security,
      description: 'Every registered connector (built-in and custom) with this workspace\'s settings. Credential values are never returned.',
      response: { 200: Type.Object({ connectors: Type.Array(ConnectorView) }), ...errorResponses }
    }
  }, async (req) => {
    const stored = await loadAllSettings(app.database.sql, workspaceOf(req))
    return { connectors: [...app.connectors.registry.values()].map((c) => connectorView(c, stored.get(c.type) ?? readStoredSettings(undefined))) }
  })

  app.put('/ga/api/connectors/:type', {
    schema: {
      tags: ['connectors'],
      security,
      description: 'Enables/disables a connector, replaces its credentials (sealed with AES-256-GCM; new credentials un-pause it) and/or updates its config.',
      params: Type.Object({ type: Type.String({ maxLength: 64 }) }),
      body: PutBody,
      response: { 200: ConnectorView, ...errorResponses }
    }
  }, async (req) => {
    const connector = app.connectors.registry.get(req.params.type)
    if (connector === undefined) throw new NotFound(`Unknown connector type "${req.params.type.slice(0, 64)}"`)
    const ws = workspaceOf(req)
    const current = await loadSettings(app.database.sql, ws, connector.type)
    const checked = validateSettingsUpdate(connector, current, req.body, { allowPrivate: app.config.webhookAllowPrivate, production: app.config.production })
    if (!checked.ok) throw new ValidationFailed(checked.errors)
    const saved = await saveSettings(app.database.sql, ws, connector.type, checked.value, app.config.secret, new Date())
    return connectorView(connector, saved)
  })
}

export default settingsRoutes
