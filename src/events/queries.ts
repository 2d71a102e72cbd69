// Reads of the events table (the API's event JSON through eventReply) and the one delete that
// GDPR forget asks of it. An event names a browser; its visitor comes through visitor_browsers.
import type postgres from 'postgres'
import { uuidTimeFloor } from '../db/uuid.js'
import { eventReply, type EventRow } from './columns.js'

type Tx = postgres.TransactionSql | postgres.Sql

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface EventFilters {
  limit: number
  offset: number
  event_type?: string
  visitor_id?: string
  from?: Date
  to?: Date
}

type Joined = EventRow & { visitor_id: string | null }

const replies = (rows: readonly Joined[]): Array<Record<string, unknown>> => rows.map(r => eventReply(r, r.visitor_id))

/**
 * Newest first by event time. Without `from`, the last 90 days (bounds the partitions scanned).
 * Ids are UUIDv7s of the event time: the window is also an id range, which the primary key serves.
 */
export async function listEvents (sql: Tx, workspaceId: string, f: EventFilters): Promise<Array<Record<string, unknown>>> {
  const from = f.from ?? new Date(Date.now() - 90 * 86_400_000)
  const rows = await sql<Joined[]>`
    select e.*, m.visitor_id from events e
    left join visitor_browsers m on m.workspace_id = e.workspace_id and m.ga_id = e.ga_id::text
    where e.workspace_id = ${workspaceId} and e.occurred_at >= ${from} and e.id >= ${uuidTimeFloor(from.getTime())}::uuid
      ${f.to !== undefined ? sql`and e.occurred_at <= ${f.to} and e.id < ${uuidTimeFloor(f.to.getTime() + 1)}::uuid` : sql``}
      ${f.event_type !== undefined ? sql`and e.event_type = ${f.event_type}` : sql``}
      ${f.visitor_id !== undefined ? sql`and m.visitor_id = ${f.visitor_id}` : sql``}
    order by e.id desc
    limit ${f.limit} offset ${f.offset}`
  return replies(rows)
}

/** Every event of these browsers (a visitor's, from visitor_browsers), newest first. */
export async function browserTimeline (sql: Tx, workspaceId: string, gaIds: readonly string[], visitorId: string | null, limit: number, offset: number): Promise<Array<Record<string, unknown>>> {
  const browsers = gaIds.filter(g => UUID_RE.test(g))
  if (browsers.length === 0) return []
  const rows = await sql<EventRow[]>`
    select * from events where workspace_id = ${workspaceId} and ga_id = any(${browsers}::uuid[])
    order by occurred_at desc, id desc
    limit ${limit} offset ${offset}`
  return rows.map(r => eventReply(r, visitorId))
}

/** Events by id as the API shows them (live stream, webhooks); ids not found are left out. */
export async function eventsById (sql: Tx, workspaceId: string, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>()
  if (ids.length === 0) return out
  const rows = await sql<Joined[]>`
    select e.*, m.visitor_id from events e
    left join visitor_browsers m on m.workspace_id = e.workspace_id and m.ga_id = e.ga_id::text
    where e.workspace_id = ${workspaceId} and e.id = any(${[...ids]}::uuid[])`
  for (const r of rows) out.set(r.id, eventReply(r, r.visitor_id))
  return out
}

/** GDPR forget: every event of these browsers, and their dedupe keys. */
export async function deleteBrowserEvents (sql: Tx, workspaceId: string, gaIds: readonly string[]): Promise<number> {
  const browsers = gaIds.filter(g => UUID_RE.test(g))
  if (browsers.length === 0) return 0
  const deleted = await sql<Array<{ id: string }>>`
    delete from events where workspace_id = ${workspaceId} and ga_id = any(${browsers}::uuid[]) returning id`
  if (deleted.length > 0) await sql`delete from event_keys where workspace_id = ${workspaceId} and event_id = any(${deleted.map(r => r.id)}::uuid[])`
  return deleted.length
}

/** The events of these browsers that carry a touch (a source, a link click, a partner), oldest first. */
export async function touchEvents (sql: Tx, workspaceId: string, gaIds: readonly string[], limit: number): Promise<EventRow[]> {
  const browsers = gaIds.filter(g => UUID_RE.test(g))
  if (browsers.length === 0) return []
  return await sql<EventRow[]>`
    select * from events where workspace_id = ${workspaceId} and ga_id = any(${browsers}::uuid[])
      and (source_platform is not null or click_id is not null or partner_id is not null)
    order by occurred_at, id limit ${limit}`
}

/** The browsers that made these short-link clicks. */
export async function clickBrowsers (sql: Tx, workspaceId: string, clickIds: readonly string[]): Promise<string[]> {
  const ids = [...new Set(clickIds)]
  if (ids.length === 0) return []
  const rows = await sql<Array<{ ga_id: string }>>`
    select distinct ga_id from events where workspace_id = ${workspaceId} and click_id = any(${ids}::uuid[]) and event_type = 'link_click'`
  return rows.map(r => r.ga_id)
}

/** The link these browsers clicked last (a conversion counts on it), or null. */
export async function lastClickedLink (sql: Tx, workspaceId: string, gaIds: readonly string[]): Promise<string | null> {
  const browsers = gaIds.filter(g => UUID_RE.test(g))
  if (browsers.length === 0) return null
  const [row] = await sql<Array<{ link_id: string }>>`
    select link_id from events where workspace_id = ${workspaceId} and ga_id = any(${browsers}::uuid[])
      and event_type = 'link_click' and link_id is not null and not bot
    order by occurred_at desc limit 1`
  return row?.link_id ?? null
}

/** These browsers' human events in [from, to), in time order: what a sessions rebuild reads. */
export async function sessionEventsOf (sql: Tx, workspaceId: string, gaIds: readonly string[], from: Date, to: Date): Promise<EventRow[]> {
  return await sql<EventRow[]>`
    select * from events where workspace_id = ${workspaceId} and ga_id = any(${[...gaIds]}::uuid[])
      and occurred_at >= ${from} and occurred_at < ${to} and not bot
    order by ga_id, occurred_at, id`
}

/**
 * A sessions rebuild's stamps: the one change an event row ever takes (its session id; the
 * sessioniser owns that column's meaning, the events module its SQL).
 */
export async function restampSessions (sql: Tx, workspaceId: string, stamps: ReadonlyArray<{ id: string, occurred_at: Date, session_id: string | null }>): Promise<void> {
  if (stamps.length === 0) return
  await sql`
    update events e set session_id = s.session_id
    from unnest(${stamps.map(s => s.id)}::uuid[], ${stamps.map(s => s.occurred_at.toISOString())}::text[]::timestamptz[], ${stamps.map(s => s.session_id)}::uuid[]) as s(id, occurred_at, session_id)
    where e.workspace_id = ${workspaceId} and e.id = s.id and e.occurred_at = s.occurred_at and e.session_id is distinct from s.session_id`
}
