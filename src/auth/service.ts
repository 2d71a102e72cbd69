// Workspaces, API keys and authentication. Used by the admin routes, the CLI and the REST hook.
import { LRUCache } from 'lru-cache'
import type { Db, Sql } from '../db/client.js'
import { uuidv7 } from '../db/uuid.js'
import { ValidationFailed } from '../errors.js'
import { generateApiKey, hashApiKey, keyPrefix } from './keys.js'
import * as q from './queries.js'
import type { ApiKeyRow, ApiKeyType, WorkspaceRow } from './table.js'

export { DEFAULT_WORKSPACE_ID } from './queries.js'

export interface ApiKeyView {
  id: string
  workspace_id: string
  name: string
  type: ApiKeyType
  prefix: string
  allowed_origins: string[]
  allow_client_sales: boolean
  expires_at: string | null
  revoked_at: string | null
  last_used_at: string | null
  created_at: string
}

export function apiKeyView (row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    name: row.name,
    type: row.type,
    prefix: row.prefix,
    allowed_origins: row.allowedOrigins,
    allow_client_sales: row.allowClientSales,
    expires_at: row.expiresAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString()
  }
}

export function workspaceView (row: WorkspaceRow): { id: string, name: string, created_at: string } {
  return { id: row.id, name: row.name, created_at: row.createdAt.toISOString() }
}

export async function createWorkspace (db: Db, name: string, id = uuidv7()): Promise<WorkspaceRow | null> {
  return await q.insertWorkspace(db, { id, name })
}

export async function createApiKey (db: Db, secret: string, input: { workspaceId: string, name: string, type: ApiKeyType, allowedOrigins?: string[], allowClientSales?: boolean, expiresAt?: Date | null }): Promise<{ key: string, row: ApiKeyRow }> {
  if (input.allowClientSales === true && input.type !== 'publishable') throw new ValidationFailed({ allow_client_sales: 'applies to publishable keys only' })
  const key = generateApiKey(input.type)
  const row = await q.insertApiKey(db, {
    id: uuidv7(),
    workspaceId: input.workspaceId,
    name: input.name,
    type: input.type,
    keyHash: hashApiKey(secret, key),
    prefix: keyPrefix(key),
    allowedOrigins: input.allowedOrigins ?? [],
    allowClientSales: input.allowClientSales ?? false,
    expiresAt: input.expiresAt ?? null
  })
  return { key, row }
}

/**
 * First start on an empty database: create the `default` workspace and one secret key for it.
 * Returns the key only to the process whose insert won, so it is printed exactly once.
 */
export async function bootstrapDefaultWorkspace (db: Db, secret: string): Promise<string | null> {
  const created = await q.insertWorkspace(db, { id: q.DEFAULT_WORKSPACE_ID, name: 'default' })
  if (created === null) return null
  const { key } = await createApiKey(db, secret, { workspaceId: created.id, name: 'first key', type: 'secret' })
  return key
}

export type LocalKeyCheck =
  | { ok: true, key: ApiKeyRow }
  | { ok: false, reason: 'unknown' | 'revoked' | 'expired' }

// Key rows are cached briefly so an authenticated request costs no database round trip; a revoke
// in this process clears the cache at once, other processes see it within KEY_CACHE_TTL_MS.
export const KEY_CACHE_TTL_MS = 5_000
const keyCache = new LRUCache<string, ApiKeyRow | 'none'>({ max: 50_000, ttl: KEY_CACHE_TTL_MS })
export function forgetCachedKeys (): void { keyCache.clear() }

export async function checkLocalKey (db: Db, secret: string, token: string, now = new Date()): Promise<LocalKeyCheck> {
  // The lookup is by HMAC digest: the index compare happens on digests, never on the raw key.
  const hash = hashApiKey(secret, token)
  let cached = keyCache.get(hash)
  if (cached === undefined) {
    cached = await q.findApiKeyByHash(db, hash) ?? 'none'
    keyCache.set(hash, cached)
  }
  const row = cached === 'none' ? null : cached
  if (row === null) return { ok: false, reason: 'unknown' }
  if (row.revokedAt !== null) return { ok: false, reason: 'revoked' }
  if (row.expiresAt !== null && row.expiresAt <= now) return { ok: false, reason: 'expired' }
  return { ok: true, key: row }
}

const TOUCH_EVERY_MS = 60_000
const lastTouched = new Map<string, number>()

/** last_used_at is written at most once a minute per key (per process, and guarded in SQL too). */
export function touchApiKey (sql: Sql, keyId: string, now = Date.now()): void {
  const prev = lastTouched.get(keyId) ?? 0
  if (now - prev < TOUCH_EVERY_MS) return
  lastTouched.set(keyId, now)
  sql`update api_keys set last_used_at = now() where id = ${keyId} and (last_used_at is null or last_used_at < now() - interval '1 minute')`
    .catch(() => { lastTouched.delete(keyId) })
}

/** Changes a key's page settings (admin API, CLI); null when the key does not exist. Throws a 422 for a setting that does not fit the key. */
export async function updateApiKey (db: Db, id: string, patch: { allowClientSales?: boolean, allowedOrigins?: string[] }): Promise<ApiKeyRow | null> {
  const current = await q.findApiKey(db, id)
  if (current === null) return null
  if (patch.allowClientSales === true && current.type !== 'publishable') throw new ValidationFailed({ allow_client_sales: 'applies to publishable keys only' })
  const row = await q.updateApiKey(db, id, patch)
  forgetCachedKeys()
  return row
}

export async function revokeApiKey (db: Db, id: string): Promise<ApiKeyRow | null> {
  const row = await q.revokeApiKey(db, id)
  forgetCachedKeys()
  return row
}

export { listApiKeys, listWorkspaces, findWorkspace, findApiKey } from './queries.js'
