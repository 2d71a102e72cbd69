// All SQL of the sessions feature: the live session of each browser (row-locked behind a
// per-browser advisory lock, so processes sessionise one browser one at a time), the upsert of the
// sessions a batch touched, the reads of a visitor's totals and the delete of GDPR forget.
import { createHash } from 'node:crypto'
import type postgres from 'postgres'
import { SESSION_TIMEOUT_MS, type SessionState } from './sessionize.js'

type Tx = postgres.TransactionSql | postgres.Sql

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const SESSION_COLUMNS = [
  'workspace_id', 'id', 'ga_id', 'started_at', 'last_event_at', 'entry_host', 'entry_path', 'exit_path', 'pageviews', 'events',
  'duration_seconds', 'engaged_seconds', 'is_bounce', 'is_engaged', 'source_platform', 'source_medium', 'source_campaign',
  'click_id', 'channel', 'referrer_host', 'link_id', 'partner_id', 'device_type', 'browser', 'os', 'country'
] as const satisfies ReadonlyArray<keyof SessionState>

/** A signed 64-bit advisory key per browser (decimal string), shared by every process. */
export function browserLockKey (schema: string, workspaceId: string, gaId: string): bigint {
  return createHash('sha256').update(`${schema}:session:${workspaceId}:${gaId}`).digest().readBigInt64BE(0)
}

/** Takes every browser's lock in ascending key order: two batches never wait on each other in a cycle. */
export async function lockBrowsers (tx: Tx, schema: string, workspaceId: string, gaIds: readonly string[]): Promise<void> {
  if (gaIds.length === 0) return
  const keys = [...new Set(gaIds.map(g => browserLockKey(schema, workspaceId, g)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  await tx`select pg_advisory_xact_lock(k) from unnest(${keys.map(String)}::int8[]) as k`
}

/** The newest session of each browser still live at `since` (its earliest event in the batch). */
export async function liveSessions (tx: Tx, workspaceId: string, since: ReadonlyMap<string, Date>): Promise<Map<string, SessionState>> {
  const out = new Map<string, SessionState>()
  if (since.size === 0) return out
  const gaIds = [...since.keys()]
  const cutoffs = gaIds.map(g => new Date((since.get(g) as Date).getTime() - SESSION_TIMEOUT_MS).toISOString())
  const rows = await tx<SessionState[]>`
    select s.* from unnest(${gaIds}::uuid[], ${cutoffs}::text[]::timestamptz[]) as b(ga_id, cutoff)
    cross join lateral (
      select * from sessions where workspace_id = ${workspaceId} and ga_id = b.ga_id and last_event_at >= b.cutoff
      order by last_event_at desc limit 1
    ) s`
  for (const r of rows) out.set(r.ga_id, r)
  return out
}

/** Writes each session's final state (the rows were read under the browsers' locks). */
export async function saveSessions (tx: Tx, sessions: readonly SessionState[]): Promise<void> {
  if (sessions.length === 0) return
  const payload = JSON.stringify(sessions.map(s => Object.fromEntries(SESSION_COLUMNS.map(c => [c, s[c]]))))
  const list = SESSION_COLUMNS.join(', ')
  const updates = SESSION_COLUMNS.filter(c => c !== 'workspace_id' && c !== 'id').map(c => `${c} = excluded.${c}`).join(', ')
  await tx.unsafe(`insert into sessions (${list}) select ${list} from jsonb_populate_recordset(null::sessions, $1::text::jsonb)
    on conflict (workspace_id, id) do update set ${updates}`, [payload], { prepare: true })
}

export interface BrowserSessionTotals { sessions: number, seconds: number }

/** Sessions and time of these browsers, for a visitor's totals. */
export async function sessionTotals (sql: Tx, workspaceId: string, gaIds: readonly string[]): Promise<BrowserSessionTotals> {
  const browsers = gaIds.filter(g => UUID_RE.test(g))
  if (browsers.length === 0) return { sessions: 0, seconds: 0 }
  const [row] = await sql<Array<{ sessions: number, seconds: number }>>`
    select count(*)::int as sessions, coalesce(sum(duration_seconds), 0)::int as seconds
    from sessions where workspace_id = ${workspaceId} and ga_id = any(${browsers}::uuid[])`
  return row
}

/** GDPR forget: the sessions of these browsers. */
export async function deleteBrowserSessions (sql: Tx, workspaceId: string, gaIds: readonly string[]): Promise<void> {
  const browsers = gaIds.filter(g => UUID_RE.test(g))
  if (browsers.length === 0) return
  await sql`delete from sessions where workspace_id = ${workspaceId} and ga_id = any(${browsers}::uuid[])`
}

/**
 * Deletes these browsers' sessions that overlap [from, to) and answers the span their events
 * cover, so a rebuild re-reads whole sessions.
 */
export async function deleteOverlappingSessions (tx: Tx, workspaceId: string, gaIds: readonly string[], from: Date, to: Date): Promise<{ from: Date, to: Date }> {
  const [span] = await tx<Array<{ first: Date | null, last: Date | null }>>`
    with gone as (
      delete from sessions where workspace_id = ${workspaceId} and ga_id = any(${[...gaIds]}::uuid[])
        and last_event_at >= ${from} and started_at < ${to}
      returning started_at, last_event_at
    )
    select min(started_at) as first, max(last_event_at) as last from gone`
  return {
    from: span.first !== null && span.first < from ? span.first : from,
    to: span.last !== null && span.last >= to ? new Date(span.last.getTime() + 1) : to
  }
}
