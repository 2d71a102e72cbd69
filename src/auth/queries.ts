import { and, asc, eq, isNull } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { apiKeys, workspaces, type ApiKeyRow, type WorkspaceRow } from './table.js'

export const DEFAULT_WORKSPACE_ID = '00000000-0000-0000-0000-000000000000'

export async function insertWorkspace (db: Db, row: { id: string, name: string }): Promise<WorkspaceRow | null> {
  const [created] = await db.insert(workspaces).values(row).onConflictDoNothing().returning()
  return created ?? null
}

export async function findWorkspace (db: Db, id: string): Promise<WorkspaceRow | null> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id))
  return row ?? null
}

export async function listWorkspaces (db: Db): Promise<WorkspaceRow[]> {
  return await db.select().from(workspaces).orderBy(asc(workspaces.createdAt), asc(workspaces.id))
}

export async function insertApiKey (db: Db, row: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const [created] = await db.insert(apiKeys).values(row).returning()
  return created
}

export async function findApiKeyByHash (db: Db, keyHash: string): Promise<ApiKeyRow | null> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash))
  return row ?? null
}

export async function listApiKeys (db: Db, workspaceId: string): Promise<ApiKeyRow[]> {
  return await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId)).orderBy(asc(apiKeys.createdAt))
}

export async function revokeApiKey (db: Db, id: string): Promise<ApiKeyRow | null> {
  const [row] = await db.update(apiKeys).set({ revokedAt: new Date() }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning()
  return row ?? null
}

export async function updateApiKey (db: Db, id: string, patch: { allowClientSales?: boolean, allowedOrigins?: string[] }): Promise<ApiKeyRow | null> {
  const set: Partial<typeof apiKeys.$inferInsert> = {}
  if (patch.allowClientSales !== undefined) set.allowClientSales = patch.allowClientSales
  if (patch.allowedOrigins !== undefined) set.allowedOrigins = patch.allowedOrigins
  if (Object.keys(set).length === 0) return await findApiKey(db, id)
  const [row] = await db.update(apiKeys).set(set).where(eq(apiKeys.id, id)).returning()
  return row ?? null
}

export async function findApiKey (db: Db, id: string): Promise<ApiKeyRow | null> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id))
  return row ?? null
}
