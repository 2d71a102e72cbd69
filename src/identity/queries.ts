// SQL of the identity graph. Takes a transaction (or the pool) as its first argument; returns
// VisitorRecords exactly as the pure planners expect them, and writes them back whole.
import type postgres from 'postgres'
import { bulkInsert } from '../db/bulk-insert.js'
import { blankVisitor, type VisitorRecord } from './visitor.js'
import type { Signals } from './signals.js'

export type Tx = postgres.TransactionSql | postgres.Sql

// Every column of the row, in one place: derived from the record so they cannot drift apart.
export const VISITOR_COLUMNS = Object.keys(blankVisitor('', '', new Date(0))) as Array<keyof VisitorRecord>
const JSON_COLUMNS: ReadonlySet<string> = new Set([
  'person_metadata', 'first_source', 'last_source', 'attribution_path', 'click_id_params', 'click_id_history',
  'connector_identifiers', 'geo', 'device'
])
const NUMERIC_COLUMNS = ['lead_quality_score', 'fraud_risk_score'] as const

/** A database row → VisitorRecord (numeric columns arrive as strings). */
export function toVisitor (row: Record<string, unknown>): VisitorRecord {
  const v = { ...row } as Record<string, unknown>
  for (const col of NUMERIC_COLUMNS) v[col] = v[col] === null || v[col] === undefined ? null : Number(v[col])
  return v as unknown as VisitorRecord
}

type Row = Record<string, postgres.ParameterOrJSON<never>>

function toRow (sql: Tx, v: VisitorRecord): Row {
  const row: Row = {}
  for (const col of VISITOR_COLUMNS) {
    const value = v[col]
    row[col] = (JSON_COLUMNS.has(col) && value !== null ? sql.json(value as postgres.JSONValue) : value) as postgres.ParameterOrJSON<never>
  }
  return row
}

export async function insertVisitor (sql: Tx, v: VisitorRecord): Promise<void> {
  await insertVisitors(sql, [v])
}

/** Writes every column (the fix for upstream's diff-based save that lost merged fields). */
export async function updateVisitor (sql: Tx, v: VisitorRecord): Promise<void> {
  const cols = VISITOR_COLUMNS.filter(c => c !== 'id' && c !== 'workspace_id' && c !== 'inserted_at')
  await sql`update visitors set ${sql(toRow(sql, v), ...cols)} where workspace_id = ${v.workspace_id} and id = ${v.id}`
}

/**
 * Non-merged visitors matching any supplied signal, oldest first, row-locked. Rows merged or
 * scrubbed while we waited for their lock drop out (READ COMMITTED re-checks the predicate).
 */
export async function findCandidates (sql: Tx, workspaceId: string, s: Signals, lock: boolean): Promise<VisitorRecord[]> {
  return await findCandidatesForBatch(sql, workspaceId, [s], lock)
}

/** The candidates of a whole batch of observations in one query, row-locked, oldest first. */
export async function findCandidatesForBatch (sql: Tx, workspaceId: string, batch: readonly Signals[], lock: boolean): Promise<VisitorRecord[]> {
  const pick = (f: (s: Signals) => string | undefined): string[] => [...new Set(batch.map(f).filter((v): v is string => v !== undefined))]
  const gaIds = pick(s => s.ga_id)
  const externalIds = pick(s => s.person_external_id)
  const emails = pick(s => s.person_email)
  const fingerprints = pick(s => s.fingerprint)
  const anonymousIds = pick(s => s.anonymous_id)
  const clickIds = pick(s => s.click_id)
  // One indexed branch per signal kind actually supplied, as a UNION: an OR over every kind (with
  // empty arrays) makes the planner fall back to scanning the whole table.
  const branches: Array<postgres.PendingQuery<postgres.Row[]>> = []
  // A browser belongs to the visitor its mapping names (a merge re-pointed it to the survivor).
  if (gaIds.length > 0) branches.push(sql`select visitor_id as id from visitor_browsers where workspace_id = ${workspaceId} and ga_id = any(${gaIds}::text[])`)
  if (externalIds.length > 0) branches.push(sql`select id from visitors where workspace_id = ${workspaceId} and person_external_id = any(${externalIds}::text[])`)
  if (emails.length > 0) branches.push(sql`select id from visitors where workspace_id = ${workspaceId} and lower(person_email) = any(${emails}::text[]) and person_email is not null`)
  // Array signals are looked up one value at a time (`@> array[x]`): the planner estimates a
  // many-valued `&&` far too high and scans the table instead of the GIN index. The cardinality
  // predicate is the partial GIN index's own (empty arrays are not indexed).
  if (fingerprints.length > 0) branches.push(sql`select v.id from unnest(${fingerprints}::text[]) as s(x) cross join lateral (select id from visitors where fingerprints @> array[s.x] and cardinality(fingerprints) > 0) v`)
  if (anonymousIds.length > 0) branches.push(sql`select v.id from unnest(${anonymousIds}::text[]) as s(x) cross join lateral (select id from visitors where anonymous_ids @> array[s.x] and cardinality(anonymous_ids) > 0) v`)
  if (clickIds.length > 0) branches.push(sql`select v.id from unnest(${clickIds}::uuid[]) as s(x) cross join lateral (select id from visitors where click_ids @> array[s.x] and cardinality(click_ids) > 0) v`)
  if (branches.length === 0) return []
  const union = branches.reduce((acc, b) => sql`${acc} union ${b}`)
  // `id = any(array(…))`, not `id in (…)`: the planner estimates the union at a million rows and
  // answered `in` with a hash join over the whole table (195 ms at 200k visitors, growing with
  // it); the array form is one primary-key probe per id found (6 ms).
  const rows = await sql`
    select * from visitors
    where workspace_id = ${workspaceId} and status <> 'merged' and id = any(array(${union}))
    order by first_seen_at, id
    ${lock ? sql`for update` : sql``}`
  return rows.map(toVisitor)
}

/**
 * The living visitor each browser belongs to (visitor_browsers), row-locked when asked. The
 * planner is shown that visitor holding the browser, whichever browser it saw last.
 */
export async function findBrowserOwners (sql: Tx, workspaceId: string, gaIds: readonly string[], lock = false): Promise<Map<string, VisitorRecord>> {
  const out = new Map<string, VisitorRecord>()
  if (gaIds.length === 0) return out
  const rows = await sql`
    select m.ga_id as browser, v.* from visitor_browsers m
    join visitors v on v.workspace_id = m.workspace_id and v.id = m.visitor_id
    where m.workspace_id = ${workspaceId} and m.ga_id = any(${[...gaIds]}::text[]) and v.status <> 'merged'
    order by v.id ${lock ? sql`for update of v` : sql``}`
  for (const row of rows) {
    const { browser, ...visitor } = row
    out.set(browser as string, toVisitor(visitor))
  }
  return out
}

/** Maps each browser to its visitor: the last resolution wins (a shared device moves to the person now using it). */
export async function mapBrowsers (sql: Tx, workspaceId: string, pairs: ReadonlyArray<readonly [string, string]>, opts: { keepExisting?: boolean } = {}): Promise<void> {
  const unique = new Map(pairs)
  if (unique.size === 0) return
  const gaIds = [...unique.keys()].sort()
  await sql`
    insert into visitor_browsers (workspace_id, ga_id, visitor_id)
    select ${workspaceId}::uuid, g, v from unnest(${gaIds}::text[], ${gaIds.map(g => unique.get(g) as string)}::uuid[]) as t(g, v)
    ${opts.keepExisting === true
      ? sql`on conflict (workspace_id, ga_id) do nothing`
      : sql`on conflict (workspace_id, ga_id) do update set visitor_id = excluded.visitor_id, mapped_at = now()
      where visitor_browsers.visitor_id <> excluded.visitor_id`}`
}

/** Every browser of these visitors (UUID browser ids only: those that key events). */
export async function browsersOf (sql: Tx, workspaceId: string, visitorIds: readonly string[]): Promise<Array<{ ga_id: string, visitor_id: string }>> {
  if (visitorIds.length === 0) return []
  return await sql<Array<{ ga_id: string, visitor_id: string }>>`
    select ga_id, visitor_id from visitor_browsers
    where workspace_id = ${workspaceId} and visitor_id = any(${[...visitorIds]}::uuid[])
      and ga_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    order by mapped_at desc, ga_id`
}

export async function insertVisitors (sql: Tx, rows: readonly VisitorRecord[]): Promise<void> {
  if (rows.length === 0) return
  await bulkInsert(sql, 'visitors', VISITOR_COLUMNS, rows as unknown as ReadonlyArray<Record<string, unknown>>)
}

export async function findVisitor (sql: Tx, workspaceId: string, id: string, lock = false): Promise<VisitorRecord | null> {
  const [row] = await sql`select * from visitors where workspace_id = ${workspaceId} and id = ${id} ${lock ? sql`for update` : sql``}`
  return row === undefined ? null : toVisitor(row)
}

/** The living visitor an id stands for: itself, or the survivor it was (transitively) merged into. */
export async function findLiving (sql: Tx, workspaceId: string, id: string, lock = false): Promise<VisitorRecord | null> {
  let current = await findVisitor(sql, workspaceId, id, lock)
  for (let hops = 0; current !== null && current.status === 'merged' && current.merged_into_id !== null && hops < 20; hops++) {
    current = await findVisitor(sql, workspaceId, current.merged_into_id, lock)
  }
  return current
}

export async function findByExternalId (sql: Tx, workspaceId: string, externalId: string, lock = false): Promise<VisitorRecord | null> {
  const [row] = await sql`
    select * from visitors where workspace_id = ${workspaceId} and person_external_id = ${externalId} and status <> 'merged'
    ${lock ? sql`for update` : sql``}`
  return row === undefined ? null : toVisitor(row)
}

export async function findByEmail (sql: Tx, workspaceId: string, email: string, lock = false): Promise<VisitorRecord[]> {
  const rows = await sql`
    select * from visitors where workspace_id = ${workspaceId} and lower(person_email) = ${email} and status <> 'merged'
    order by first_seen_at, id ${lock ? sql`for update` : sql``}`
  return rows.map(toVisitor)
}

/** The visitor and every row merged into it, directly or through a chain. */
export async function clusterIds (sql: Tx, workspaceId: string, rootId: string): Promise<string[]> {
  const rows = await sql<Array<{ id: string }>>`
    with recursive cluster(id) as (
      select ${rootId}::uuid
      union
      select v.id from visitors v join cluster c on v.merged_into_id = c.id where v.workspace_id = ${workspaceId}
    )
    select id from cluster`
  return rows.map(r => r.id)
}

export async function listVisitors (sql: Tx, workspaceId: string, limit: number, offset: number): Promise<VisitorRecord[]> {
  const rows = await sql`
    select * from visitors where workspace_id = ${workspaceId} and status <> 'merged'
    order by inserted_at desc, id desc limit ${limit} offset ${offset}`
  return rows.map(toVisitor)
}
