// GDPR forget (reference §2.7, with the TS-REC to clear everything upstream forgot): the row is
// kept so aggregates stay consistent, but nothing on it can identify or re-link a person.
// Every column is classified below; adding a column without classifying it fails to compile.
import { blankVisitor, type VisitorRecord } from './visitor.js'

export const PII_FIELDS = [
  'fingerprints', 'anonymous_ids', 'click_ids', 'ga_id',
  'person_external_id', 'person_email', 'person_phone', 'person_name', 'person_metadata',
  'first_source', 'last_source', 'attribution_path', 'first_click_id', 'last_click_id',
  'first_partner_id', 'first_referral_link_id', 'first_referral_click_id',
  'last_partner_id', 'last_referral_link_id', 'last_referral_click_id',
  // Click ids of ad platforms are personal data (they re-identify the click at the platform).
  'click_id_params', 'click_id_history', 'connector_identifiers',
  'geo', 'device',
  // Activity times and profiling scores describe the person, not the aggregate.
  'first_seen_at', 'last_seen_at', 'identified_at', 'converted_at',
  'lead_quality_score', 'fraud_risk_score'
] as const satisfies readonly (keyof VisitorRecord)[]
export type PiiField = typeof PII_FIELDS[number]

/** Anonymous counters and row bookkeeping survive a forget. */
export const RETAINED_FIELDS = [
  'id', 'workspace_id', 'status', 'merged_into_id',
  'ltv_cents',
  'inserted_at', 'updated_at'
] as const satisfies readonly (keyof VisitorRecord)[]

type Unclassified = Exclude<keyof VisitorRecord, PiiField | typeof RETAINED_FIELDS[number]>
const everyColumnClassified: [Unclassified] extends [never] ? true : Unclassified = true
void everyColumnClassified

/** Upstream stamps forgotten rows with the epoch rather than leaving activity times behind. */
export const FORGOTTEN_AT = new Date('1970-01-01T00:00:00.000Z')

// Every PII column goes back to its database default, except the activity times, which upstream
// stamps with the epoch rather than leaving when the person was active.
function scrubbedValues (): { [K in PiiField]: VisitorRecord[K] } {
  const blank = blankVisitor('', '', FORGOTTEN_AT)
  const values = Object.fromEntries(PII_FIELDS.map(field => [field, blank[field]])) as { [K in PiiField]: VisitorRecord[K] }
  return { ...values, first_seen_at: new Date(FORGOTTEN_AT.getTime()), last_seen_at: new Date(FORGOTTEN_AT.getTime()) }
}

/**
 * The forgotten row. A merged row stays `merged` (it is still not a person of its own); every
 * other row becomes `anonymous`. The caller forgets the whole cluster: this visitor and every row
 * whose merged_into_id points at it, and deletes their events, sessions and dispatch context.
 */
export function scrubVisitor (visitor: VisitorRecord, now: Date): VisitorRecord {
  return {
    ...visitor,
    ...scrubbedValues(),
    status: visitor.status === 'merged' ? 'merged' : 'anonymous',
    updated_at: now
  }
}
