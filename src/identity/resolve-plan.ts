// Reference §2.2 `resolve`, as a plan: the database layer loads candidate rows (any visitor of
// the workspace matching any supplied signal), calls planResolution, and persists the result.
// Fix over upstream: visitors that hold different person_external_ids are never merged.
import { compareByAge, type VisitorRecord } from './visitor.js'
import {
  hasEnoughToMerge, normalizeEmail, STRONG_SIGNALS, WEAK_SIGNALS, suppliedSignals,
  type MatchSignal, type Signals
} from './signals.js'
import { applySignals, createVisitor, distinctExternalIds } from './merge.js'
import { planMergeGroup, type LoserPatch } from './merge-plan.js'

export interface CreatePlan { kind: 'create', visitor: VisitorRecord }
export interface UpdatePlan {
  kind: 'update'
  visitor: VisitorRecord
  /** Signals the updated visitor matched on. */
  matched: MatchSignal[]
}
export interface MergePlan {
  kind: 'merge'
  /** The complete survivor row: merged, then the signals applied. */
  survivor: VisitorRecord
  losers: VisitorRecord[]
  loserPatches: LoserPatch[]
  reason: 'strong_signal' | 'both_weak_signals'
  /** The supplied signals that made the merge allowed. */
  decidingSignals: MatchSignal[]
}
export interface ConflictPlan {
  kind: 'conflict'
  reason: 'different_person_external_ids'
  /** Every visitor involved, including the ones kept apart. */
  visitorIds: string[]
  externalIds: string[]
  /** What to persist anyway: the signals still land on one visitor, nobody is merged across people. */
  fallback: CreatePlan | UpdatePlan | MergePlan
}
export type ResolutionPlan = CreatePlan | UpdatePlan | MergePlan | ConflictPlan

/** Which supplied signals this visitor matches (reference §2.1 match rules; emails normalised). */
export function matchingSignals (visitor: VisitorRecord, signals: Signals): MatchSignal[] {
  const matches: Record<MatchSignal, boolean> = {
    person_external_id: signals.person_external_id !== undefined && visitor.person_external_id === signals.person_external_id,
    ga_id: signals.ga_id !== undefined && visitor.ga_id === signals.ga_id,
    person_email: signals.person_email !== undefined && visitor.person_email !== null &&
      normalizeEmail(visitor.person_email) === signals.person_email,
    fingerprint: signals.fingerprint !== undefined && visitor.fingerprints.includes(signals.fingerprint),
    anonymous_id: signals.anonymous_id !== undefined && visitor.anonymous_ids.includes(signals.anonymous_id),
    click_id: signals.click_id !== undefined && visitor.click_ids.includes(signals.click_id)
  }
  return suppliedSignals(signals).filter(name => matches[name])
}

/**
 * Candidate search in memory (reference §2.2 step 1): same workspace, not merged, matching at
 * least one supplied signal; oldest first. The SQL query does the same; this re-check keeps the
 * planner correct whatever the caller loaded.
 */
export function selectCandidates (signals: Signals, visitors: readonly VisitorRecord[], workspaceId: string): VisitorRecord[] {
  return visitors
    .filter(v => v.workspace_id === workspaceId && v.status !== 'merged' && matchingSignals(v, signals).length > 0)
    .sort(compareByAge)
}

// When the evidence does not allow a merge, the visitor matched by the strongest signal gets the
// update; among equals the oldest, as upstream does.
const MATCH_STRENGTH: readonly MatchSignal[] = ['person_external_id', 'person_email', 'ga_id', 'anonymous_id', 'fingerprint', 'click_id']
function strongestMatch (pool: readonly VisitorRecord[], signals: Signals): VisitorRecord {
  const rank = (v: VisitorRecord): number =>
    Math.min(...matchingSignals(v, signals).map(name => MATCH_STRENGTH.indexOf(name)))
  return pool.reduce((best, v) => (rank(v) < rank(best) ? v : best))
}

function update (visitor: VisitorRecord, signals: Signals, now: Date): UpdatePlan {
  return { kind: 'update', visitor: applySignals(visitor, signals, now), matched: matchingSignals(visitor, signals) }
}

function merge (pool: readonly VisitorRecord[], signals: Signals, now: Date): MergePlan {
  const group = planMergeGroup(pool, now)
  const strong = STRONG_SIGNALS.filter(name => signals[name] !== undefined)
  return {
    kind: 'merge',
    survivor: applySignals(group.survivor, signals, now),
    losers: group.losers,
    loserPatches: group.loserPatches,
    reason: strong.length > 0 ? 'strong_signal' : 'both_weak_signals',
    decidingSignals: strong.length > 0 ? strong : [...WEAK_SIGNALS]
  }
}

/**
 * Decide create / update / merge for one observation. `candidates` are the rows the database
 * found; `fresh` names the row to insert if nobody matches (the caller mints the UUIDv7).
 *
 * - A candidate holding a *different* external id than the one supplied is another person
 *   (a shared device or cookie): it is kept apart and the result is a conflict whose fallback
 *   acts on the remaining candidates (or creates the person's own visitor).
 * - Without a supplied external id, a merge that would join two different external ids is
 *   refused: conflict, fallback = update of the best-matched candidate only.
 */
export function planResolution (
  signals: Signals,
  candidates: readonly VisitorRecord[],
  now: Date,
  fresh: { id: string, workspace_id: string }
): ResolutionPlan {
  const found = selectCandidates(signals, candidates, fresh.workspace_id)
  const externalId = signals.person_external_id
  const keptApart = externalId === undefined
    ? []
    : found.filter(v => v.person_external_id !== null && v.person_external_id !== externalId)
  const pool = found.filter(v => !keptApart.includes(v))

  let plan: CreatePlan | UpdatePlan | MergePlan
  let refusedMerge = false
  if (pool.length === 0) {
    plan = { kind: 'create', visitor: createVisitor(fresh.id, fresh.workspace_id, signals, now) }
  } else if (pool.length === 1 || !hasEnoughToMerge(signals)) {
    plan = update(strongestMatch(pool, signals), signals, now)
  } else if (distinctExternalIds(pool).length > 1) {
    refusedMerge = true
    plan = update(strongestMatch(pool, signals), signals, now)
  } else {
    plan = merge(pool, signals, now)
  }

  if (keptApart.length === 0 && !refusedMerge) return plan
  const involved = refusedMerge ? pool : [...pool, ...keptApart]
  const externalIds = distinctExternalIds(involved)
  if (externalId !== undefined && !externalIds.includes(externalId)) externalIds.push(externalId)
  return {
    kind: 'conflict',
    reason: 'different_person_external_ids',
    visitorIds: [...involved.map(v => v.id), ...(plan.kind === 'create' ? [plan.visitor.id] : [])],
    externalIds,
    fallback: plan
  }
}
