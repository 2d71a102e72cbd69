import { sql } from 'drizzle-orm'
import { boolean, check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const API_KEY_TYPES = ['secret', 'publishable'] as const
export type ApiKeyType = (typeof API_KEY_TYPES)[number]

export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
})

export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  type: text('type', { enum: API_KEY_TYPES }).notNull(),
  /** HMAC-SHA256(GA_SECRET, key): the key itself is never stored. */
  keyHash: text('key_hash').notNull().unique(),
  /** The first characters of the key, so people can tell keys apart in lists. */
  prefix: text('prefix').notNull(),
  allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'`),
  /** Publishable keys only: the page may send `sale` beacons (stored with trust "client"). Off by default. */
  allowClientSales: boolean('allow_client_sales').notNull().default(false),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
}, t => [
  index('api_keys_workspace_idx').on(t.workspaceId),
  check('api_keys_type_check', sql`${t.type} in ('secret', 'publishable')`)
])

export type WorkspaceRow = typeof workspaces.$inferSelect
export type ApiKeyRow = typeof apiKeys.$inferSelect
