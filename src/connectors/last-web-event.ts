// The one place that reads "the visitor's last web event" for connector payloads: a backend
// conversion (server-side sale, no page, IP or browser of its own) borrows the page URL, IP and
// user agent of the visitor's most recent browser event that kept them, so Meta gets
// action_source "website" with event_source_url / client_ip_address / client_user_agent.
//
// In the narrow events model only conversions keep request facts (events.context: url, ip,
// user_agent); a pageview keeps none. So the web event borrowed from is the visitor's last web
// conversion (a lead or sale sent by the snippet) on any of its browsers (visitor_browsers).
// Re-point this one query if the model starts keeping the last request facts per browser.
import type { Sql } from '../db/client.js'

export interface LastWebEvent {
  url: string
  clientIp: string
  userAgent: string
}

/** visitor id → its newest event whose context has a page URL, an IP and a user agent, within `days`. */
export async function loadLastWebEvents (sql: Sql, workspaceId: string, visitorIds: readonly string[], days = 90): Promise<Map<string, LastWebEvent>> {
  const ids = [...new Set(visitorIds)]
  if (ids.length === 0) return new Map()
  const rows = await sql<Array<{ visitor_id: string, url: string, client_ip: string, user_agent: string }>>`
    select v.id as visitor_id, last.url, last.client_ip, last.user_agent
    from unnest(${ids as string[]}::uuid[]) as v(id)
    cross join lateral (
      select e.context->>'url' as url, e.context->>'ip' as client_ip, e.context->>'user_agent' as user_agent
      from visitor_browsers b
      join events e on e.workspace_id = b.workspace_id
        and e.ga_id = case when b.ga_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then b.ga_id::uuid end
      where b.workspace_id = ${workspaceId} and b.visitor_id = v.id
        and e.occurred_at > now() - ${days} * interval '1 day'
        and e.context ? 'url' and e.context ? 'ip' and e.context ? 'user_agent'
      order by e.occurred_at desc
      limit 1
    ) as last`
  return new Map(rows.map((r) => [r.visitor_id, { url: r.url, clientIp: r.client_ip, userAgent: r.user_agent }]))
}
