// Which workspace a beacon writes to and which page origins may send it: from the publishable key
// in the body (`pk`), else the default workspace with GA_ALLOWED_ORIGINS. Key rows come from the
// auth feature's 5-second cache; the preflight's "is this origin known at all" answer is cached
// here for as long, so neither path costs a database round trip per beacon.
import { LRUCache } from 'lru-cache'
import { normalizeOrigin } from '../auth/origins.js'
import { checkLocalKey, DEFAULT_WORKSPACE_ID, KEY_CACHE_TTL_MS } from '../auth/service.js'
import type { Db, Sql } from '../db/client.js'
import { InvalidPublishableKey, SecretKeyInPage } from './errors.js'

export interface BeaconSite {
  workspaceId: string
  /** Page origins allowed to send this workspace's beacons (the key's, plus GA_ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[]
  keyId: string | null
  /** The key lets pages send `sale` beacons (issue 14 item 2); never for the key-less default site. */
  allowClientSales: boolean
}

export interface SiteKeys {
  /** The site named by `pk` (throws 401/403 for a bad key), or the default site when pk is null. */
  siteOf: (pk: string | null) => Promise<BeaconSite>
  /** Preflights carry no body: an origin is allowed when any live publishable key (or the config) lists it. */
  originKnown: (origin: string) => Promise<boolean>
}

const REASONS = { unknown: 'Unknown publishable key', revoked: 'Publishable key has been revoked', expired: 'Publishable key has expired' } as const

export function createSiteKeys (deps: { db: Db, sql: Sql, secret: string, allowedOrigins: readonly string[] }): SiteKeys {
  const configured = deps.allowedOrigins
  const defaultSite: BeaconSite = Object.freeze({ workspaceId: DEFAULT_WORKSPACE_ID, allowedOrigins: configured, keyId: null, allowClientSales: false })
  const known = new LRUCache<string, boolean>({ max: 10_000, ttl: KEY_CACHE_TTL_MS })

  async function siteOf (pk: string | null): Promise<BeaconSite> {
    if (pk === null) return defaultSite
    if (pk === '') throw new InvalidPublishableKey(REASONS.unknown)
    const check = await checkLocalKey(deps.db, deps.secret, pk)
    if (!check.ok) throw new InvalidPublishableKey(REASONS[check.reason])
    if (check.key.type !== 'publishable') throw new SecretKeyInPage('A secret key must never be put in a page: use a publishable key (gak_pk_...) as pk')
    const own = check.key.allowedOrigins.map(normalizeOrigin).filter((o): o is string => o !== null)
    return { workspaceId: check.key.workspaceId, allowedOrigins: [...new Set([...own, ...configured])], keyId: check.key.id, allowClientSales: check.key.allowClientSales }
  }

  async function originKnown (origin: string): Promise<boolean> {
    if (configured.includes(origin)) return true
    const hit = known.get(origin)
    if (hit !== undefined) return hit
    const [row] = await deps.sql<Array<{ present: boolean }>>`
      select exists (
        select 1 from api_keys
        where type = 'publishable' and revoked_at is null and (expires_at is null or expires_at > now())
          and ${origin} = any(allowed_origins)
      ) as present`
    const present = row?.present === true
    known.set(origin, present)
    return present
  }

  return { siteOf, originKnown }
}
