// Short-link domains, each owned by exactly one workspace (DESIGN §6, issue 14 item 1). Leaf module:
// only queries.ts imports it (drizzle-kit reads it for migrations).
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export const domains = pgTable('domains', {
  id: uuid('id').primaryKey(),
  workspaceId: uuid('workspace_id').notNull(),
  // Normalised as request hosts are (links/host.ts): lower-case, no port, punycode.
  host: text('host').notNull(),
  /** Where `GET /` on this host goes. */
  rootUrl: text('root_url'),
  /** Where an unknown key on this host goes (instead of 404). */
  notFoundUrl: text('not_found_url'),
  /** Where an expired link on this host goes when the link has no expired_url of its own (instead of 410). */
  expiredUrl: text('expired_url'),
  /** The value the DNS TXT record `_good-analytics.<host>` must hold to verify the domain. */
  verificationToken: text('verification_token').notNull(),
  verifiedAt: timestamp('verified_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
}, t => [
  // Global: a host answers for one workspace only.
  uniqueIndex('domains_host_idx').on(t.host),
  index('domains_workspace_created_idx').on(t.workspaceId, t.createdAt)
])

export type DomainRow = typeof domains.$inferSelect
export type NewDomainRow = typeof domains.$inferInsert
