// The visitor-facing side of recording an event (reference §4.2 step 8, plus the rollups upstream
// never maintained): counters, lifetime value, first conversion, forward-only status, and the
// first-observation-wins device. Expressed as a delta so the database can apply it atomically
// (`total_events = total_events + $1`, `converted_at = least(converted_at, $2)`), and as a pure
// fold for code that holds the row.
import { advanceStatus, type JsonObject, type VisitorRecord, type VisitorStatus } from './visitor.js'

export interface RecordedEvent {
  event_type: string
  occurred_at: Date
  amount_cents?: number | null
  /** Parsed user agent (§4.4); written to the visitor only if it has no device yet. */
  device?: JsonObject | null
}

export interface EventRollup {
  total_events: number
  total_pageviews: number
  ltv_cents: number
  /** Lead and sale events are conversions; the visitor keeps the earliest. */
  converted_at: Date | null
  /** Where the status should move (through advanceStatus), or null. */
  status: VisitorStatus | null
  device: JsonObject | null
}

// Engagement pings follow their own path (§4.7) and are not events of the visitor's history.
const UNCOUNTED_EVENT_TYPES: readonly string[] = ['engagement']

export function eventRollup (event: RecordedEvent): EventRollup {
  const counted = !UNCOUNTED_EVENT_TYPES.includes(event.event_type)
  const isSale = event.event_type === 'sale'
  const isLead = event.event_type === 'lead'
  const amount = isSale && typeof event.amount_cents === 'number' && Number.isFinite(event.amount_cents)
    ? Math.max(0, Math.round(event.amount_cents))
    : 0
  return {
    total_events: counted ? 1 : 0,
    total_pageviews: event.event_type === 'pageview' ? 1 : 0,
    ltv_cents: amount,
    converted_at: isSale || isLead ? event.occurred_at : null,
    status: isSale ? 'customer' : isLead ? 'lead' : null,
    device: event.device != null && Object.keys(event.device).length > 0 ? event.device : null
  }
}

export function applyEventRollup (visitor: VisitorRecord, rollup: EventRollup, now: Date): VisitorRecord {
  const convertedAt = rollup.converted_at === null
    ? visitor.converted_at
    : visitor.converted_at === null || rollup.converted_at < visitor.converted_at ? rollup.converted_at : visitor.converted_at
  return {
    ...visitor,
    total_events: visitor.total_events + rollup.total_events,
    total_pageviews: visitor.total_pageviews + rollup.total_pageviews,
    ltv_cents: visitor.ltv_cents + rollup.ltv_cents,
    converted_at: convertedAt,
    status: rollup.status === null ? visitor.status : advanceStatus(visitor.status, rollup.status),
    device: Object.keys(visitor.device).length === 0 && rollup.device !== null ? { ...rollup.device } : visitor.device,
    updated_at: now
  }
}
