// The one place that reads "the visitor's last web event" for connector payloads: a backend
// conversion (server-side sale, no page, IP or browser of its own) borrows the page URL, IP and
// user agent of the visitor's most recent browser event, so Meta gets action_source "website"
// with event_source_url / client_ip_address / client_user_agent. Kept to this one function so
// it can be re-pointed when the events model changes.
import type { Sql } from '../db/client.js'

export interface LastWebEvent {
  url: string
  clientIp: string
  userAgent: string
}

/** visitor id → its newest event that has a page URL, an IP and a user agent (any type), within `days`. */
export async function loadLastWebEvents (sql: Sql, workspaceId: string, visitorIds: readonly string[], days = 90): Promise<Map<string, LastWebEvent>> {
  const ids = [...new Set(visitorIds)]
  if (ids.length === 0) return new Map()
  const rows = await sql<Array<{ visitor_id: string, url: string, client_ip: string, user_agent: string }>>`
    select v.id as visitor_id, last.url, last.client_ip, last.user_agent
    from unnest(${ids as string[]}::uuid[]) as v(id)
    cross join lateral (
      select e.url, host(e.ip_address) as client_ip, e.user_agent
      from events e
      where e.workspace_id = ${workspaceId} and e.visitor_id = v.id
        and e.occurred_at > now() - ${days} * interval '1 day'
        and e.url is not null and e.ip_address is not null and e.user_agent is not null
      order by e.occurred_at desc
      limit 1
    ) as last`
  return new Map(rows.map((r) => [r.visitor_id, { url: r.url, clientIp: r.client_ip, userAgent: r.user_agent }]))
}
