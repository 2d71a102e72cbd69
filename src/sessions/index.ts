// fp 'sessions': assigns every event its session at ingest (reference §4.6/§4.7, issue 13) as a
// before-insert consumer of the spine. Per browser: its advisory lock (so two processes receiving
// alternating events of one browser build one session), its live session, the pure sessioniser,
// then one upsert of every session the batch touched. Bots get no session.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { uuidv7 } from '../db/uuid.js'
import type { SpineItem, Tx } from '../events/spine.js'
import { liveSessions, lockBrowsers, saveSessions } from './queries.js'
import { sessionEvent, sessionize, type SessionState } from './sessionize.js'

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = out.get(k)
    if (list === undefined) out.set(k, [item])
    else list.push(item)
  }
  return out
}

/** Stamps session_id on each item's row (drops engagement pings with no live session). */
export async function assignSessions (tx: Tx, schema: string, items: readonly SpineItem[]): Promise<void> {
  const human = items.filter(i => !i.row.bot && i.row.ga_id !== '')
  for (const [ws, inWorkspace] of groupBy(human, i => i.row.workspace_id)) {
    const byBrowser = groupBy(inWorkspace, i => i.row.ga_id)
    await lockBrowsers(tx, schema, ws, [...byBrowser.keys()])
    const since = new Map<string, Date>()
    for (const [gaId, list] of byBrowser) {
      list.sort((a, b) => a.row.occurred_at.getTime() - b.row.occurred_at.getTime())
      since.set(gaId, list[0].row.occurred_at)
    }
    const live = await liveSessions(tx, ws, since)
    const touched: SessionState[] = []
    for (const [gaId, list] of byBrowser) {
      const result = sessionize(ws, gaId, live.get(gaId) ?? null, list.map(i => sessionEvent(i.row, i.facts.engagedSeconds ?? 0)), () => uuidv7())
      list.forEach((item, n) => {
        const id = result.sessionIds[n]
        if (id === null) item.dropped = true
        else item.row.session_id = id
      })
      touched.push(...result.sessions)
    }
    await saveSessions(tx, touched)
  }
}

async function sessionsPlugin (app: FastifyInstance): Promise<void> {
  const schema = app.database.schema
  app.spine.consume({
    name: 'sessions',
    phase: 'before-insert',
    handle: async (items, tx) => { await assignSessions(tx as Tx, schema, items) }
  })
}

export default fp(sessionsPlugin, { name: 'sessions', fastify: '5.x', dependencies: ['core', 'recorder'] })
