// The redirect's link cache: LRU by (domain, key), negative entries included, so the hot path does
// not touch the database. Misses for the same entry are coalesced into one load. Invalidation is
// by key (every domain), because the key-only fallback can serve a link under any request host;
// a load that started before an invalidation is not cached (generation check).
import { LRUCache } from 'lru-cache'
import type { RedirectLink } from './redirect-target.js'

export interface CachedLink extends RedirectLink {
  id: string
  workspaceId: string
  domain: string
  key: string
  linkType: string
  expiresAtMs: number | null
  expiredUrl: string | null
  passwordHash: string | null
  /** The link's own Referrer-Policy, or null for the default. */
  referrerPolicy: string | null
  hasGeoTargeting: boolean
}

export interface LinkCacheOptions {
  max?: number
  /** Safety net when a notification is missed; invalidation normally comes through NOTIFY. */
  ttlMs?: number
  negativeTtlMs?: number
}

const MISSING = false
type Entry = CachedLink | typeof MISSING

export class LinkCache {
  private readonly lru: LRUCache<string, Entry>
  private readonly loading = new Map<string, Promise<CachedLink | null>>()
  private generation = 0
  private readonly negativeTtlMs: number

  constructor (private readonly load: (domain: string, key: string) => Promise<CachedLink | null>, opts: LinkCacheOptions = {}) {
    this.lru = new LRUCache<string, Entry>({ max: opts.max ?? 50_000, ttl: opts.ttlMs ?? 5 * 60_000 })
    this.negativeTtlMs = opts.negativeTtlMs ?? 60_000
  }

  /** The cached answer: a link, null (known missing), or undefined when it must be loaded. */
  peek (domain: string, key: string): CachedLink | null | undefined {
    const hit = this.lru.get(entryKey(domain, key))
    return hit === undefined ? undefined : hit === MISSING ? null : hit
  }

  async resolve (domain: string, key: string): Promise<CachedLink | null> {
    const hit = this.peek(domain, key)
    if (hit !== undefined) return hit
    const id = entryKey(domain, key)
    const pending = this.loading.get(id)
    if (pending !== undefined) return await pending
    const generation = this.generation
    const promise = this.load(domain, key).then(link => {
      if (generation === this.generation) {
        if (link === null) this.lru.set(id, MISSING, { ttl: this.negativeTtlMs })
        else this.lru.set(id, link)
      }
      return link
    }).finally(() => { this.loading.delete(id) })
    this.loading.set(id, promise)
    return await promise
  }

  /** Drops every entry (any domain) for these keys. */
  invalidateKeys (keys: Iterable<string>): void {
    this.generation++
    const wanted = new Set(keys)
    if (wanted.size === 0) return
    for (const id of [...this.lru.keys()]) {
      if (wanted.has(id.slice(id.indexOf('\n') + 1))) this.lru.delete(id)
    }
  }

  clear (): void {
    this.generation++
    this.lru.clear()
  }

  get size (): number { return this.lru.size }
}

function entryKey (domain: string, key: string): string {
  return `${domain}\n${key}`
}

/** NOTIFY payloads: the keys whose entries are stale (old and new key of an update). */
export function encodeInvalidation (keys: Iterable<string>): string {
  return JSON.stringify({ k: [...new Set(keys)] })
}

export function decodeInvalidation (payload: string): string[] | null {
  try {
    const parsed = JSON.parse(payload) as { k?: unknown }
    return Array.isArray(parsed.k) && parsed.k.every(k => typeof k === 'string') ? parsed.k as string[] : null
  } catch {
    return null
  }
}
