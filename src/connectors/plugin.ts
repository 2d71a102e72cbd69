// The connectors feature: registry (built-ins + GA_CONNECTOR_MODULES), settings and dispatch
// routes, the delivery worker and reconciliation as background jobs. Tests drive the jobs by
// hand with runDeliveryTick(app) / runReconciliation(app).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Dispatcher } from 'undici'
import { createSafeDispatcher } from '../net/safe-fetch.js'
import dispatchRoutes from './dispatch-routes.js'
import { pollingJob } from './job.js'
import { buildRegistry, loadCustomConnectors } from './registry.js'
import settingsRoutes from './settings-routes.js'
import type { Connector } from './types.js'
import { DEFAULT_CLAIM_LIMIT, deliveryTick, type TickOptions, type TickResult } from './worker.js'

export interface ConnectorsService {
  registry: ReadonlyMap<string, Connector>
  /** SSRF-safe dispatcher for customer-chosen URLs (honours GA_WEBHOOK_ALLOW_PRIVATE). */
  safeDispatcher: Dispatcher
  deliveryTick: (opts?: TickOptions) => Promise<TickResult>
}

declare module 'fastify' {
  interface FastifyInstance {
    connectors: ConnectorsService
  }
}

export const DELIVERY_INTERVAL_MS = 1_000

async function connectors (app: FastifyInstance): Promise<void> {
  // An invalid module stops start-up with InvalidConnectorError naming the module and every problem.
  const registry = buildRegistry(await loadCustomConnectors(app.config.connectorModules))
  // SEAM until the conversions feature (branch identity) is in main: there this line becomes
  //   setRequiredSignals(Object.fromEntries([...registry.values()].map((c) => [c.type, plannerRequirements(c)])))
  // and reconciliation (reconcile.ts) is registered; both are done on branch connectors-try.
  const safeDispatcher = createSafeDispatcher({ allowPrivate: app.config.webhookAllowPrivate })
  const deps = { sql: app.database.sql, config: app.config, registry, log: app.log, safeDispatcher }
  app.decorate('connectors', {
    registry,
    safeDispatcher,
    deliveryTick: async (opts?: TickOptions) => await deliveryTick(deps, opts)
  } satisfies ConnectorsService)
  await app.register(settingsRoutes)
  await app.register(dispatchRoutes)
  if (app.config.connectorsEnabled) {
    app.jobs.add(pollingJob('connector-delivery', async () => (await deliveryTick(deps)).claimed >= DEFAULT_CLAIM_LIMIT, { intervalMs: DELIVERY_INTERVAL_MS, log: app.log }))
  }
  app.addHook('onClose', async () => { await safeDispatcher.close() })
}

export default fp(connectors, { name: 'connectors', dependencies: ['core', 'auth'] })

/** One delivery pass, as the background job runs it (tests call this by hand). */
export async function runDeliveryTick (app: FastifyInstance, opts?: TickOptions): Promise<TickResult> {
  return await app.connectors.deliveryTick(opts)
}
