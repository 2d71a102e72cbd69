// Which connectors exist: the built-ins plus operator modules (GA_CONNECTOR_MODULES) loaded by path.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { googleConnector } from './google/index.js'
import { linkedinConnector } from './linkedin/index.js'
import { metaConnector } from './meta/index.js'
import { tiktokConnector } from './tiktok/index.js'
import { SIGNAL_KEYS, ConnectorBuildError, type Connector } from './types.js'
import { webhookConnector } from './webhook/index.js'

export const BUILT_IN_CONNECTORS: ReadonlyMap<string, Connector> = new Map(
  [metaConnector, googleConnector, linkedinConnector, tiktokConnector, webhookConnector].map((c) => [c.type, c])
)

export class InvalidConnectorError extends Error {
  constructor (source: string, problem: string) {
    super(`connector module ${source}: ${problem}`)
    this.name = 'InvalidConnectorError'
  }
}

const TYPE_NAME = /^[a-z][a-z0-9_-]{0,62}$/

function isStringArray (value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}

/** Checks the shape of something claiming to be a Connector; every problem is named. */
export function validateConnector (value: unknown, source: string): Connector {
  const problems: string[] = []
  if (value === null || typeof value !== 'object') throw new InvalidConnectorError(source, 'does not export a connector object (export default or `connector`)')
  const c = value as Record<string, unknown>
  if (typeof c.type !== 'string' || !TYPE_NAME.test(c.type)) problems.push('`type` must match /^[a-z][a-z0-9_-]*$/')
  if (!isStringArray(c.supportedEventTypes)) problems.push('`supportedEventTypes` must be an array of strings')
  const signalKeys: readonly string[] = SIGNAL_KEYS
  if (!Array.isArray(c.requiredSignals) || !c.requiredSignals.every((g) => isStringArray(g) && g.every((k) => signalKeys.includes(k)))) {
    problems.push(`\`requiredSignals\` must be an array of arrays of ${SIGNAL_KEYS.join('|')}`)
  }
  if (!isStringArray(c.credentialKeys)) problems.push('`credentialKeys` must be an array of strings')
  if (c.optionalCredentialKeys !== undefined && !isStringArray(c.optionalCredentialKeys)) problems.push('`optionalCredentialKeys` must be an array of strings')
  if (c.configKeys !== undefined && !isStringArray(c.configKeys)) problems.push('`configKeys` must be an array of strings')
  if (typeof c.maxBatchSize !== 'number' || !Number.isInteger(c.maxBatchSize) || c.maxBatchSize < 1) problems.push('`maxBatchSize` must be a positive integer')
  if (c.deliveryWindowMs !== null && (typeof c.deliveryWindowMs !== 'number' || !(c.deliveryWindowMs > 0))) problems.push('`deliveryWindowMs` must be a positive number or null')
  if (typeof c.buildRequest !== 'function') problems.push('`buildRequest` must be a function')
  if (c.buildBatchRequest !== undefined && typeof c.buildBatchRequest !== 'function') problems.push('`buildBatchRequest` must be a function')
  if (typeof c.parseResponse !== 'function') problems.push('`parseResponse` must be a function')
  if (problems.length > 0) throw new InvalidConnectorError(source, problems.join('; '))
  const connector = c as unknown as Connector
  if (typeof c.buildBatchRequest === 'function') return connector
  // A module without batching sends one conversion per request.
  return {
    ...connector,
    maxBatchSize: 1,
    buildBatchRequest: (inputs, ctx) => {
      if (inputs.length !== 1) throw new ConnectorBuildError(connector.type, 'this connector sends one conversion per request')
      return connector.buildRequest(inputs[0], ctx)
    }
  }
}

/** Imports each ES module (path relative to the working directory) and validates its export. */
export async function loadCustomConnectors (paths: readonly string[]): Promise<Connector[]> {
  const loaded: Connector[] = []
  for (const path of paths) {
    let mod: Record<string, unknown>
    try {
      mod = await import(pathToFileURL(resolve(path)).href) as Record<string, unknown>
    } catch (error) {
      throw new InvalidConnectorError(path, `cannot be imported: ${(error as Error).message}`)
    }
    loaded.push(validateConnector(mod.default ?? mod.connector, path))
  }
  return loaded
}

/** Built-ins plus custom connectors; a custom type may not shadow another connector. */
export function buildRegistry (custom: readonly Connector[]): ReadonlyMap<string, Connector> {
  const registry = new Map(BUILT_IN_CONNECTORS)
  for (const connector of custom) {
    if (registry.has(connector.type)) throw new InvalidConnectorError(connector.type, `type "${connector.type}" is already registered`)
    registry.set(connector.type, connector)
  }
  return registry
}
