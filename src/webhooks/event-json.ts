// The event as webhooks and live streams show it: the REST API's event JSON (API.md "Event JSON
// carries at least"), from an events row or the row a feature is about to insert. Pure.
export const EVENT_JSON_FIELDS = [
  'id', 'visitor_id', 'ga_id', 'session_id', 'event_type', 'event_name', 'url', 'host', 'path', 'referrer', 'referrer_host',
  'source_platform', 'source_medium', 'source_campaign', 'channel', 'source', 'link_id', 'click_id', 'partner_id',
  'amount_cents', 'currency', 'properties', 'device_type', 'browser', 'os', 'bot', 'country',
  'unique_click', 'qr', 'trust', 'occurred_at'
] as const

/** What publishers hand over: an events row (snake_case columns; extra columns are ignored). */
export interface RecordedEvent {
  id: string
  workspace_id: string
  event_type: string
  link_id?: string | null
  unique_click?: boolean | null
  bot?: boolean | null
  occurred_at?: Date | string | null
  visitor_id?: string | null
  properties?: unknown
  inserted_at?: Date | string | null
}

export function eventJson (row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of EVENT_JSON_FIELDS) {
    const v = (row as Record<string, unknown>)[field]
    if (v === undefined) continue
    out[field] = v instanceof Date ? v.toISOString() : v
  }
  return out
}
