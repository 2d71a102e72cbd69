// Sessions (reference §4.6/§4.7), assigned at ingest by the sessions consumer of the spine. A
// session belongs to one browser (`ga_id`); the visitor comes through visitor_browsers like every
// event's. Leaf module: only queries.ts imports it (drizzle-kit reads it for migrations).
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'

const tz = (name: string) => timestamp(name, { withTimezone: true })

export const sessions = pgTable('sessions', {
  workspaceId: uuid('workspace_id').notNull(),
  id: uuid('id').notNull(),
  gaId: uuid('ga_id').notNull(),
  startedAt: tz('started_at').notNull(),
  lastEventAt: tz('last_event_at').notNull(),
  entryHost: text('entry_host'),
  entryPath: text('entry_path'),
  exitPath: text('exit_path'),
  pageviews: integer('pageviews').notNull().default(0),
  events: integer('events').notNull().default(0),
  durationSeconds: integer('duration_seconds').notNull().default(0),
  engagedSeconds: integer('engaged_seconds').notNull().default(0),
  isBounce: boolean('is_bounce').notNull().default(true),
  isEngaged: boolean('is_engaged').notNull().default(false),
  // The acquisition (reference §4.6): what decides a split, and what analytics groups sessions by.
  sourcePlatform: text('source_platform'),
  sourceMedium: text('source_medium'),
  sourceCampaign: text('source_campaign'),
  clickId: uuid('click_id'),
  channel: text('channel'),
  referrerHost: text('referrer_host'),
  linkId: uuid('link_id'),
  partnerId: uuid('partner_id'),
  deviceType: text('device_type'),
  browser: text('browser'),
  os: text('os'),
  country: text('country')
}, t => [
  primaryKey({ name: 'sessions_pk', columns: [t.workspaceId, t.id] }),
  index('sessions_browser_idx').on(t.workspaceId, t.gaId, t.lastEventAt.desc()),
  index('sessions_started_idx').on(t.workspaceId, t.startedAt.desc())
])
