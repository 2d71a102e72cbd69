import { jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/** Namespaced per-workspace settings (`connector:meta`, `domain:go.example.com`, ...). */
export const settings = pgTable('settings', {
  workspaceId: uuid('workspace_id').notNull(),
  key: text('key').notNull(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
}, t => [primaryKey({ columns: [t.workspaceId, t.key] })])

export type SettingRow = typeof settings.$inferSelect
