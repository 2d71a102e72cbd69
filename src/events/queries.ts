// Reads of the events table for the REST API: recent events with filters, a visitor's timeline.
import type postgres from 'postgres'

type Tx = postgres.TransactionSql | postgres.Sql

export const EVENT_REPLY_COLUMNS = [
  'id', 'visitor_id', 'session_id', 'event_type', 'event_name', 'url', 'host', 'path', 'referrer',
  'source_platform', 'source_medium', 'source_campaign', 'channel', 'source', 'link_id', 'click_id',
  'amount_cents', 'currency', 'properties', 'device_type', 'browser', 'os', 'bot', 'country', 'trust',
  'occurred_at', 'inserted_at'
] as const

export interface EventFilters {
  limit: number
  offset: number
  event_type?: string
  visitor_id?: string
  from?: Date
  to?: Date
}

/** Newest first by event time. Without `from`, the last 90 days (bounds the partitions scanned). */
export async function listEvents (sql: Tx, workspaceId: string, f: EventFilters): Promise<postgres.Row[]> {
  const from = f.from ?? new Date(Date.now() - 90 * 86_400_000)
  return await sql`
    select ${sql([...EVENT_REPLY_COLUMNS])} from events
    where workspace_id = ${workspaceId} and occurred_at >= ${from}
      ${f.to !== undefined ? sql`and occurred_at <= ${f.to}` : sql``}
      ${f.event_type !== undefined ? sql`and event_type = ${f.event_type}` : sql``}
      ${f.visitor_id !== undefined ? sql`and visitor_id = ${f.visitor_id}` : sql``}
    order by occurred_at desc, id desc
    limit ${f.limit} offset ${f.offset}`
}

/** Every event of a visitor (its own id, events of merged rows were re-pointed), newest first. */
export async function visitorTimeline (sql: Tx, workspaceId: string, visitorId: string, limit: number, offset: number): Promise<postgres.Row[]> {
  return await sql`
    select ${sql([...EVENT_REPLY_COLUMNS])} from events
    where workspace_id = ${workspaceId} and visitor_id = ${visitorId}
    order by occurred_at desc, id desc
    limit ${limit} offset ${offset}`
}
