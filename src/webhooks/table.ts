// Outbound webhooks: endpoints, the outbox of messages and per-endpoint deliveries, and the log
// of every attempt. A message is the exact body sent (signed over these bytes on every retry);
// a delivery is one message for one webhook, unique per (webhook, message): no double firing.
// No foreign keys (like the rest of the schema, for Citus later): the service deletes together.
import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { DELIVERY_STATUSES } from './event-types.js'

export const webhooks = pgTable('webhooks', {
  id: uuid('id').primaryKey(),
  workspaceId: uuid('workspace_id').notNull(),
  url: text('url').notNull(),
  description: text('description'),
  eventTypes: text('event_types').array().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  /** The whsec_ signing secret, AES-256-GCM sealed (connectors/crypto) with AAD "webhook:<id>". */
  secretSealed: text('secret_sealed').notNull(),
  /** Failed attempts since the last success; the endpoint is disabled when it reaches the limit. */
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  disabledReason: text('disabled_reason'),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
}, t => [index('webhooks_workspace_idx').on(t.workspaceId)])

export const webhookMessages = pgTable('webhook_messages', {
  /** The event's own id for recorded events, so republishing the same event is a no-op. */
  id: uuid('id').primaryKey(),
  workspaceId: uuid('workspace_id').notNull(),
  eventType: text('event_type').notNull(),
  body: text('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
})

export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: uuid('id').primaryKey(),
  workspaceId: uuid('workspace_id').notNull(),
  webhookId: uuid('webhook_id').notNull(),
  messageId: uuid('message_id').notNull(),
  eventType: text('event_type').notNull(),
  status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  /** Lease of a 'sending' row: past it, another worker may claim the row again (crash recovery). */
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  lastStatusCode: integer('last_status_code'),
  lastError: text('last_error'),
  deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
}, t => [
  unique('webhook_deliveries_webhook_message_key').on(t.webhookId, t.messageId),
  index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status in ('pending', 'retrying', 'sending')`),
  index('webhook_deliveries_webhook_idx').on(t.webhookId, t.createdAt),
  check('webhook_deliveries_status_check', sql`${t.status} in ('pending', 'sending', 'retrying', 'delivered', 'failed')`)
])

export const webhookAttempts = pgTable('webhook_attempts', {
  id: uuid('id').notNull(),
  deliveryId: uuid('delivery_id').notNull(),
  workspaceId: uuid('workspace_id').notNull(),
  attempt: integer('attempt').notNull(),
  statusCode: integer('status_code'),
  durationMs: integer('duration_ms').notNull(),
  /** Truncated and never shown to another tenant (security.md §3.3). */
  responseBody: text('response_body'),
  error: text('error'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
}, t => [
  // workspace_id in the key: the table distributes by workspace on Citus (DESIGN §10).
  primaryKey({ name: 'webhook_attempts_pk', columns: [t.workspaceId, t.id] }),
  index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attempt)
])

export type WebhookRow = typeof webhooks.$inferSelect
