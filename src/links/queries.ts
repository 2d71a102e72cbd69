// All SQL of the links feature. CRUD goes through drizzle; the redirect lookups and the click flush
// are hand-written postgres.js statements (prepared, on the hot or batch path).
import { and, desc, eq, ilike, isNull, or, sql as dsql, arrayContains, type SQL } from 'drizzle-orm'
import type postgres from 'postgres'
import type { Db, Sql } from '../db/client.js'
import { eventReply, type EventRow } from '../events/columns.js'
import { links, type LinkRow, type NewLinkRow } from './table.js'

export const LINKS_CHANNEL = 'ga_links'

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

async function notify (tx: Tx, payload: string): Promise<void> {
  // Inside the write transaction: delivered to every process at commit, never for a rollback.
  await tx.execute(dsql`select pg_notify(${LINKS_CHANNEL}, ${payload})`)
}

/** Runs in the write's transaction after it (the link.* webhook announcement). */
export type AfterWrite = (tx: Tx, row: LinkRow) => Promise<void>

/** Runs in the write's transaction before it (the domain ownership check); throws to refuse the write. */
export type BeforeWrite = (tx: Tx, domain: string) => Promise<void>

export async function insertLink (db: Db, row: NewLinkRow, notification: string, after?: AfterWrite, before?: BeforeWrite): Promise<LinkRow> {
  return await db.transaction(async tx => {
    await before?.(tx, row.domain)
    const [created] = await tx.insert(links).values(row).returning()
    await notify(tx, notification)
    await after?.(tx, created)
    return created
  })
}

/** Applies `set` to a live link of the workspace; null when there is none. */
export async function updateLiveLink (
  db: Db, workspaceId: string, id: string, set: Partial<NewLinkRow>, notification: (before: LinkRow, after: LinkRow) => string, afterWrite?: AfterWrite,
  beforeWrite?: BeforeWrite
): Promise<LinkRow | null> {
  return await db.transaction(async tx => {
    const [before] = await tx.select().from(links)
      .where(and(eq(links.id, id), eq(links.workspaceId, workspaceId), isNull(links.archivedAt))).for('update')
    if (before === undefined) return null
    if (set.domain !== undefined && set.domain !== before.domain) await beforeWrite?.(tx, set.domain)
    const [after] = await tx.update(links).set({ ...set, updatedAt: new Date() }).where(eq(links.id, id)).returning()
    await notify(tx, notification(before, after))
    await afterWrite?.(tx, after)
    return after
  })
}

export async function findLink (db: Db, workspaceId: string, id: string): Promise<LinkRow | null> {
  const [row] = await db.select().from(links).where(and(eq(links.id, id), eq(links.workspaceId, workspaceId)))
  return row ?? null
}

export async function isKeyTaken (db: Db, domain: string, key: string): Promise<boolean> {
  const rows = await db.select({ id: links.id }).from(links)
    .where(and(eq(links.domain, domain), eq(links.key, key), isNull(links.archivedAt))).limit(1)
  return rows.length > 0
}

export interface LinkListFilter { limit: number, offset: number, tag?: string, linkType?: LinkRow['linkType'], search?: string }

export async function listLiveLinks (db: Db, workspaceId: string, filter: LinkListFilter): Promise<LinkRow[]> {
  const conditions: SQL[] = [eq(links.workspaceId, workspaceId), isNull(links.archivedAt)]
  if (filter.tag !== undefined) conditions.push(arrayContains(links.tags, [filter.tag]))
  if (filter.linkType !== undefined) conditions.push(eq(links.linkType, filter.linkType))
  if (filter.search !== undefined && filter.search !== '') {
    const pattern = `%${filter.search.replace(/[\\%_]/g, c => `\\${c}`)}%`
    conditions.push(or(ilike(links.key, pattern), ilike(links.url, pattern)) as SQL)
  }
  return await db.select().from(links).where(and(...conditions))
    .orderBy(desc(links.createdAt), desc(links.id)).limit(filter.limit).offset(filter.offset)
}

// ---- redirect lookups (postgres.js, prepared) --------------------------------------------------

export interface RedirectRow {
  id: string
  workspace_id: string
  domain: string
  key: string
  url: string
  link_type: string
  ios_url: string | null
  android_url: string | null
  geo_targeting: Record<string, string>
  utm_source: string | null
  utm_medium: string | null
  utm_campaign: string | null
  utm_content: string | null
  utm_term: string | null
  expires_at: Date | null
  expired_url: string | null
  password_hash: string | null
  referrer_policy: string | null
}

const REDIRECT_COLUMNS = ['id', 'workspace_id', 'domain', 'key', 'url', 'link_type', 'ios_url', 'android_url', 'geo_targeting',
  'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'expires_at', 'expired_url', 'password_hash', 'referrer_policy']

const REDIRECT_COLUMNS_OF_L = REDIRECT_COLUMNS.map(c => `l.${c}`).join(', ')

/**
 * The live link on (domain, key) that this host may serve: on a shared default domain any
 * workspace's; on any other host only a link of the workspace that owns the host (`domains`).
 */
export async function findRedirectLink (sql: Sql, domain: string, key: string, shared: boolean): Promise<RedirectRow | null> {
  const [row] = shared
    ? await sql<RedirectRow[]>`select ${sql(REDIRECT_COLUMNS)} from links where domain = ${domain} and key = ${key} and archived_at is null`
    : await sql<RedirectRow[]>`
        select ${sql.unsafe(REDIRECT_COLUMNS_OF_L)} from links l join domains d on d.host = l.domain and d.workspace_id = l.workspace_id
        where l.domain = ${domain} and l.key = ${key} and l.archived_at is null`
  return row ?? null
}

/**
 * The key-only fallback: live links with this key on the shared default domains, for a request
 * host that no workspace owns (an owned host never falls back to other domains' links). At most
 * `limit` (the caller only needs to tell 0, 1 or many).
 */
export async function findRedirectLinksByKey (sql: Sql, key: string, host: string, shared: readonly string[], limit = 3): Promise<RedirectRow[]> {
  if (shared.length === 0) return []
  return await sql<RedirectRow[]>`
    select ${sql(REDIRECT_COLUMNS)} from links
    where key = ${key} and archived_at is null and domain = any(${shared as string[]}::text[])
      and (${shared.includes(host)} or not exists (select 1 from domains where host = ${host}))
    order by created_at limit ${limit}`
}

// ---- clicks ------------------------------------------------------------------------------------

export interface UniqueCandidate { linkId: string, visitorKey: string, at: Date }

/**
 * Claims the unique window of each (link, visitor key): a row is returned when it was inserted or
 * its previous window (one hour) had ended, i.e. when this click is the first of a new window.
 * Candidates must be distinct pairs; they are written in sorted order so concurrent flushes lock
 * rows in the same order and cannot deadlock.
 */
export async function claimUniqueWindows (tx: postgres.TransactionSql, candidates: UniqueCandidate[]): Promise<Set<string>> {
  if (candidates.length === 0) return new Set()
  const sorted = [...candidates].sort((a, b) => (a.linkId + a.visitorKey < b.linkId + b.visitorKey ? -1 : 1))
  const rows = await tx<Array<{ link_id: string, visitor_key: string }>>`
    insert into link_unique_clicks (link_id, visitor_key, window_start)
    select * from unnest(${tx.array(sorted.map(c => c.linkId))}::uuid[], ${tx.array(sorted.map(c => c.visitorKey))}::text[], ${tx.array(sorted.map(c => c.at))}::timestamptz[])
    on conflict (link_id, visitor_key) do update
      set window_start = excluded.window_start, hits = link_unique_clicks.hits + 1
      where link_unique_clicks.window_start <= excluded.window_start - interval '1 hour'
    returning link_id, visitor_key`
  return new Set(rows.map(r => uniquePairKey(r.link_id, r.visitor_key)))
}

export function uniquePairKey (linkId: string, visitorKey: string): string {
  return `${linkId}\n${visitorKey}`
}

export interface CounterDeltas { clicks?: number, uniqueClicks?: number, botClicks?: number, leads?: number, sales?: number, revenueCents?: number }

/**
 * Adds each link's deltas in one statement. Rows are updated in link-id order, so two processes
 * flushing overlapping links take the row locks in the same order and cannot deadlock.
 */
export async function addLinkCounters (tx: postgres.TransactionSql | Sql, deltas: ReadonlyMap<string, CounterDeltas>): Promise<void> {
  if (deltas.size === 0) return
  const ids = [...deltas.keys()].sort()
  const col = (f: (d: CounterDeltas) => number | undefined): number[] => ids.map(id => f(deltas.get(id) as CounterDeltas) ?? 0)
  await tx`
    with d as (
      select * from unnest(${ids}::uuid[], ${col(d => d.clicks)}::int[], ${col(d => d.uniqueClicks)}::int[], ${col(d => d.botClicks)}::int[],
        ${col(d => d.leads)}::int[], ${col(d => d.sales)}::int[], ${col(d => d.revenueCents)}::int8[])
        as t(id, clicks, unique_clicks, bot_clicks, leads, sales, revenue_cents)
    ), locked as materialized (
      select l.id from links l join d using (id) order by l.id for no key update of l
    )
    update links set
      total_clicks = total_clicks + d.clicks,
      unique_clicks = links.unique_clicks + d.unique_clicks,
      bot_clicks = links.bot_clicks + d.bot_clicks,
      total_leads = total_leads + d.leads,
      total_sales = total_sales + d.sales,
      total_revenue_cents = total_revenue_cents + d.revenue_cents
    from d join locked using (id)
    where links.id = d.id`
}

export async function pruneUniqueWindows (sql: Sql, now = new Date()): Promise<number> {
  const result = await sql`delete from link_unique_clicks where window_start < ${now}::timestamptz - interval '1 hour'`
  return result.count
}

/** The newest clicks of a link, as the API's event JSON (rows through eventReply). */
export async function listLinkClicks (sql: Sql, workspaceId: string, linkId: string, limit: number, offset: number): Promise<Array<Record<string, unknown>>> {
  const rows = await sql<Array<EventRow & { visitor_id: string | null }>>`
    select e.*, m.visitor_id from events e
    left join visitor_browsers m on m.workspace_id = e.workspace_id and m.ga_id = e.ga_id::text
    where e.workspace_id = ${workspaceId} and e.link_id = ${linkId} and e.event_type = 'link_click'
    order by e.occurred_at desc, e.id desc
    limit ${limit} offset ${offset}`
  return rows.map(r => eventReply(r, r.visitor_id))
}
