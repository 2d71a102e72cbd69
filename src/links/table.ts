// Short links and the rows that make unique-click decisions exact across processes.
// Leaf module: only queries.ts imports it (drizzle-kit reads it for migrations).
import { sql } from 'drizzle-orm'
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export const LINK_TYPES = ['short', 'referral', 'campaign'] as const
export type LinkType = typeof LINK_TYPES[number]

export const links = pgTable('links', {
  id: uuid('id').primaryKey(),
  workspaceId: uuid('workspace_id').notNull(),
  domain: text('domain').notNull(),
  // Case-sensitive: `/Abc` and `/abc` are different links (keys.ts).
  key: text('key').notNull(),
  url: text('url').notNull(),
  linkType: text('link_type', { enum: LINK_TYPES }).notNull().default('short'),
  utmSource: text('utm_source'),
  utmMedium: text('utm_medium'),
  utmCampaign: text('utm_campaign'),
  utmContent: text('utm_content'),
  utmTerm: text('utm_term'),
  iosUrl: text('ios_url'),
  androidUrl: text('android_url'),
  geoTargeting: jsonb('geo_targeting').$type<Record<string, string>>().notNull().default({}),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  expiredUrl: text('expired_url'),
  passwordHash: text('password_hash'),
  /** Referrer-Policy of the redirect; null = strict-origin-when-cross-origin. */
  referrerPolicy: text('referrer_policy'),
  ogTitle: text('og_title'),
  ogDescription: text('og_description'),
  ogImage: text('og_image'),
  tags: text('tags').array().notNull().default(sql`'{}'`),
  externalId: text('external_id'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  archivedAt: timestamp('archived_at', { withTimezone: true }),
  // Maintained counters (STACK.md: stats never COUNT over events).
  totalClicks: bigint('total_clicks', { mode: 'number' }).notNull().default(0),
  uniqueClicks: bigint('unique_clicks', { mode: 'number' }).notNull().default(0),
  botClicks: bigint('bot_clicks', { mode: 'number' }).notNull().default(0),
  totalLeads: bigint('total_leads', { mode: 'number' }).notNull().default(0),
  totalSales: bigint('total_sales', { mode: 'number' }).notNull().default(0),
  totalRevenueCents: bigint('total_revenue_cents', { mode: 'number' }).notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
}, t => [
  // Global, not per workspace: a domain+key pair can answer only one redirect.
  uniqueIndex('links_domain_key_live_idx').on(t.domain, t.key).where(sql`${t.archivedAt} IS NULL`),
  uniqueIndex('links_workspace_external_id_live_idx').on(t.workspaceId, t.externalId)
    .where(sql`${t.archivedAt} IS NULL AND ${t.externalId} IS NOT NULL`),
  // The key-only fallback of the redirect (a request host that matches no link domain).
  index('links_key_live_idx').on(t.key).where(sql`${t.archivedAt} IS NULL`),
  index('links_workspace_created_idx').on(t.workspaceId, t.createdAt.desc()),
  check('links_link_type_check', sql`${t.linkType} in ('short', 'referral', 'campaign')`)
])

// One row per (link, visitor key) holding the start of its current one-hour unique window.
// INSERT ... ON CONFLICT DO UPDATE ... WHERE window expired RETURNING tells which clicks are unique;
// the row lock serialises concurrent processes, so the decision is exact.
export const linkUniqueClicks = pgTable('link_unique_clicks', {
  linkId: uuid('link_id').notNull(),
  visitorKey: text('visitor_key').notNull(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  hits: integer('hits').notNull().default(1)
}, t => [
  primaryKey({ columns: [t.linkId, t.visitorKey] }),
  index('link_unique_clicks_window_idx').on(t.windowStart)
])

export type LinkRow = typeof links.$inferSelect
export type NewLinkRow = typeof links.$inferInsert
