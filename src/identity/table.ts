// The identity graph's tables (reference §1.1, §1.4) plus the merge audit. Every key includes
// workspace_id (DESIGN §1: Citus-ready). No foreign keys, as upstream: ids are plain UUIDs.
import { sql } from 'drizzle-orm'
import {
  bigint, check, index, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid
} from 'drizzle-orm/pg-core'
import { VISITOR_STATUSES } from './visitor.js'

const tz = (name: string) => timestamp(name, { withTimezone: true })
const statusList = sql.raw(VISITOR_STATUSES.map(s => `'${s}'`).join(', '))

export const visitors = pgTable('visitors', {
  id: uuid('id').notNull(),
  workspaceId: uuid('workspace_id').notNull(),
  fingerprints: text('fingerprints').array().notNull().default(sql`'{}'`),
  anonymousIds: text('anonymous_ids').array().notNull().default(sql`'{}'`),
  clickIds: uuid('click_ids').array().notNull().default(sql`'{}'`),
  gaId: text('ga_id'),
  personExternalId: text('person_external_id'),
  personEmail: text('person_email'),
  personPhone: text('person_phone'),
  personName: text('person_name'),
  personMetadata: jsonb('person_metadata').notNull().default({}),
  firstSource: jsonb('first_source'),
  lastSource: jsonb('last_source'),
  firstClickId: uuid('first_click_id'),
  lastClickId: uuid('last_click_id'),
  firstPartnerId: uuid('first_partner_id'),
  firstReferralLinkId: uuid('first_referral_link_id'),
  firstReferralClickId: uuid('first_referral_click_id'),
  lastPartnerId: uuid('last_partner_id'),
  lastReferralLinkId: uuid('last_referral_link_id'),
  lastReferralClickId: uuid('last_referral_click_id'),
  firstSeenAt: tz('first_seen_at').notNull().defaultNow(),
  lastSeenAt: tz('last_seen_at').notNull().defaultNow(),
  attributionPath: jsonb('attribution_path').notNull().default([]),
  clickIdParams: jsonb('click_id_params').notNull().default({}),
  clickIdHistory: jsonb('click_id_history').notNull().default({}),
  connectorIdentifiers: jsonb('connector_identifiers').notNull().default({}),
  geo: jsonb('geo').notNull().default({}),
  device: jsonb('device').notNull().default({}),
  leadQualityScore: numeric('lead_quality_score'),
  fraudRiskScore: numeric('fraud_risk_score'),
  status: text('status').notNull().default('anonymous'),
  mergedIntoId: uuid('merged_into_id'),
  identifiedAt: tz('identified_at'),
  convertedAt: tz('converted_at'),
  ltvCents: bigint('ltv_cents', { mode: 'number' }).notNull().default(0),
  insertedAt: tz('inserted_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow()
}, t => [
  primaryKey({ name: 'visitors_pk', columns: [t.workspaceId, t.id] }),
  check('visitors_status_check', sql`${t.status} in (${statusList})`),
  // Merge losers give their external id up inside the merge transaction; the partial predicate is
  // a second line of defence so a merged row can never block the living person (reference §2.5 fix).
  uniqueIndex('visitors_external_id_uq').on(t.workspaceId, t.personExternalId)
    .where(sql`${t.personExternalId} is not null and ${t.status} <> 'merged'`),
  index('visitors_ga_id_idx').on(t.workspaceId, t.gaId).where(sql`${t.gaId} is not null`),
  index('visitors_email_idx').on(t.workspaceId, sql`lower(${t.personEmail})`).where(sql`${t.personEmail} is not null`),
  index('visitors_fingerprints_gin').using('gin', t.fingerprints).with({ fastupdate: false }).where(sql`cardinality(${t.fingerprints}) > 0`),
  index('visitors_anonymous_ids_gin').using('gin', t.anonymousIds).with({ fastupdate: false }).where(sql`cardinality(${t.anonymousIds}) > 0`),
  index('visitors_click_ids_gin').using('gin', t.clickIds).with({ fastupdate: false }).where(sql`cardinality(${t.clickIds}) > 0`),
  index('visitors_ws_inserted_idx').on(t.workspaceId, t.insertedAt.desc()),
  index('visitors_merged_into_idx').on(t.workspaceId, t.mergedIntoId).where(sql`${t.mergedIntoId} is not null`)
])

/** One row per merge: who survived, who was folded in, and which supplied signals decided it. */
export const visitorMerges = pgTable('visitor_merges', {
  id: uuid('id').notNull(),
  workspaceId: uuid('workspace_id').notNull(),
  survivorId: uuid('survivor_id').notNull(),
  mergedIds: uuid('merged_ids').array().notNull(),
  reason: text('reason').notNull(),
  decidingSignals: text('deciding_signals').array().notNull().default(sql`'{}'`),
  mergedAt: tz('merged_at').notNull().defaultNow()
}, t => [
  primaryKey({ name: 'visitor_merges_pk', columns: [t.workspaceId, t.id] }),
  index('visitor_merges_survivor_idx').on(t.workspaceId, t.survivorId)
])

/**
 * Browsers of a visitor (DESIGN §5): events are keyed by the browser id `ga_id` and never name a
 * visitor; this mapping joins them to the person once one matters. A merge re-points rows here
 * instead of rewriting events. A visitor created without a browser (REST) maps its own id.
 */
export const visitorBrowsers = pgTable('visitor_browsers', {
  workspaceId: uuid('workspace_id').notNull(),
  // Text, as the identity signal is: REST callers may name browsers their own way. Browser events
  // carry UUIDs, compared as text (`ga_id = e.ga_id::text`).
  gaId: text('ga_id').notNull(),
  visitorId: uuid('visitor_id').notNull(),
  mappedAt: tz('mapped_at').notNull().defaultNow()
}, t => [
  primaryKey({ name: 'visitor_browsers_pk', columns: [t.workspaceId, t.gaId] }),
  index('visitor_browsers_visitor_idx').on(t.workspaceId, t.visitorId)
])
