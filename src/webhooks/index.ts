// Hooks and live data (DESIGN §8, issue 7): signed outbound webhooks with a durable outbox and a
// delivery worker, the synchronous redirect hook, and SSE live streams fed by LISTEN/NOTIFY.
// Decorates `app.hooks` (the publisher every feature announces through), `app.redirectHook`
// and `app.liveBus`.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Dispatcher } from 'undici'
import { createSafeDispatcher, systemResolve } from '../net/safe-fetch.js'
import { LiveBus } from './live-bus.js'
import { createPublisher, DELIVERIES_CHANNEL, type HookPublisher } from './publisher.js'
import { eventReply } from '../events/columns.js'
import type { SpineItem, Tx } from '../events/spine.js'
import type { RecordedEvent } from './event-json.js'
import { createRedirectHook, type RedirectHookClient, type RedirectHookContext } from './redirect-hook.js'
import type { HookCookie } from './hook-cookies.js'
import webhookRoutes from './routes.js'
import streamRoute, { type StreamTuning } from './stream-route.js'
import { deliverDueWebhooks } from './worker.js'

declare module 'fastify' {
  interface FastifyInstance {
    hooks: HookPublisher
    redirectHook: RedirectHookClient | null
    liveBus: LiveBus
    /** Stream timings; tests shorten them. */
    streamTuning: StreamTuning
  }
}

const WORKER_POLL_MS = 1_000

async function webhooksPlugin (app: FastifyInstance): Promise<void> {
  const { config, database } = app
  const { sql } = database
  const publisher = createPublisher(sql, err => { app.log.warn({ err }, 'webhooks.live_notify_failed') })
  app.decorate('hooks', publisher)
  // Every event of the spine, whichever door it came through: the webhook outbox in the batch's
  // transaction (durable with the events), the live notices once it committed.
  app.spine.consume({ name: 'webhooks.outbox', phase: 'in-transaction', handle: async (items, tx) => { await publisher.recordedInTransaction(tx as Tx, recordedEvents(items)) } })
  app.spine.consume({ name: 'webhooks.live', phase: 'after-commit', handle: async items => { await publisher.announceLive(recordedEvents(items)) } })

  const redirectHook = config.redirectHookUrl === null
    ? null
    : createRedirectHook({ url: config.redirectHookUrl, onError: err => { app.log.debug({ err }, 'redirect_hook.failed') } })
  app.decorate('redirectHook', redirectHook)

  const bus = new LiveBus({ sql, log: app.log })
  app.decorate('liveBus', bus)
  const tuning: StreamTuning = { heartbeatMs: 15_000, maxBacklogBytes: 256 * 1024, maxPerWorkspace: config.streams.maxPerWorkspace, authRecheckMs: config.streams.authRecheckMs }
  app.decorate('streamTuning', tuning)
  const openStreams = new Set<() => void>()
  // Every process listens (not only those running workers): any of them may hold a stream.
  app.addHook('onReady', async () => { await bus.start() })
  // SSE responses never end by themselves: end them so the server can close.
  app.addHook('preClose', async () => { for (const end of [...openStreams]) end() })

  const agent = createSafeDispatcher({ allowPrivate: config.webhookAllowPrivate })
  app.jobs.add(deliveryJob(app, agent))
  app.addHook('onClose', async () => {
    await bus.stop()
    await redirectHook?.close()
  })

  await app.register(webhookRoutes, { prefix: '/ga/api', lookup: systemResolve })
  await app.register(streamRoute, { prefix: '/ga/api', bus, tuning, open: openStreams })
}

/** Polls for due deliveries and wakes at once when a publisher's NOTIFY says new ones committed. */
function deliveryJob (app: FastifyInstance, agent: Dispatcher): { name: string, start: () => void, stop: () => Promise<void> } {
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> | null = null
  let again = false
  let stopped = false
  let listening: { unlisten: () => Promise<void> } | null = null

  const tick = (): void => {
    if (stopped) return
    if (running !== null) { again = true; return }
    running = (async () => {
      do {
        again = false
        const n = await deliverDueWebhooks({ sql: app.database.sql, serviceSecret: app.config.secret, agent, log: app.log })
        if (n > 0) again = true // a full batch may have left more behind
      } while (again && !stopped)
    })().catch(err => { app.log.error({ err }, 'webhook.worker_failed') }).finally(() => { running = null })
  }

  return {
    name: 'webhook-deliveries',
    start: () => {
      timer = setInterval(tick, WORKER_POLL_MS)
      timer.unref()
      app.database.sql.listen(DELIVERIES_CHANNEL, tick)
        .then(l => { listening = l; if (stopped) void l.unlisten() })
        .catch(err => { app.log.warn({ err }, 'webhook.listen_failed') })
      tick()
    },
    stop: async () => {
      stopped = true
      if (timer !== null) clearInterval(timer)
      await listening?.unlisten().catch(() => {})
      await running
      await agent.close()
    }
  }
}

/**
 * For the redirect handler: the cookies the synchronous hook asks for, within its 50 ms budget;
 * [] when no hook is configured, it is slow, fails or answers anything unusable.
 */
export async function callRedirectHook (app: FastifyInstance, ctx: RedirectHookContext): Promise<HookCookie[]> {
  if (!app.hasDecorator('redirectHook') || app.redirectHook === null) return []
  return await app.redirectHook.call(ctx)
}

export { hookCookieOptions, type HookCookie } from './hook-cookies.js'
export type { RedirectHookContext } from './redirect-hook.js'
export type { HookPublisher, Announcement } from './publisher.js'
export type { RecordedEvent } from './event-json.js'
export type { WebhookEventType } from './event-types.js'

function recordedEvents (items: readonly SpineItem[]): RecordedEvent[] {
  return items.map(i => {
    // Assigned, not spread into a new literal: that pattern is slow on V8 for wide objects (row-builder.ts).
    const event = eventReply(i.row, i.visitorId ?? null)
    event.workspace_id = i.row.workspace_id
    event.occurred_at = i.row.occurred_at
    return event as unknown as RecordedEvent
  })
}

export default fp(webhooksPlugin, { name: 'webhooks', fastify: '5.x', dependencies: ['core', 'auth', 'recorder'] })
