// Reading and writing `connector:<type>` settings rows, sealing credentials on the way in and
// opening them only for the delivery worker.
import type postgres from 'postgres'
import type { Sql } from '../db/client.js'
import { decryptCredentials, encryptCredentials, type Credentials } from './crypto.js'
import { credentialsAad, readStoredSettings, settingsKey, type StoredConnectorSettings, type ValidatedUpdate } from './settings.js'

type Queryable = Sql | postgres.TransactionSql

export async function loadSettings (sql: Queryable, workspaceId: string, type: string, forUpdate = false): Promise<StoredConnectorSettings> {
  const [row] = forUpdate
    ? await sql<Array<{ value: unknown }>>`select value from settings where workspace_id = ${workspaceId} and key = ${settingsKey(type)} for update`
    : await sql<Array<{ value: unknown }>>`select value from settings where workspace_id = ${workspaceId} and key = ${settingsKey(type)}`
  return readStoredSettings(row?.value)
}

export async function loadAllSettings (sql: Sql, workspaceId: string): Promise<Map<string, StoredConnectorSettings>> {
  const rows = await sql<Array<{ key: string, value: unknown }>>`select key, value from settings where workspace_id = ${workspaceId} and key like 'connector:%'`
  return new Map(rows.map((r) => [r.key.slice('connector:'.length), readStoredSettings(r.value)]))
}

/**
 * Applies a validated update inside one transaction (row locked), so a concurrent pause by the
 * worker is neither lost nor resurrected: new credentials clear the pause, anything else keeps it.
 */
export async function saveSettings (sql: Sql, workspaceId: string, type: string, update: ValidatedUpdate, secret: string, now: Date): Promise<StoredConnectorSettings> {
  return await sql.begin(async (tx) => {
    const current = await loadSettings(tx, workspaceId, type, true)
    const next: StoredConnectorSettings = { ...current, enabled: update.enabled, config: update.config }
    if (update.credentials !== undefined) {
      next.credentials = encryptCredentials(update.credentials, secret, credentialsAad(workspaceId, type))
      next.credential_names = Object.keys(update.credentials).sort()
      next.credentials_updated_at = now.toISOString()
      next.paused = null
    }
    await tx`insert into settings (workspace_id, key, value, updated_at)
      values (${workspaceId}, ${settingsKey(type)}, ${tx.json(next as never)}, ${now})
      on conflict (workspace_id, key) do update set value = excluded.value, updated_at = excluded.updated_at`
    return next
  })
}

export function openCredentials (stored: StoredConnectorSettings, workspaceId: string, type: string, secrets: readonly string[]): Credentials {
  if (stored.credentials === null) return {}
  return decryptCredentials(stored.credentials, secrets, credentialsAad(workspaceId, type))
}

/** Credential error: stop claiming this workspace+connector until its credentials change. */
export async function pauseConnector (sql: Queryable, workspaceId: string, type: string, reason: string, now: Date): Promise<void> {
  await sql`update settings set value = jsonb_set(value, '{paused}', ${sql.json({ reason, at: now.toISOString() })}), updated_at = ${now}
    where workspace_id = ${workspaceId} and key = ${settingsKey(type)}`
}
