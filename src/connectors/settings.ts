// Per-workspace connector settings as stored in `settings` under key `connector:<type>` (pure):
// the stored shape, reading it defensively, and validating a PUT into the next stored value.
// Credentials are sealed by the caller (crypto.ts) and never leave this module in plain form
// except into the sealing call.
import { isBlockedAddress } from '../net/safe-fetch.js'
import type { Connector, ConnectorConfig } from './types.js'
import { decodeWebhookSecret } from './webhook/sign.js'

export const SETTINGS_KEY_PREFIX = 'connector:'
export function settingsKey (type: string): string { return `${SETTINGS_KEY_PREFIX}${type}` }
/** AAD binding a sealed credential set to its workspace and connector. */
export function credentialsAad (workspaceId: string, type: string): string { return `${workspaceId}|${type}` }

export interface StoredConfig {
  test_mode: boolean
  event_name_mapping: Record<string, string>
  default_calling_code: string | null
  options: Record<string, string>
  /** Send client-trust (browser beacon) leads and sales to this platform too (issue 14 item 2; default false). */
  accept_client_conversions: boolean
}

export interface StoredPause { reason: string, at: string }

export interface StoredConnectorSettings {
  enabled: boolean
  /** crypto.ts envelope "v1.<kid>.…" of the JSON credential map, or null. */
  credentials: string | null
  credential_names: string[]
  credentials_updated_at: string | null
  config: StoredConfig
  /** Set after a credential error; cleared when the credentials change. */
  paused: StoredPause | null
}

export const EMPTY_CONFIG: StoredConfig = { test_mode: false, event_name_mapping: {}, default_calling_code: null, options: {}, accept_client_conversions: false }

function record (value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {}
}

function stringMap (value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(record(value))) if (typeof v === 'string') out[k] = v
  return out
}

/** Whatever is in the row (or nothing) → a complete settings object; malformed parts become defaults. */
export function readStoredSettings (value: unknown): StoredConnectorSettings {
  const v = record(value)
  const config = record(v.config)
  const paused = record(v.paused)
  return {
    enabled: v.enabled === true,
    credentials: typeof v.credentials === 'string' ? v.credentials : null,
    credential_names: Array.isArray(v.credential_names) ? v.credential_names.filter((n): n is string => typeof n === 'string') : [],
    credentials_updated_at: typeof v.credentials_updated_at === 'string' ? v.credentials_updated_at : null,
    config: {
      test_mode: config.test_mode === true,
      event_name_mapping: stringMap(config.event_name_mapping),
      default_calling_code: typeof config.default_calling_code === 'string' ? config.default_calling_code : null,
      options: stringMap(config.options),
      accept_client_conversions: config.accept_client_conversions === true
    },
    paused: typeof paused.reason === 'string' && typeof paused.at === 'string' ? { reason: paused.reason, at: paused.at } : null
  }
}

/** The ConnectorConfig a connector builds with. */
export function connectorConfigOf (stored: StoredConfig): ConnectorConfig {
  return {
    testMode: stored.test_mode,
    eventNameMapping: stored.event_name_mapping,
    ...(stored.default_calling_code === null ? {} : { defaultCallingCode: stored.default_calling_code }),
    options: stored.options
  }
}

export interface SettingsUpdate {
  enabled?: boolean
  credentials?: Record<string, unknown>
  config?: {
    test_mode?: boolean
    event_name_mapping?: Record<string, string>
    default_calling_code?: string | null
    options?: Record<string, string>
    accept_client_conversions?: boolean
    /** A connector option given directly (`config.url` ≡ `config.options.url`), or a misplaced field. */
    [key: string]: unknown
  }
  /** Anything else is misplaced: answered with the field's name and where it belongs. */
  [key: string]: unknown
}

const BODY_FIELDS = ['enabled', 'credentials', 'config'] as const
const CONFIG_FIELDS = ['test_mode', 'event_name_mapping', 'default_calling_code', 'options', 'accept_client_conversions'] as const

/** Where a field that was sent in the wrong place belongs, as the message for that field. */
function placeHint (connector: Connector, name: string, at: 'body' | 'config' | 'options'): string {
  const type = connector.type
  const credentials = [...connector.credentialKeys, ...(connector.optionalCredentialKeys ?? [])]
  const options = connector.configKeys ?? []
  if (credentials.includes(name)) return `is a ${type} credential: send it as credentials.${name}`
  if (options.includes(name)) return `is a ${type} option: send it as config.${name} (or config.options.${name})`
  if ((CONFIG_FIELDS as readonly string[]).includes(name)) return `belongs in config.${name}`
  if ((BODY_FIELDS as readonly string[]).includes(name)) return `belongs at the top level of the body (${name})`
  const optionList = options.length === 0 ? 'none' : options.map((o) => `config.${o}`).join(', ')
  const where = at === 'body' ? 'the body takes enabled, credentials and config' : `config takes ${CONFIG_FIELDS.join(', ')}`
  return `is not a ${type} setting: ${where}; ${type} options: ${optionList}; credentials: ${credentials.join(', ') || 'none'}`
}

/** config.options with the options given directly on config (config.url) merged in, or field → problem. */
function mergedOptions (connector: Connector, current: StoredConfig, body: SettingsUpdate, errors: Record<string, string>): Record<string, string> {
  const given = body.config ?? {}
  const options: Record<string, string> = { ...(given.options ?? current.options) }
  const optionKeys = connector.configKeys ?? []
  for (const name of Object.keys(options)) {
    if (given.options !== undefined && !optionKeys.includes(name)) {
      errors[`config.options.${name}`] = optionKeys.length === 0 || connector.credentialKeys.includes(name)
        ? placeHint(connector, name, 'options')
        : `is not a ${connector.type} option (known: ${optionKeys.join(', ')})`
    }
  }
  for (const [name, value] of Object.entries(given)) {
    if ((CONFIG_FIELDS as readonly string[]).includes(name)) continue
    if (!optionKeys.includes(name)) { errors[`config.${name}`] = placeHint(connector, name, 'config'); continue }
    if (typeof value !== 'string') { errors[`config.${name}`] = 'must be a string'; continue }
    if (value.length > 2048) { errors[`config.${name}`] = 'must be at most 2048 characters'; continue }
    if (given.options?.[name] !== undefined && given.options[name] !== value) {
      errors[`config.${name}`] = `is also given as config.options.${name} with another value: send it once`
      continue
    }
    options[name] = value
  }
  return options
}

export interface ValidatedUpdate {
  enabled: boolean
  /** New plaintext credentials to seal, or undefined to keep the stored ones. */
  credentials?: Record<string, string>
  config: StoredConfig
}

export interface ValidationContext {
  /** GA_WEBHOOK_ALLOW_PRIVATE: tests/dev may point the webhook connector at private addresses. */
  allowPrivate: boolean
  /** Production requires https for customer-chosen URLs. */
  production: boolean
}

function checkWebhookUrl (url: string | undefined, ctx: ValidationContext): string | null {
  if (url === undefined || url.trim() === '') return 'is required to enable the webhook connector'
  let parsed: URL
  try { parsed = new URL(url) } catch { return 'must be an absolute http(s) URL' }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an http(s) URL'
  if (ctx.production && parsed.protocol !== 'https:') return 'must use https'
  if (parsed.username !== '' || parsed.password !== '') return 'must not contain credentials'
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  const literal = /^[\d.]+$/.test(host) || host.includes(':')
  if (!ctx.allowPrivate && (literal ? isBlockedAddress(host) : host === 'localhost' || host.endsWith('.localhost'))) return 'must not point at a private, loopback or link-local address'
  return null
}

/**
 * A PUT body against the current settings → the next settings, or a map of field → problem.
 * Credentials given replace the whole set: every required key must be a non-empty string and no
 * unknown key is accepted. Config fields given replace those fields only.
 */
export function validateSettingsUpdate (connector: Connector, current: StoredConnectorSettings, body: SettingsUpdate, ctx: ValidationContext): { ok: true, value: ValidatedUpdate } | { ok: false, errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  for (const name of Object.keys(body)) {
    if (!(BODY_FIELDS as readonly string[]).includes(name)) errors[name] = placeHint(connector, name, 'body')
  }
  const known = new Set([...connector.credentialKeys, ...(connector.optionalCredentialKeys ?? [])])
  let credentials: Record<string, string> | undefined
  if (body.credentials !== undefined) {
    credentials = {}
    for (const [name, value] of Object.entries(body.credentials)) {
      if (!known.has(name)) errors[`credentials.${name}`] = `is not a ${connector.type} credential (known: ${[...known].join(', ') || 'none'})`
      else if (typeof value !== 'string') errors[`credentials.${name}`] = 'must be a string'
      else if (value.trim() !== '') credentials[name] = value.trim()
    }
    for (const name of connector.credentialKeys) {
      if (errors[`credentials.${name}`] === undefined && credentials[name] === undefined) errors[`credentials.${name}`] = 'is required'
    }
    if (connector.type === 'webhook' && typeof credentials.secret === 'string') {
      try { decodeWebhookSecret(credentials.secret) } catch (err) { errors['credentials.secret'] = (err as Error).message }
    }
  }
  const config: StoredConfig = {
    test_mode: body.config?.test_mode ?? current.config.test_mode,
    event_name_mapping: body.config?.event_name_mapping ?? current.config.event_name_mapping,
    default_calling_code: body.config?.default_calling_code === undefined ? current.config.default_calling_code : body.config.default_calling_code,
    options: mergedOptions(connector, current.config, body, errors),
    accept_client_conversions: body.config?.accept_client_conversions ?? current.config.accept_client_conversions
  }
  const configKeys = connector.configKeys ?? []
  const enabled = body.enabled ?? current.enabled
  const hasCredentials = credentials !== undefined || current.credentials !== null
  if (enabled && connector.credentialKeys.length > 0 && !hasCredentials && body.credentials === undefined) {
    errors.credentials = `are required to enable ${connector.type} (needed: ${connector.credentialKeys.join(', ')})`
  }
  if (enabled && config.test_mode && configKeys.includes('test_event_code') && (config.options.test_event_code ?? '').trim() === '') {
    errors['config.options.test_event_code'] = 'is required in test mode'
  }
  if (enabled && connector.type === 'webhook') {
    const problem = checkWebhookUrl(config.options.url, ctx)
    if (problem !== null) errors['config.options.url'] = problem
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  return { ok: true, value: { enabled, ...(credentials === undefined ? {} : { credentials }), config } }
}
