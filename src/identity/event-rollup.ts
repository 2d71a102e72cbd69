// The visitor-facing side of a conversion (reference §4.2 step 8): lifetime value, first
// conversion, forward-only status, and the first-observation-wins device, as a pure fold for the
// code that holds the row. Browsing counters (events, pageviews, sessions, time) are not kept on
// the visitor: they are counted from its browsers' events and sessions when asked (issue 13).
import { advanceStatus, type JsonObject, type VisitorRecord, type VisitorStatus } from './visitor.js'

export interface RecordedEvent {
  event_type: string
  occurred_at: Date
  amount_cents?: number | null
  /** Parsed user agent (§4.4); written to the visitor only if it has no device yet. */
  device?: JsonObject | null
}

export interface EventRollup {
  ltv_cents: number
  /** Lead and sale events are conversions; the visitor keeps the earliest. */
  converted_at: Date | null
  /** Where the status should move (through advanceStatus), or null. */
  status: VisitorStatus | null
  device: JsonObject | null
}

export function eventRollup (event: RecordedEvent): EventRollup {
  const isSale = event.event_type === 'sale'
  const isLead = event.event_type === 'lead'
  const amount = isSale && typeof event.amount_cents === 'number' && Number.isFinite(event.amount_cents)
    ? Math.max(0, Math.round(event.amount_cents))
    : 0
  return {
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
    ltv_cents: visitor.ltv_cents + rollup.ltv_cents,
    converted_at: convertedAt,
    status: rollup.status === null ? visitor.status : advanceStatus(visitor.status, rollup.status),
    device: Object.keys(visitor.device).length === 0 && rollup.device !== null ? { ...rollup.device } : visitor.device,
    updated_at: now
  }
}
