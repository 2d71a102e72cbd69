// What the database must do to merge a group of visitors, shared by resolution and identify.
// Order matters in the transaction: apply every loser patch (which frees unique person fields),
// then write the survivor row, then re-point events and sessions from loser ids to the survivor.
import { compareByAge, type VisitorRecord } from './visitor.js'
import { mergeVisitors } from './merge.js'

export interface LoserPatch {
  id: string
  status: 'merged'
  merged_into_id: string
  updated_at: Date
  /**
   * Present (null) when the loser holds an external id: the unique index on
   * (workspace_id, person_external_id) would reject the survivor update while the loser keeps it.
   */
  person_external_id?: null
}

export interface MergeGroup {
  /** The complete merged survivor row (signals not yet applied). */
  survivor: VisitorRecord
  /** The loser rows as loaded; their ids are the ones to re-point in events and sessions. */
  losers: VisitorRecord[]
  loserPatches: LoserPatch[]
}

/** Survivor = oldest first_seen_at (ties by id); all others become losers. */
export function planMergeGroup (group: readonly VisitorRecord[], now: Date): MergeGroup {
  if (group.length < 2) throw new Error('a merge needs at least two visitors')
  const [oldest, ...losers] = [...group].sort(compareByAge)
  const loserPatches = losers.map((loser): LoserPatch => ({
    id: loser.id,
    status: 'merged',
    merged_into_id: oldest.id,
    updated_at: now,
    ...(loser.person_external_id !== null ? { person_external_id: null } : {})
  }))
  return { survivor: mergeVisitors(oldest, losers, now), losers, loserPatches }
}
