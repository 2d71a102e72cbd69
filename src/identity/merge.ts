// How a visitor row changes: applySignals folds one observation into a row (reference §2.3),
// mergeVisitors folds several rows of one person into the survivor (§2.4). Both return the
// complete new row, so the caller persists every column instead of a diff (the upstream quirk
// that lost merged arrays, geo and partner fields).
import {
  blankVisitor, compareByAge, mergedStatus, advanceStatus,
  type JsonObject, type VisitorRecord
} from './visitor.js'
import type { Signals } from './signals.js'
import {
  mergeClickIdHistories, mergePaths, observeClickIds, observedClickIds, touchpoint
} from './attribution.js'

const isEmpty = (map: JsonObject | null | undefined): boolean => map == null || Object.keys(map).length === 0
const earliest = (a: Date, b: Date): Date => (b.getTime() < a.getTime() ? b : a)
const latest = (a: Date, b: Date): Date => (b.getTime() > a.getTime() ? b : a)

function prependUnique (list: string[], value: string | undefined): string[] {
  return value === undefined || list.includes(value) ? list : [value, ...list]
}

function unionInOrder<T> (lists: readonly T[][], key: (item: T) => string = String): T[] {
  const seen = new Set<string>()
  const out: T[] = []
  for (const item of lists.flat()) {
    const k = key(item)
    if (!seen.has(k)) {
      seen.add(k)
      out.push(item)
    }
  }
  return out
}

/** The observation time: the caller's event time, but never in the future. */
export function observedAt (signals: Signals, now: Date): Date {
  return signals.occurred_at === undefined ? now : earliest(signals.occurred_at, now)
}

/**
 * Fold one observation into a visitor (reference §2.3, with fixes): arrays accumulate without
 * duplicates, "last" fields follow the newest observation only (a late event cannot overwrite
 * them), first_source is back-filled, geo/device are first-observation-wins, person ids only
 * fill empty fields (a different external id is a conflict the planner handles, never an overwrite).
 */
export function applySignals (visitor: VisitorRecord, signals: Signals, now: Date): VisitorRecord {
  const at = observedAt(signals, now)
  const isNewest = at.getTime() >= visitor.last_seen_at.getTime()
  const isOldest = at.getTime() < visitor.first_seen_at.getTime()
  const next: VisitorRecord = {
    ...visitor,
    first_seen_at: earliest(visitor.first_seen_at, at),
    last_seen_at: latest(visitor.last_seen_at, at),
    fingerprints: prependUnique(visitor.fingerprints, signals.fingerprint),
    anonymous_ids: prependUnique(visitor.anonymous_ids, signals.anonymous_id),
    click_ids: prependUnique(visitor.click_ids, signals.click_id),
    updated_at: now
  }
  if (signals.ga_id !== undefined && (isNewest || next.ga_id === null)) next.ga_id = signals.ga_id

  if (signals.source !== undefined) {
    if (isNewest || next.last_source === null) next.last_source = signals.source
    if (isOldest || next.first_source === null) next.first_source = signals.source
    next.attribution_path = mergePaths(visitor.attribution_path, [touchpoint(signals.source, at)])
  }
  if (signals.click_id !== undefined) {
    if (isNewest || next.last_click_id === null) next.last_click_id = signals.click_id
    if (isOldest || next.first_click_id === null) next.first_click_id = signals.click_id
  }

  const clickIds = observedClickIds(signals)
  if (Object.keys(clickIds).length > 0) {
    next.click_id_params = isNewest ? { ...visitor.click_id_params, ...clickIds } : { ...clickIds, ...visitor.click_id_params }
    next.click_id_history = observeClickIds(visitor.click_id_history, clickIds, at)
  }

  const referral = signals.referral
  if (referral !== undefined) {
    if (isNewest || next.last_partner_id === null) {
      next.last_partner_id = referral.partner_id
      next.last_referral_link_id = referral.referral_link_id
      next.last_referral_click_id = referral.referral_click_id
    }
    if (next.first_partner_id === null) {
      next.first_partner_id = referral.partner_id
      next.first_referral_link_id = referral.referral_link_id
      next.first_referral_click_id = referral.referral_click_id
    }
  }

  if (isEmpty(visitor.geo) && !isEmpty(signals.geo)) next.geo = { ...signals.geo }
  if (isEmpty(visitor.device) && !isEmpty(signals.device)) next.device = { ...signals.device }

  let identifiedNow = false
  if (signals.person_external_id !== undefined && next.person_external_id === null) {
    next.person_external_id = signals.person_external_id
    identifiedNow = true
  }
  if (signals.person_email !== undefined && next.person_email === null) {
    next.person_email = signals.person_email
    identifiedNow = true
  }
  if (identifiedNow) {
    next.status = advanceStatus(next.status, 'identified')
    next.identified_at = next.identified_at ?? at
  }
  return next
}

/** A new visitor made of one observation (reference §2.2 step 2). */
export function createVisitor (id: string, workspaceId: string, signals: Signals, now: Date): VisitorRecord {
  const at = observedAt(signals, now)
  return { ...applySignals(blankVisitor(id, workspaceId, at), signals, now), inserted_at: now, updated_at: now }
}

/** Distinct non-null external ids held by a group; two or more means the group is two people. */
export function distinctExternalIds (visitors: readonly VisitorRecord[]): string[] {
  return [...new Set(visitors.map(v => v.person_external_id).filter((id): id is string => id !== null))]
}

function firstNonNull<T> (visitors: readonly VisitorRecord[], pick: (v: VisitorRecord) => T | null): T | null {
  for (const v of visitors) {
    const value = pick(v)
    if (value !== null) return value
  }
  return null
}

function minDate (dates: readonly (Date | null)[]): Date | null {
  return dates.reduce<Date | null>((acc, d) => (d === null ? acc : acc === null ? d : earliest(acc, d)), null)
}

function maxNumber (values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null)
  return present.length === 0 ? null : Math.max(...present)
}

const sum = (visitors: readonly VisitorRecord[], pick: (v: VisitorRecord) => number): number =>
  visitors.reduce((total, v) => total + pick(v), 0)

/**
 * The complete survivor row after folding `losers` into `survivor` (reference §2.4, fixes
 * applied). First-touch facts come from the earliest record that has them, last-touch facts from
 * the most recently active one; counters add up. Throws on misuse (different workspaces, merged
 * rows, or two different external ids — the planners refuse those merges before calling this).
 */
export function mergeVisitors (survivor: VisitorRecord, losers: readonly VisitorRecord[], now: Date): VisitorRecord {
  const all = [survivor, ...losers]
  if (all.some(v => v.workspace_id !== survivor.workspace_id)) throw new Error('cannot merge visitors of different workspaces')
  if (all.some(v => v.status === 'merged')) throw new Error('cannot merge a visitor that is already merged')
  if (distinctExternalIds(all).length > 1) throw new Error('cannot merge visitors holding different person_external_ids')

  const byAge = [...all].sort(compareByAge)
  // Most recently active first; the sort is stable, so ties keep survivor-first order.
  const byRecency = [...all].sort((a, b) => b.last_seen_at.getTime() - a.last_seen_at.getTime())
  // The survivor keeps its own person fields; gaps are filled from the others, oldest first.
  const personOrder = [survivor, ...byAge.filter(v => v !== survivor)]
  const newestLast = [...byRecency].reverse()
  const firstPartner = byAge.find(v => v.first_partner_id !== null)
  const lastPartner = byRecency.find(v => v.last_partner_id !== null)

  return {
    ...survivor,
    fingerprints: unionInOrder(all.map(v => v.fingerprints)),
    anonymous_ids: unionInOrder(all.map(v => v.anonymous_ids)),
    click_ids: unionInOrder(all.map(v => v.click_ids)),
    // The survivor keeps its own cookie id: the losers keep theirs on their merged rows, where
    // resolution finds them and follows merged_into_id, so every browser still reaches this person.
    ga_id: survivor.ga_id ?? firstNonNull(byRecency, v => v.ga_id),
    person_external_id: firstNonNull(personOrder, v => v.person_external_id),
    person_email: firstNonNull(personOrder, v => v.person_email),
    person_phone: firstNonNull(personOrder, v => v.person_phone),
    person_name: firstNonNull(personOrder, v => v.person_name),
    person_metadata: Object.assign({}, ...[...personOrder].reverse().map(v => v.person_metadata)) as JsonObject,
    first_source: firstNonNull(byAge, v => v.first_source),
    last_source: firstNonNull(byRecency, v => v.last_source),
    first_click_id: firstNonNull(byAge, v => v.first_click_id),
    last_click_id: firstNonNull(byRecency, v => v.last_click_id),
    first_partner_id: firstPartner?.first_partner_id ?? null,
    first_referral_link_id: firstPartner?.first_referral_link_id ?? null,
    first_referral_click_id: firstPartner?.first_referral_click_id ?? null,
    last_partner_id: lastPartner?.last_partner_id ?? null,
    last_referral_link_id: lastPartner?.last_referral_link_id ?? null,
    last_referral_click_id: lastPartner?.last_referral_click_id ?? null,
    first_seen_at: byAge[0].first_seen_at,
    last_seen_at: byRecency[0].last_seen_at,
    attribution_path: mergePaths(...all.map(v => v.attribution_path)),
    click_id_params: Object.assign({}, ...newestLast.map(v => v.click_id_params)) as Record<string, string>,
    click_id_history: mergeClickIdHistories(all.map(v => v.click_id_history)),
    connector_identifiers: Object.assign({}, ...newestLast.map(v => v.connector_identifiers)) as JsonObject,
    geo: { ...(byAge.find(v => !isEmpty(v.geo))?.geo ?? {}) },
    device: { ...(byAge.find(v => !isEmpty(v.device))?.device ?? {}) },
    ltv_cents: sum(all, v => v.ltv_cents),
    lead_quality_score: maxNumber(all.map(v => v.lead_quality_score)),
    fraud_risk_score: maxNumber(all.map(v => v.fraud_risk_score)),
    status: mergedStatus(all.map(v => v.status)),
    merged_into_id: null,
    identified_at: minDate(all.map(v => v.identified_at)),
    converted_at: minDate(all.map(v => v.converted_at)),
    updated_at: now
  }
}
