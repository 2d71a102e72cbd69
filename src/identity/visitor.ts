// The visitor row of the identity graph (reference §1.1) exactly as the database holds it:
// snake_case columns, timestamptz as Date, jsonb as plain JSON values. Pure types and the
// status ladder; no I/O.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/** Classifier output (reference §3): platform, medium, campaign, click_id_type, captured_click_ids… */
export type SourceMap = JsonObject

/** One entry of `attribution_path`: a source map plus the ISO time it was observed (`timestamp`). */
export type Touchpoint = JsonObject

/**
 * What we know about one ad-platform click id type (gclid, fbclid, …).
 * `first_value`/`first_seen_at` is the first value ever seen and when (first-touch, e.g. Meta's
 * `fbc` creation time); `value`/`last_seen_at` the newest value and when it was last seen;
 * `value_first_seen_at` when the newest value itself was first seen (its own creation time).
 */
export interface ClickIdObservation {
  value: string
  first_value: string
  first_seen_at: string
  last_seen_at: string
  value_first_seen_at: string
}
export type ClickIdHistory = { [clickIdType: string]: ClickIdObservation }

export const VISITOR_STATUSES = ['anonymous', 'identified', 'lead', 'customer', 'churned', 'merged'] as const
export type VisitorStatus = typeof VISITOR_STATUSES[number]
export function isVisitorStatus (value: unknown): value is VisitorStatus {
  return typeof value === 'string' && (VISITOR_STATUSES as readonly string[]).includes(value)
}

/** The forward ladder. `churned` and `merged` sit outside it (see advanceStatus). */
export const STATUS_ORDER = ['anonymous', 'identified', 'lead', 'customer'] as const

export interface VisitorRecord {
  id: string
  workspace_id: string
  fingerprints: string[]
  anonymous_ids: string[]
  click_ids: string[]
  ga_id: string | null
  person_external_id: string | null
  person_email: string | null
  person_phone: string | null
  person_name: string | null
  person_metadata: JsonObject
  first_source: SourceMap | null
  last_source: SourceMap | null
  first_click_id: string | null
  last_click_id: string | null
  first_partner_id: string | null
  first_referral_link_id: string | null
  first_referral_click_id: string | null
  last_partner_id: string | null
  last_referral_link_id: string | null
  last_referral_click_id: string | null
  first_seen_at: Date
  last_seen_at: Date
  attribution_path: Touchpoint[]
  click_id_params: Record<string, string>
  click_id_history: ClickIdHistory
  connector_identifiers: JsonObject
  geo: JsonObject
  device: JsonObject
  lead_quality_score: number | null
  fraud_risk_score: number | null
  status: VisitorStatus
  merged_into_id: string | null
  identified_at: Date | null
  converted_at: Date | null
  ltv_cents: number
  inserted_at: Date
  updated_at: Date
}

/** A visitor row with every column at its database default. */
export function blankVisitor (id: string, workspaceId: string, now: Date): VisitorRecord {
  return {
    id,
    workspace_id: workspaceId,
    fingerprints: [],
    anonymous_ids: [],
    click_ids: [],
    ga_id: null,
    person_external_id: null,
    person_email: null,
    person_phone: null,
    person_name: null,
    person_metadata: {},
    first_source: null,
    last_source: null,
    first_click_id: null,
    last_click_id: null,
    first_partner_id: null,
    first_referral_link_id: null,
    first_referral_click_id: null,
    last_partner_id: null,
    last_referral_link_id: null,
    last_referral_click_id: null,
    first_seen_at: now,
    last_seen_at: now,
    attribution_path: [],
    click_id_params: {},
    click_id_history: {},
    connector_identifiers: {},
    geo: {},
    device: {},
    lead_quality_score: null,
    fraud_risk_score: null,
    status: 'anonymous',
    merged_into_id: null,
    identified_at: null,
    converted_at: null,
    ltv_cents: 0,
    inserted_at: now,
    updated_at: now
  }
}

function ladderRank (status: VisitorStatus): number {
  return (STATUS_ORDER as readonly string[]).indexOf(status)
}

/**
 * The status after an event that would move the visitor to `next`. Status only moves forward on
 * the ladder (identify never downgrades a lead or customer); `merged` is terminal and reachable
 * from anywhere. Only customers churn, and a churned visitor comes back only by buying again.
 */
export function advanceStatus (current: VisitorStatus, next: VisitorStatus): VisitorStatus {
  if (current === 'merged' || next === 'merged') return 'merged'
  if (next === 'churned') return current === 'customer' ? 'churned' : current
  if (current === 'churned') return next === 'customer' ? 'customer' : 'churned'
  return ladderRank(next) > ladderRank(current) ? next : current
}

/**
 * The status of the person a merge produces: the furthest any of them got. A churned record
 * counts as a customer that lapsed, so an active customer in the group wins over it.
 */
export function mergedStatus (statuses: readonly VisitorStatus[]): VisitorStatus {
  const live = statuses.filter(s => s !== 'merged')
  if (live.includes('customer')) return 'customer'
  if (live.includes('churned')) return 'churned'
  return live.reduce<VisitorStatus>((acc, s) => advanceStatus(acc, s), 'anonymous')
}

/** Survivor order: oldest first_seen_at first, ties broken by id so every process agrees. */
export function compareByAge (a: VisitorRecord, b: VisitorRecord): number {
  const diff = a.first_seen_at.getTime() - b.first_seen_at.getTime()
  if (diff !== 0) return diff
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
