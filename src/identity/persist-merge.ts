// Writes one merge in the caller's transaction, in the order the unique index needs: losers give
// up their external id and become `merged` first, then the full survivor row is written, then
// everything that pointed at a loser is re-pointed, and the merge is recorded twice: as an audit
// row and as a `visitor_merged` event that hooks and webhooks can announce.
import { uuidv7 } from '../db/uuid.js'
import type { LoserPatch } from './merge-plan.js'
import { updateVisitor, type Tx } from './queries.js'
import type { VisitorRecord } from './visitor.js'

export interface MergeWrite {
  survivor: VisitorRecord
  loserPatches: LoserPatch[]
  reason: string
  decidingSignals: readonly string[]
  now: Date
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
  await sql`update events set visitor_id = ${m.survivor.id} where workspace_id = ${ws} and visitor_id = any(${loserIds}::uuid[])`
  await sql`update sessions set visitor_id = ${m.survivor.id}, updated_at = ${m.now} where workspace_id = ${ws} and visitor_id = any(${loserIds}::uuid[])`
  await sql`update connector_dispatches set visitor_id = ${m.survivor.id}, updated_at = ${m.now} where workspace_id = ${ws} and visitor_id = any(${loserIds}::uuid[])`
  await sql`
    insert into visitor_merges (id, workspace_id, survivor_id, merged_ids, reason, deciding_signals, merged_at)
    values (${uuidv7()}, ${ws}, ${m.survivor.id}, ${loserIds}::uuid[], ${m.reason}, ${[...m.decidingSignals]}::text[], ${m.now})`
  const properties = { merged_ids: loserIds, reason: m.reason, deciding_signals: [...m.decidingSignals] }
  await sql`
    insert into events (id, workspace_id, visitor_id, event_type, properties, occurred_at, inserted_at)
    values (${uuidv7()}, ${ws}, ${m.survivor.id}, 'visitor_merged', ${sql.json(properties)}, ${m.now}, ${m.now})`
}
