// Idempotency and dedupe keys. The partitioned events table cannot hold a unique key on them (a
// unique index there must include the partition key), so a small table claims each key once per
// workspace, in the same transaction as the event it names.
import { index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const EVENT_KEY_KINDS = ['idempotency', 'client_event'] as const
export type EventKeyKind = typeof EVENT_KEY_KINDS[number]

export const eventKeys = pgTable('event_keys', {
  workspaceId: uuid('workspace_id').notNull(),
  /** `idempotency`: REST Idempotency keys; `client_event`: the beacon's client event id. */
  kind: text('kind').notNull(),
  key: text('key').notNull(),
  eventId: uuid('event_id').notNull(),
  /** SHA-256 of the canonical request body: same key + another body is a 409. */
  bodyHash: text('body_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
}, t => [
  primaryKey({ name: 'event_keys_pk', columns: [t.workspaceId, t.kind, t.key] }),
  index('event_keys_created_idx').on(t.kind, t.createdAt)
])
