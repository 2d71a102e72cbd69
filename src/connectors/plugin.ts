// The connectors feature: registry (built-ins + GA_CONNECTOR_MODULES), settings and dispatch
// routes, the delivery worker and reconciliation as background jobs. Tests drive the jobs by
// hand with runDeliveryTick(app) / runReconciliation(app).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Dispatcher } from 'undici'
import { setRequiredSignals } from '../conversions/required-signals.js'
import { createSafeDispatcher } from '../net/safe-fetch.js'
import dispatchRoutes from './dispatch-routes.js'
import { planConversionDispatches } from './plan-consumer.js'
import type { Tx } from '../events/spine.js'
import { pollingJob } from './job.js'
import { plannerRequirements } from './requirements.js'
import { reconcileDispatches, type ReconcileResult } from './reconcile.js'
import { buildRegistry, loadCustomConnectors } from './registry.js'
import settingsRoutes from './settings-routes.js'
import type { Connector } from './types.js'
import { DEFAULT_CLAIM_LIMIT, deliveryTick, type TickOptions, type TickResult } from './worker.js'

export interface ConnectorsService {
  registry: ReadonlyMap<string, Connector>
  /** SSRF-safe dispatcher for customer-chosen URLs (honours GA_WEBHOOK_ALLOW_PRIVATE). */
  safeDispatcher: Dispatcher
  deliveryTick: (opts?: TickOptions) => Promise<TickResult>
  reconcile: (opts?: { windowHours?: number }) => Promise<ReconcileResult>
}

declare module 'fastify' {
  interface FastifyInstance {
    connectors: ConnectorsService
  }
}

export const DELIVERY_INTERVAL_MS = 1_000
export const RECONCILIATION_INTERVAL_MS = 10 * 60 * 1000

async function connectors (app: FastifyInstance): Promise<void> {
  // An invalid module stops start-up with InvalidConnectorError naming the module and every problem.
  const registry = buildRegistry(await loadCustomConnectors(app.config.connectorModules))
  // The planner (conversions feature) plans with this registry's requirements, custom modules included.
  setRequiredSignals(Object.fromEntries([...registry.values()].map((c) => [c.type, plannerRequirements(c)])))
  const safeDispatcher = createSafeDispatcher({ allowPrivate: app.config.webhookAllowPrivate })
  const deps = { sql: app.database.sql, config: app.config, registry, log: app.log, safeDispatcher, hooks: () => (app.hasDecorator('hooks') ? app.hooks : null) }
  app.decorate('connectors', {
    registry,
    safeDispatcher,
    deliveryTick: async (opts?: TickOptions) => await deliveryTick(deps, opts),
    reconcile: async (opts?: { windowHours?: number }) => await reconcileDispatches({ sql: app.database.sql, connectorsEnabled: app.config.connectorsEnabled, registry }, opts)
  } satisfies ConnectorsService)
  app.spine.consume({
    name: 'connectors.plan',
    phase: 'in-transaction',
    handle: async (items, tx) => { await planConversionDispatches(tx as Tx, items, { connectorsEnabled: app.config.connectorsEnabled, log: app.log }) }
  })
  await app.register(settingsRoutes)
  await app.register(dispatchRoutes)
  if (app.config.connectorsEnabled) {
    app.jobs.add(pollingJob('connector-delivery', async () => (await deliveryTick(deps)).claimed >= DEFAULT_CLAIM_LIMIT, { intervalMs: DELIVERY_INTERVAL_MS, log: app.log }))
    app.jobs.add(pollingJob('connector-reconciliation', async () => { await reconcileDispatches({ sql: app.database.sql, connectorsEnabled: true, registry }); return false }, { intervalMs: RECONCILIATION_INTERVAL_MS, log: app.log }))
  }
  app.addHook('onClose', async () => { await safeDispatcher.close() })
}

export default fp(connectors, { name: 'connectors', dependencies: ['core', 'auth', 'recorder'] })

/** One delivery pass, as the background job runs it (tests call this by hand). */
export async function runDeliveryTick (app: FastifyInstance, opts?: TickOptions): Promise<TickResult> {
  return await app.connectors.deliveryTick(opts)
}

/** One reconciliation pass (the background job runs it every 10 minutes). */
export async function runReconciliation (app: FastifyInstance, opts?: { windowHours?: number }): Promise<ReconcileResult> {
  return await app.connectors.reconcile(opts)
}
