// The ONE seam through which features announce things (issue 7): in the caller's transaction it
//  * writes a webhook message + one delivery per enabled webhook subscribed to the type (durable
//    outbox: committed with the event or not at all; unique per (webhook, message));
//  * NOTIFYs the live streams (delivered by PostgreSQL only when that transaction commits).
// The two flushes (clicks, recorded events) take the live part after their commit instead
// (recordedInTransaction + announceLive): PostgreSQL serialises the commits of every transaction
// that NOTIFYs on one global lock held through its WAL flush, which had the two concurrent
// flushes queueing on each other's commit. A live notice is best-effort anyway (no client
// acknowledged it); the webhook outbox stays in the transaction.
// Callers: the event recorder's flush (pageview, lead, sale, custom, identify), the click flush
// (link_click), identity merges (visitor_merged), link CRUD (link.*), the dispatch worker
// (dispatch.failed).
import type { Sql } from '../db/client.js'
import { isUuid, uuidv7 } from '../db/uuid.js'
import { eventJson, type RecordedEvent } from './event-json.js'
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './event-types.js'
import { query, type Executor } from './executor.js'
import { encodeNotices, LIVE_CHANNEL, type LiveNotice } from './live-notice.js'

/** Wakes the delivery workers of every process when new deliveries commit. */
export const DELIVERIES_CHANNEL = 'ga_webhook_deliveries'

export interface Announcement {
  workspaceId: string
  type: WebhookEventType
  /** Becomes the message id: the event's own id makes republishing a no-op. Default: a new UUIDv7. */
  id?: string
  data: Record<string, unknown>
  occurredAt?: Date
}

export interface HookPublisher {
  /** One announcement for webhooks. `tx` null: in a transaction of its own. */
  publish: (tx: Executor | null, workspaceId: string, type: WebhookEventType, data: Record<string, unknown>, opts?: { id?: string, occurredAt?: Date }) => Promise<void>
  publishMany: (tx: Executor | null, items: readonly Announcement[]) => Promise<void>
  /**
   * Events just inserted (recorder or click flush): webhooks for the subscribable types and live
   * stream notices (`event_recorded` for all but engagement, plus `link_click` for clicks).
   * Bot traffic is stored but not announced.
   */
  eventsRecorded: (tx: Executor | null, events: readonly RecordedEvent[]) => Promise<void>
  /** eventsRecorded without the live notices: the caller sends them with announceLive once committed. */
  recordedInTransaction: (tx: Executor, events: readonly RecordedEvent[]) => Promise<void>
  /** The live notices of committed events, in a statement of their own. Never rejects. */
  announceLive: (events: readonly RecordedEvent[]) => Promise<void>
}

const SUBSCRIBABLE = new Set<string>(WEBHOOK_EVENT_TYPES)

/** Standard Webhooks payload shape: {type, timestamp, data}. */
export function messageBody (a: Announcement): string {
  return JSON.stringify({ type: a.type, timestamp: (a.occurredAt ?? new Date()).toISOString(), data: a.data })
}

export function liveNoticesFor (events: readonly RecordedEvent[]): LiveNotice[] {
  const out: LiveNotice[] = []
  for (const e of events) {
    if (e.bot === true || e.event_type === 'engagement') continue
    out.push({ kind: 'event', workspaceId: e.workspace_id, eventId: e.id })
    if (e.event_type === 'link_click' && typeof e.link_id === 'string') {
      out.push({ kind: 'click', workspaceId: e.workspace_id, eventId: e.id, linkId: e.link_id, unique: e.unique_click === true })
    }
  }
  return out
}

export function announcementsFor (events: readonly RecordedEvent[]): Announcement[] {
  return events
    .filter(e => e.bot !== true && SUBSCRIBABLE.has(e.event_type))
    .map(e => ({
      workspaceId: e.workspace_id,
      type: e.event_type as WebhookEventType,
      id: e.id,
      data: eventJson(e),
      occurredAt: e.occurred_at instanceof Date ? e.occurred_at : undefined
    }))
}

async function writeOutbox (exec: Executor, items: readonly Announcement[]): Promise<void> {
  if (items.length === 0) return
  const workspaces = [...new Set(items.map(i => i.workspaceId))]
  const hooks = await query(exec)<{ id: string, workspace_id: string, event_types: string[] }>`
    select id, workspace_id, event_types from webhooks
    where enabled and workspace_id in (select jsonb_array_elements_text(${JSON.stringify(workspaces)}::text::jsonb)::uuid)`
  if (hooks.length === 0) return
  const messages: Array<{ id: string, workspace_id: string, event_type: string, body: string }> = []
  const deliveries: Array<{ id: string, workspace_id: string, webhook_id: string, message_id: string, event_type: string }> = []
  for (const item of items) {
    const matching = hooks.filter(h => h.workspace_id === item.workspaceId && h.event_types.includes(item.type))
    if (matching.length === 0) continue
    const messageId = item.id !== undefined && isUuid(item.id) ? item.id : uuidv7()
    messages.push({ id: messageId, workspace_id: item.workspaceId, event_type: item.type, body: messageBody(item) })
    for (const h of matching) deliveries.push({ id: uuidv7(), workspace_id: item.workspaceId, webhook_id: h.id, message_id: messageId, event_type: item.type })
  }
  if (deliveries.length === 0) return
  await query(exec)`
    insert into webhook_messages (id, workspace_id, event_type, body)
    select id, workspace_id, event_type, body from jsonb_to_recordset(${JSON.stringify(messages)}::text::jsonb)
      as m(id uuid, workspace_id uuid, event_type text, body text)
    on conflict (id) do nothing`
  await query(exec)`
    insert into webhook_deliveries (id, workspace_id, webhook_id, message_id, event_type)
    select id, workspace_id, webhook_id, message_id, event_type from jsonb_to_recordset(${JSON.stringify(deliveries)}::text::jsonb)
      as d(id uuid, workspace_id uuid, webhook_id uuid, message_id uuid, event_type text)
    on conflict (webhook_id, message_id) do nothing`
  await query(exec)`select pg_notify(${DELIVERIES_CHANNEL}, '')`
}

async function notifyLive (exec: Executor, notices: readonly LiveNotice[]): Promise<void> {
  if (notices.length === 0) return
  await query(exec)`
    select pg_notify(${LIVE_CHANNEL}, p) from jsonb_array_elements_text(${JSON.stringify(encodeNotices(notices))}::text::jsonb) as p`
}

export function createPublisher (sql: Sql, onLiveError: (err: unknown) => void = () => {}): HookPublisher {
  async function inTx (tx: Executor | null, work: (exec: Executor) => Promise<void>): Promise<void> {
    if (tx !== null) { await work(tx); return }
    await sql.begin(async own => { await work(own) })
  }
  const publishMany: HookPublisher['publishMany'] = async (tx, items) => {
    if (items.length === 0) return
    await inTx(tx, async exec => { await writeOutbox(exec, items) })
  }
  return {
    publishMany,
    publish: async (tx, workspaceId, type, data, opts = {}) => { await publishMany(tx, [{ workspaceId, type, data, ...opts }]) },
    recordedInTransaction: async (tx, events) => { await publishMany(tx, announcementsFor(events)) },
    announceLive: async events => {
      try { await notifyLive(sql, liveNoticesFor(events)) } catch (err) { onLiveError(err) }
    },
    eventsRecorded: async (tx, events) => {
      const announcements = announcementsFor(events)
      const notices = liveNoticesFor(events)
      if (announcements.length === 0 && notices.length === 0) return
      await inTx(tx, async exec => {
        await writeOutbox(exec, announcements)
        await notifyLive(exec, notices)
      })
    }
  }
}
