// Short links: REST API, redirect, QR, click recording. Wrapped with fastify-plugin so `app.links`
// (the counters API for conversions) is visible app-wide; each route group is its own encapsulated
// plugin (the API routes carry requireApiKey, the public ones the form parser).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type postgres from 'postgres'
import { openGeoReader, type GeoLookup } from '../classify/index.js'
import { deriveKey } from '../config.js'
import type { IngestStats } from '../events/ingest-buffer.js'
import type { Tx } from '../events/spine.js'
import { decodeInvalidation, LinkCache } from './cache.js'
import { clickItem, countOnLinks, decideUniques, type ClickInput } from './clicks.js'
import { loadRedirectLink } from './lookup.js'
import { addLinkCounters, LINKS_CHANNEL, pruneUniqueWindows } from './queries.js'
import crudRoutes from './routes/crud.js'
import qrRoutes from './routes/qr.js'
import redirectRoutes from './routes/redirect.js'
import reportRoutes from './routes/reports.js'
import type { LinkServiceDeps } from './service.js'
import { linkJson } from './link-json.js'
import { callRedirectHook } from '../webhooks/index.js'

export interface LinksApi {
  /** Adds conversions to a link's counters inside the caller's transaction (lead/sale attribution). */
  linkCountersAdd: (tx: postgres.TransactionSql | postgres.Sql, linkId: string, add: { leads?: number, sales?: number, revenueCents?: number }) => Promise<void>
  /** Resolves when every click received so far is committed (tests, benches). */
  flushClicks: () => Promise<void>
  /** A click as a spine item (the /ga/t/click door builds its clicks the same way). */
  clickItem: (click: ClickInput) => ReturnType<typeof clickItem>
  readonly clickStats: IngestStats & { dropped: number }
  readonly cache: LinkCache
}

declare module 'fastify' {
  interface FastifyInstance { links: LinksApi }
}

const PRUNE_EVERY_MS = 10 * 60_000
const LISTEN_RETRY_MS = 5_000

async function linksPlugin (app: FastifyInstance): Promise<void> {
  const { config, database } = app
  const { sql } = database
  // Opened once per process (reads the whole MMDB); lookups are memoised.
  let geo: GeoLookup | null = null
  try {
    geo = openGeoReader(config.geoipDb ?? undefined)
  } catch (err) {
    app.log.warn({ err }, 'links.geo_unavailable')
  }

  const cache = new LinkCache(async (domain, key) => await loadRedirectLink(sql, domain, key, app.domains.shared))
  // Who may be served on a host changes with its domain row: drop every cached answer.
  app.domains.onChange(() => { cache.clear() })
  const dropped = { count: 0 }
  const clickDeps = { geo, ownDomains: config.ownDomains }
  const hashKey = deriveKey(config.secret, 'ga-link-unique-click')
  // Clicks travel the spine like every event; this feature decides their uniqueness before they
  // are inserted and keeps its counters in the same transaction.
  app.spine.consume({
    name: 'links.unique-clicks',
    phase: 'before-insert',
    handle: async (items, tx) => {
      const clicks = items.filter(i => i.row.event_type === 'link_click' && i.row.link_id !== null)
      if (clicks.length > 0) await decideUniques(tx as Tx, clicks, hashKey)
    }
  })
  app.spine.consume({ name: 'links.counters', phase: 'in-transaction', handle: async (items, tx) => { await countOnLinks(tx as Tx, items) } })

  let pruneTimer: NodeJS.Timeout | null = null
  app.jobs.add({
    name: 'links.unique-window-prune',
    start: () => {
      pruneTimer = setInterval(() => { pruneUniqueWindows(sql).catch(err => app.log.warn({ err }, 'links.prune_failed')) }, PRUNE_EVERY_MS)
      pruneTimer.unref()
    },
    stop: async () => { if (pruneTimer !== null) clearInterval(pruneTimer) }
  })

  await listenForInvalidations(app, cache)

  app.decorate('links', {
    linkCountersAdd: async (tx, linkId, add) => {
      await addLinkCounters(tx, new Map([[linkId, { leads: add.leads, sales: add.sales, revenueCents: add.revenueCents }]]))
    },
    flushClicks: async () => { await app.spine.idle() },
    clickItem: click => clickItem(click, clickDeps),
    get clickStats () { return { ...app.spine.stats, dropped: dropped.count } },
    cache
  } satisfies LinksApi)

  const service: LinkServiceDeps = {
    db: database.db,
    linkDomains: config.linkDomains,
    domainGuard: async (tx, workspaceId, domain) => { await app.domains.guard(tx, workspaceId, domain) },
    invalidate: keys => { cache.invalidateKeys(keys) },
    announce: async (tx, type, row) => { if (app.hasDecorator('hooks')) await app.hooks.publish(tx, row.workspaceId, type, { link: linkJson(row) }) }
  }
  await app.register(crudRoutes, { service })
  await app.register(reportRoutes)
  await app.register(qrRoutes, { cache })
  await app.register(redirectRoutes, {
    cache,
    geo,
    // A full click queue holds the redirect back (up to 2 s) rather than dropping a click; only
    // when the database is failing is a click past the bound dropped, counted and logged.
    // Queued at once (the usual case) answers synchronously: no promise per click.
    record: click => {
      const item = clickItem(click, clickDeps)
      if (app.spine.push(item)) return undefined
      return (async () => {
        if (await app.spine.pushWhenRoom(item, 2000)) return
        dropped.count++
        if (dropped.count % 1000 === 1) app.log.error({ dropped: dropped.count }, 'links.clicks_dropped')
      })()
    },
    unlockSecret: deriveKey(config.secret, 'ga-link-unlock'),
    cookieDomain: config.cookieDomain,
    hook: app.hasDecorator('redirectHook') && app.redirectHook !== null ? async ctx => await callRedirectHook(app, ctx) : undefined,
    ownDomains: config.ownDomains
  })
}

// Every process drops stale entries when any process writes a link. On (re)connect the whole cache
// is cleared, since notifications sent while disconnected are lost; if LISTEN cannot start, retry.
async function listenForInvalidations (app: FastifyInstance, cache: LinkCache): Promise<void> {
  let closed = false
  let retry: NodeJS.Timeout | null = null
  let subscription: { unlisten: () => Promise<void> } | null = null
  const start = async (): Promise<void> => {
    try {
      subscription = await app.database.sql.listen(LINKS_CHANNEL, payload => {
        const keys = decodeInvalidation(payload)
        if (keys === null) cache.clear()
        else cache.invalidateKeys(keys)
      }, () => { cache.clear() })
      if (closed) await subscription.unlisten()
    } catch (err) {
      app.log.warn({ err }, 'links.listen_failed')
      if (!closed) { retry = setTimeout(() => { void start() }, LISTEN_RETRY_MS); retry.unref() }
    }
  }
  await start()
  app.addHook('onClose', async () => {
    closed = true
    if (retry !== null) clearTimeout(retry)
    await subscription?.unlisten().catch(() => {})
  })
}

export default fp(linksPlugin, { name: 'links', fastify: '5.x', dependencies: ['core', 'auth', 'recorder', 'domains', 'limits'] })
