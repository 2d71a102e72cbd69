// The connector outbox (reference §1.7, DESIGN §7): one row per (event, enabled connector),
// written in the same transaction as the lead/sale event. The connectors feature delivers them.
import { sql } from 'drizzle-orm'
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export const DISPATCH_STATUSES = ['planned', 'pending', 'delivering', 'delivered', 'failed', 'permanently_failed', 'skipped'] as const
export type DispatchStatus = typeof DISPATCH_STATUSES[number]
const statusList = sql.raw(DISPATCH_STATUSES.map(s => `'${s}'`).join(', '))

export const connectorDispatches = pgTable('connector_dispatches', {
  id: uuid('id').notNull(),
  workspaceId: uuid('workspace_id').notNull(),
  eventId: uuid('event_id').notNull(),
  /** The event's partition key, so delivery finds the event without scanning every partition. */
  eventOccurredAt: timestamp('event_occurred_at', { withTimezone: true }).notNull(),
  visitorId: uuid('visitor_id'),
  connector: text('connector').notNull(),
  /** Deterministic: `<type>_` + 32 hex of SHA-256(`<event_id>:<occurred_at µs>:<type>`), shared with pixels. */
  connectorEventId: text('connector_event_id').notNull(),
  status: text('status').notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
  lastError: text('last_error'),
  sourceContext: jsonb('source_context'),
  payload: jsonb('payload'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  deliveredAt: timestamp('delivered_at', { withTimezone: true })
}, t => [
  primaryKey({ name: 'connector_dispatches_pk', columns: [t.workspaceId, t.id] }),
  uniqueIndex('connector_dispatches_event_uq').on(t.workspaceId, t.connector, t.eventId),
  index('connector_dispatches_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'failed')`),
  index('connector_dispatches_visitor_idx').on(t.workspaceId, t.visitorId),
  check('connector_dispatches_status_check', sql`${t.status} in (${statusList})`)
])
