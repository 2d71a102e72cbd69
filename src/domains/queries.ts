// All SQL of the domains feature (drizzle). Every write NOTIFYs DOMAINS_CHANNEL inside its
// transaction, so every process drops its cached domain and link answers at commit.
import { and, desc, eq, sql as dsql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { domains, type DomainRow, type NewDomainRow } from './table.js'

export const DOMAINS_CHANNEL = 'ga_domains'

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
type Executor = Db | Tx

async function notify (tx: Executor, host: string): Promise<void> {
  await tx.execute(dsql`select pg_notify(${DOMAINS_CHANNEL}, ${host})`)
}

/** The new row, or null when the host already belongs to a workspace. */
export async function insertDomain (db: Db, row: NewDomainRow): Promise<DomainRow | null> {
  return await db.transaction(async tx => {
    const [created] = await tx.insert(domains).values(row).onConflictDoNothing({ target: domains.host }).returning()
    if (created === undefined) return null
    await notify(tx, created.host)
    return created
  })
}

export async function findDomain (db: Db, workspaceId: string, id: string): Promise<DomainRow | null> {
  const [row] = await db.select().from(domains).where(and(eq(domains.id, id), eq(domains.workspaceId, workspaceId)))
  return row ?? null
}

export async function findDomainByHost (db: Executor, host: string): Promise<DomainRow | null> {
  const [row] = await db.select().from(domains).where(eq(domains.host, host))
  return row ?? null
}

export async function listDomains (db: Db, workspaceId: string, limit: number, offset: number): Promise<DomainRow[]> {
  return await db.select().from(domains).where(eq(domains.workspaceId, workspaceId))
    .orderBy(desc(domains.createdAt), desc(domains.id)).limit(limit).offset(offset)
}

export async function updateDomain (db: Db, workspaceId: string, id: string, set: Partial<NewDomainRow>): Promise<DomainRow | null> {
  return await db.transaction(async tx => {
    const [row] = await tx.update(domains).set({ ...set, updatedAt: new Date() })
      .where(and(eq(domains.id, id), eq(domains.workspaceId, workspaceId))).returning()
    if (row === undefined) return null
    await notify(tx, row.host)
    return row
  })
}

/**
 * Deletes the domain unless live links still use it. The row is locked first: a link being
 * created on the domain holds it FOR SHARE (lockForLink), so the two cannot interleave.
 */
export async function deleteDomain (db: Db, workspaceId: string, id: string): Promise<{ deleted: DomainRow } | 'not_found' | { inUse: string }> {
  return await db.transaction(async tx => {
    const [row] = await tx.select().from(domains).where(and(eq(domains.id, id), eq(domains.workspaceId, workspaceId))).for('update')
    if (row === undefined) return 'not_found'
    const live = await tx.execute(dsql`select 1 from links where domain = ${row.host} and workspace_id = ${workspaceId} and archived_at is null limit 1`)
    if (live.length > 0) return { inUse: row.host }
    await tx.delete(domains).where(eq(domains.id, row.id))
    await notify(tx, row.host)
    return { deleted: row }
  })
}

/**
 * Inside a link write's transaction: the owner row of `host`, locked FOR SHARE until commit so the
 * domain cannot be deleted meanwhile. With `claim`, an unowned host is first claimed for the
 * workspace (the implicit registration of GA_LINK_DOMAINS-less setups); null when still unowned.
 */
export async function lockForLink (tx: Tx, host: string, claim: NewDomainRow | null): Promise<DomainRow | null> {
  if (claim !== null) {
    const [created] = await tx.insert(domains).values(claim).onConflictDoNothing({ target: domains.host }).returning()
    if (created !== undefined) await notify(tx, host)
  }
  const [row] = await tx.select().from(domains).where(eq(domains.host, host)).for('share')
  return row ?? null
}

export async function markVerified (db: Db, workspaceId: string, id: string): Promise<DomainRow | null> {
  return await updateDomain(db, workspaceId, id, { verifiedAt: new Date() })
}

