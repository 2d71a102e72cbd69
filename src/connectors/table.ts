// Every delivery attempt of a connector dispatch, for audit and support (completed outbox rows
// keep only their last error). The excerpt is redacted and clipped before it is written.
import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const connectorDispatchAttempts = pgTable('connector_dispatch_attempts', {
  id: uuid('id').notNull(),
  workspaceId: uuid('workspace_id').notNull(),
  dispatchId: uuid('dispatch_id').notNull(),
  connector: text('connector').notNull(),
  attempt: integer('attempt').notNull(),
  /** delivered | failed | permanently_failed | skipped | paused */
  outcome: text('outcome').notNull(),
  httpStatus: integer('http_status'),
  /** transient | permanent | credential | rate_limited | expired | build */
  errorKind: text('error_kind'),
  durationMs: integer('duration_ms').notNull(),
  responseExcerpt: text('response_excerpt'),
  error: text('error'),
  /** What was changed before sending (e.g. an address value cut to the platform's limit). */
  notes: text('notes'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
}, (t) => [
  // workspace_id in the key: the table distributes by workspace on Citus (DESIGN §10).
  primaryKey({ name: 'connector_dispatch_attempts_pk', columns: [t.workspaceId, t.id] }),
  index('connector_dispatch_attempts_dispatch_idx').on(t.workspaceId, t.dispatchId, t.createdAt)
])
