// Short-link domains owned by workspaces (DESIGN §6, issue 14 item 1). Wrapped with fastify-plugin
// so `app.domains` is visible app-wide: the links feature asks it who may create links on a host
// (inside the link write's transaction) and which pages a host has. Every process drops its cached
// answers when any process writes a domain (NOTIFY), and tells its listeners (the link cache).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { LRUCache } from 'lru-cache'
import { normalizeHost } from '../links/host.js'
import { DOMAINS_CHANNEL, type Tx } from './queries.js'
import domainRoutes from './routes.js'
import { findDomainByHost, linkDomainGuard, type DomainServiceDeps } from './service.js'
import type { DomainRow } from './table.js'
import { systemResolveTxt, type ResolveTxt } from './verify.js'

export interface DomainPages {
  rootUrl: string | null
  notFoundUrl: string | null
  expiredUrl: string | null
}

export interface DomainsApi {
  /** GA_LINK_DOMAINS, normalised. */
  readonly shared: readonly string[]
  isShared: (host: string) => boolean
  /** The pages of an owned host (cached); null for shared and unowned hosts. */
  pages: (host: string) => Promise<DomainPages | null>
  /** Throws unless `workspaceId` may write a link on `host` (see linkDomainGuard); call inside the link's transaction. */
  guard: (tx: Tx, workspaceId: string, host: string) => Promise<void>
  /** Called whenever any process changed a domain. */
  onChange: (listener: () => void) => void
}

declare module 'fastify' {
  interface FastifyInstance { domains: DomainsApi }
}

const LISTEN_RETRY_MS = 5_000

async function domainsPlugin (app: FastifyInstance, opts: { resolveTxt?: ResolveTxt }): Promise<void> {
  const { config, database } = app
  const shared = config.linkDomains.map(d => normalizeHost(d)).filter((d): d is string => d !== null)
  const cache = new LRUCache<string, DomainRow | false>({ max: 10_000, ttl: 60_000 })
  const listeners: Array<() => void> = []
  const changed = (): void => {
    cache.clear()
    for (const listener of listeners) listener()
  }

  const service: DomainServiceDeps = {
    db: database.db,
    sharedDomains: shared,
    verification: config.domainVerification,
    resolveTxt: opts.resolveTxt ?? systemResolveTxt,
    changed
  }

  app.decorate('domains', {
    shared,
    isShared: host => shared.includes(host),
    pages: async host => {
      if (shared.includes(host)) return null
      let row = cache.get(host)
      if (row === undefined) {
        row = (await findDomainByHost(database.db, host)) ?? false
        cache.set(host, row)
      }
      return row === false ? null : { rootUrl: row.rootUrl, notFoundUrl: row.notFoundUrl, expiredUrl: row.expiredUrl }
    },
    guard: async (tx, workspaceId, host) => { await linkDomainGuard(service, tx, workspaceId, host) },
    onChange: listener => { listeners.push(listener) }
  } satisfies DomainsApi)

  let closed = false
  let retry: NodeJS.Timeout | null = null
  let subscription: { unlisten: () => Promise<void> } | null = null
  const start = async (): Promise<void> => {
    try {
      // A (re)connect may have missed notifications: start from nothing.
      subscription = await database.sql.listen(DOMAINS_CHANNEL, changed, changed)
      if (closed) await subscription.unlisten()
    } catch (err) {
      app.log.warn({ err }, 'domains.listen_failed')
      if (!closed) { retry = setTimeout(() => { void start() }, LISTEN_RETRY_MS); retry.unref() }
    }
  }
  await start()
  app.addHook('onClose', async () => {
    closed = true
    if (retry !== null) clearTimeout(retry)
    await subscription?.unlisten().catch(() => {})
  })

  await app.register(domainRoutes, { service })
}

export default fp(domainsPlugin, { name: 'domains', fastify: '5.x', dependencies: ['core', 'auth'] })
export type { ResolveTxt } from './verify.js'
