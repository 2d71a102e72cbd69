// Reading and changing a workspace's trust settings (settings key `trust`), for the REST routes,
// the admin API, the CLI and the beacon path. The beacon path reads through a 5-second cache (as
// API keys are cached), so a beacon costs no database round trip; a change made in this process
// clears its entry at once, other processes see it within KEY_CACHE_TTL_MS.
import { LRUCache } from 'lru-cache'
import type postgres from 'postgres'
import { KEY_CACHE_TTL_MS } from '../auth/service.js'
import { CredentialDecryptError, openString, sealString } from '../connectors/crypto.js'
import type { Sql } from '../db/client.js'
import {
  EMPTY_TRUST, generateIdentitySecret, identitySecretAad, previousStillValid, readStoredTrust, TRUST_SETTINGS_KEY, type StoredTrust
} from './settings.js'

type Queryable = Sql | postgres.TransactionSql

/** What the beacon path needs: the secrets tokens may be signed with, and the revenue opt-in. */
export interface WorkspaceTrust {
  /** Opened identity secrets, current first; empty when none is set (then no claim verifies). */
  identitySecrets: readonly string[]
  countClientRevenue: boolean
}

export interface TrustView {
  count_client_revenue: boolean
  identity_secret_set: boolean
  identity_secret_created_at: string | null
}

export interface IdentitySecretView { identity_secret: string, created_at: string }

export interface TrustService {
  /** Cached: the beacon path. */
  of: (workspaceId: string) => Promise<WorkspaceTrust>
  view: (workspaceId: string) => Promise<TrustView>
  setCountClientRevenue: (workspaceId: string, on: boolean) => Promise<TrustView>
  /** Creates the secret, or replaces it (the old one stays valid for IDENTITY_SECRET_GRACE_MS). */
  rotateIdentitySecret: (workspaceId: string) => Promise<IdentitySecretView>
  /** The current secret in plain text (secret-key and admin callers only), or null when none is set. */
  readIdentitySecret: (workspaceId: string) => Promise<IdentitySecretView | null>
}

async function load (sql: Queryable, ws: string, forUpdate = false): Promise<StoredTrust> {
  const [row] = forUpdate
    ? await sql<Array<{ value: unknown }>>`select value from settings where workspace_id = ${ws} and key = ${TRUST_SETTINGS_KEY} for update`
    : await sql<Array<{ value: unknown }>>`select value from settings where workspace_id = ${ws} and key = ${TRUST_SETTINGS_KEY}`
  return row === undefined ? EMPTY_TRUST : readStoredTrust(row.value)
}

async function save (sql: Queryable, ws: string, value: StoredTrust): Promise<void> {
  await sql`insert into settings (workspace_id, key, value, updated_at) values (${ws}, ${TRUST_SETTINGS_KEY}, ${sql.json(value as never)}, now())
    on conflict (workspace_id, key) do update set value = excluded.value, updated_at = excluded.updated_at`
}

/** Read-modify-write under the row lock, so a rotation and a revenue switch never lose each other. */
async function update (sql: Sql, ws: string, change: (current: StoredTrust) => StoredTrust): Promise<StoredTrust> {
  return await sql.begin(async tx => {
    await tx`insert into settings (workspace_id, key, value) values (${ws}, ${TRUST_SETTINGS_KEY}, ${tx.json({})}) on conflict do nothing`
    const next = change(await load(tx, ws, true))
    await save(tx, ws, next)
    return next
  })
}

function viewOf (stored: StoredTrust): TrustView {
  return {
    count_client_revenue: stored.count_client_revenue,
    identity_secret_set: stored.identity_secret !== null,
    identity_secret_created_at: stored.identity_secret_created_at
  }
}

export function createTrustService (deps: { sql: Sql, secret: string, onDecryptError?: (err: Error, workspaceId: string) => void }): TrustService {
  const { sql, secret } = deps
  const cache = new LRUCache<string, WorkspaceTrust>({ max: 10_000, ttl: KEY_CACHE_TTL_MS })
  const open = (sealed: string, ws: string): string | null => {
    try {
      return openString(sealed, [secret], identitySecretAad(ws))
    } catch (err) {
      // GA_SECRET changed or the row was tampered with: no token verifies until the secret is rotated.
      if (!(err instanceof CredentialDecryptError)) throw err
      deps.onDecryptError?.(err, ws)
      return null
    }
  }

  async function of (ws: string): Promise<WorkspaceTrust> {
    const hit = cache.get(ws)
    if (hit !== undefined) return hit
    const stored = await load(sql, ws)
    const sealed = [stored.identity_secret, previousStillValid(stored, new Date()) ? stored.previous_identity_secret : null]
    const trust: WorkspaceTrust = Object.freeze({
      identitySecrets: sealed.flatMap(s => { const plain = s === null ? null : open(s, ws); return plain === null ? [] : [plain] }),
      countClientRevenue: stored.count_client_revenue
    })
    cache.set(ws, trust)
    return trust
  }

  return {
    of,
    async view (ws) { return viewOf(await load(sql, ws)) },
    async setCountClientRevenue (ws, on) {
      const next = await update(sql, ws, current => ({ ...current, count_client_revenue: on }))
      cache.delete(ws)
      return viewOf(next)
    },
    async rotateIdentitySecret (ws) {
      const plain = generateIdentitySecret()
      const createdAt = new Date().toISOString()
      await update(sql, ws, current => ({
        ...current,
        identity_secret: sealString(plain, secret, identitySecretAad(ws)),
        identity_secret_created_at: createdAt,
        previous_identity_secret: current.identity_secret
      }))
      cache.delete(ws)
      return { identity_secret: plain, created_at: createdAt }
    },
    async readIdentitySecret (ws) {
      const stored = await load(sql, ws)
      if (stored.identity_secret === null) return null
      const plain = open(stored.identity_secret, ws)
      return plain === null ? null : { identity_secret: plain, created_at: stored.identity_secret_created_at ?? '' }
    }
  }
}
