// Rebuilds the sessions of a time range from the events (issue 13): after a rules change, a
// restore, or events recorded while sessions could not be assigned. Browser by browser in small
// transactions behind the same locks as ingest, so it may run beside live traffic. A session that
// overlaps the range is rebuilt whole (its events before or after the range included).
import type postgres from 'postgres'
import { restampSessions, sessionEventsOf } from '../events/queries.js'
import { uuidv7 } from '../db/uuid.js'
import { deleteOverlappingSessions, liveSessions, lockBrowsers, saveSessions } from './queries.js'
import { sessionEvent, sessionize, type SessionState } from './sessionize.js'

export interface RebuildResult { browsers: number, events: number, sessions: number }

const CHUNK = 200

export async function rebuildSessions (sql: postgres.Sql, schema: string, opts: { from: Date, to: Date, workspaceId?: string }): Promise<RebuildResult> {
  const browsers = await sql<Array<{ workspace_id: string, ga_id: string }>>`
    select distinct workspace_id, ga_id from events
    where occurred_at >= ${opts.from} and occurred_at < ${opts.to} and not bot
      ${opts.workspaceId === undefined ? sql`` : sql`and workspace_id = ${opts.workspaceId}`}
    order by workspace_id, ga_id`
  const result: RebuildResult = { browsers: browsers.length, events: 0, sessions: 0 }
  for (let i = 0; i < browsers.length; i += CHUNK) {
    const chunk = browsers.slice(i, i + CHUNK)
    const byWorkspace = new Map<string, string[]>()
    for (const b of chunk) byWorkspace.set(b.workspace_id, [...(byWorkspace.get(b.workspace_id) ?? []), b.ga_id])
    for (const [ws, gaIds] of byWorkspace) {
      await sql.begin(async tx => {
        await lockBrowsers(tx, schema, ws, gaIds)
        const span = await deleteOverlappingSessions(tx, ws, gaIds, opts.from, opts.to)
        const events = await sessionEventsOf(tx, ws, gaIds, span.from, span.to)
        const since = new Map<string, Date>()
        for (const e of events) if (!since.has(e.ga_id)) since.set(e.ga_id, e.occurred_at)
        const live = await liveSessions(tx, ws, since)
        const touched: SessionState[] = []
        const stamps: Array<{ id: string, occurred_at: Date, session_id: string | null }> = []
        for (const gaId of since.keys()) {
          const own = events.filter(e => e.ga_id === gaId)
          const r = sessionize(ws, gaId, live.get(gaId) ?? null, own.map(e => sessionEvent(e, engagedSeconds(e.properties))), () => uuidv7())
          own.forEach((e, n) => { stamps.push({ id: e.id, occurred_at: e.occurred_at, session_id: r.sessionIds[n] }) })
          touched.push(...r.sessions)
        }
        await saveSessions(tx, touched)
        await restampSessions(tx, ws, stamps)
        result.events += stamps.length
        result.sessions += touched.length
      })
    }
  }
  return result
}

function engagedSeconds (properties: Record<string, unknown> | null): number {
  const ms = properties?.engaged_ms
  return typeof ms === 'number' && ms > 0 ? Math.floor(Math.min(ms, 1_800_000) / 1000) : 0
}
