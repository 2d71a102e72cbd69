// Writes one merge in the caller's transaction, in the order the unique index needs: losers give
// up their external id and become `merged` first, then the full survivor row is written, then
// everything that pointed at a loser is re-pointed (browsers, dispatches), and the merge is
// recorded as an audit row and announced as `visitor_merged` to hooks and webhooks.
import { uuidv7 } from '../db/uuid.js'
import type { LoserPatch } from './merge-plan.js'
import { updateVisitor, type Tx } from './queries.js'
import type { VisitorRecord } from './visitor.js'
import type { RecordedEvent } from '../webhooks/event-json.js'

export interface MergeWrite {
  survivor: VisitorRecord
  loserPatches: LoserPatch[]
  reason: string
  decidingSignals: readonly string[]
  now: Date
  /** Announces the visitor_merged event (webhooks, live streams) in this transaction. */
  announce?: (tx: Tx, event: RecordedEvent) => Promise<void>
}

export async function persistMerge (sql: Tx, m: MergeWrite): Promise<void> {
  const ws = m.survivor.workspace_id
  const loserIds = m.loserPatches.map(p => p.id)
  if (loserIds.length === 0) { await updateVisitor(sql, m.survivor); return }
  await sql`
    update visitors set status = 'merged', merged_into_id = ${m.survivor.id}, updated_at = ${m.now},
      person_external_id = null
    where workspace_id = ${ws} and id = any(${loserIds}::uuid[])`
  await updateVisitor(sql, m.survivor)
  // Events are never rewritten: the losers' browsers now map to the survivor.
  await sql`update visitor_browsers set visitor_id = ${m.survivor.id}, mapped_at = ${m.now} where workspace_id = ${ws} and visitor_id = any(${loserIds}::uuid[])`
  await sql`update connector_dispatches set visitor_id = ${m.survivor.id}, updated_at = ${m.now} where workspace_id = ${ws} and visitor_id = any(${loserIds}::uuid[])`
  await sql`
    insert into visitor_merges (id, workspace_id, survivor_id, merged_ids, reason, deciding_signals, merged_at)
    values (${uuidv7()}, ${ws}, ${m.survivor.id}, ${loserIds}::uuid[], ${m.reason}, ${[...m.decidingSignals]}::text[], ${m.now})`
  const properties = { merged_ids: loserIds, reason: m.reason, deciding_signals: [...m.decidingSignals] }
  // Announced (webhooks), not stored as an event: visitor_merges is its record.
  const eventId = uuidv7()
  await m.announce?.(sql, { id: eventId, workspace_id: ws, visitor_id: m.survivor.id, event_type: 'visitor_merged', properties, occurred_at: m.now, inserted_at: m.now })
}
