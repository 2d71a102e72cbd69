// A visitor as the API shows it: the stored person plus what its browsers did, counted when asked
// (issue 13: browsing never writes the visitor row) — events, pageviews, sessions and time — and
// its attribution folded from those browsers' touches, so a touch after the last conversion shows.
import type postgres from 'postgres'
import { touchEvents } from '../events/queries.js'
import { sessionTotals } from '../sessions/queries.js'
import { applySignals } from './merge.js'
import { browsersOf } from './queries.js'
import { touchSignals } from './spine-consumer.js'
import type { VisitorRecord } from './visitor.js'

type Tx = postgres.TransactionSql | postgres.Sql

export interface VisitorTotals {
  total_events: number
  total_pageviews: number
  total_sessions: number
  total_time_seconds: number
}

export type VisitorProfile = VisitorRecord & VisitorTotals & { ga_ids: string[] }

const MAX_TOUCHES = 500

export async function visitorProfile (sql: Tx, ws: string, visitor: VisitorRecord): Promise<VisitorProfile> {
  const browsers = (await browsersOf(sql, ws, [visitor.id])).map(b => b.ga_id)
  const [counts] = browsers.length === 0
    ? [{ events: 0, pageviews: 0 }]
    : await sql<Array<{ events: number, pageviews: number }>>`
      select count(*) filter (where event_type <> 'engagement')::int as events, count(*) filter (where event_type = 'pageview')::int as pageviews
      from events where workspace_id = ${ws} and ga_id = any(${browsers}::uuid[])`
  const sessions = await sessionTotals(sql, ws, browsers)
  let folded = visitor
  for (const row of await touchEvents(sql, ws, browsers, MAX_TOUCHES)) folded = applySignals(folded, touchSignals(row), visitor.updated_at)
  return {
    ...folded,
    // Folding observes; it does not make the visitor newer than it is.
    updated_at: visitor.updated_at,
    ga_ids: browsers,
    total_events: counts.events,
    total_pageviews: counts.pageviews,
    total_sessions: sessions.sessions,
    total_time_seconds: sessions.seconds
  }
}
