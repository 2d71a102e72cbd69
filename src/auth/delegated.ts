// Delegated auth (DESIGN §3): a token that is not one of our keys is asked about at GA_AUTH_URL.
// 200 {workspace_id} accepts, 401/403 map through, anything else means "cannot answer" → 503.
import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { request } from 'undici'
import { isUuid } from '../db/uuid.js'

export type DelegatedResult =
  | { ok: true, workspaceId: string }
  | { ok: false, status: 401 | 403 | 503 }

export function createDelegatedAuth (url: string, opts: { timeoutMs?: number, ttlMs?: number } = {}): (token: string, type: 'bearer' | 'api_key') => Promise<DelegatedResult> {
  // Cache answers briefly; "cannot answer" is never cached, so recovery is immediate.
  const cache = new LRUCache<string, DelegatedResult>({ max: 10_000, ttl: opts.ttlMs ?? 30_000 })
  return async (token, type) => {
    const cacheKey = createHash('sha256').update(`${type}:${token}`).digest('base64url')
    const hit = cache.get(cacheKey)
    if (hit !== undefined) return hit
    let result: DelegatedResult
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, type }),
        headersTimeout: opts.timeoutMs ?? 2000,
        bodyTimeout: opts.timeoutMs ?? 2000
      })
      const text = await res.body.text()
      if (res.statusCode === 200) {
        const parsed = JSON.parse(text) as { workspace_id?: unknown }
        result = isUuid(parsed.workspace_id) ? { ok: true, workspaceId: parsed.workspace_id } : { ok: false, status: 503 }
      } else if (res.statusCode === 401 || res.statusCode === 403) {
        result = { ok: false, status: res.statusCode }
      } else {
        result = { ok: false, status: 503 }
      }
    } catch {
      result = { ok: false, status: 503 }
    }
    if (result.ok || result.status !== 503) cache.set(cacheKey, result)
    return result
  }
}
