// The events table in code: its one definition (the migration 0011_events_narrow.sql is checked
// against it by test/events/schema.test.ts, reading the catalog). Every writer builds an EventRow,
// the writer inserts EVENT_COLUMNS, and every reader turns rows back into the API's event JSON
// through eventReply(). Narrow on purpose (issue 13): the source is stored once as short columns,
// direct and self-referral visits store no source at all, and jsonb only where it is not null.

export const EVENT_TYPES = ['link_click', 'pageview', 'session_start', 'identify', 'lead', 'sale', 'share', 'engagement', 'custom'] as const
export type EventType = typeof EVENT_TYPES[number]

export interface EventRow {
  occurred_at: Date
  amount_cents: number | null
  workspace_id: string
  id: string
  /** The browser: the `_ga_good` cookie value (a click mints one). A visitor comes through visitor_browsers. */
  ga_id: string
  session_id: string | null
  link_id: string | null
  /** The short-link click this event belongs to (the click's own id on link_click rows). */
  click_id: string | null
  partner_id: string | null
  bot: boolean
  unique_click: boolean | null
  qr: boolean | null
  event_type: EventType
  event_name: string | null
  host: string | null
  path: string | null
  /** The query string without `?` and without the parameters the source columns hold (utm_*, click ids, via/ref, ga_id). */
  query: string | null
  /**
   * The full referrer, only when it is another site's and says more than its host (self-referrals,
   * direct visits and bare `https://host/` referrers store none: referrer_host has it).
   */
  referrer: string | null
  referrer_host: string | null
  channel: string | null
  source_platform: string | null
  source_medium: string | null
  source_campaign: string | null
  source_content: string | null
  source_term: string | null
  source_rule: string | null
  click_id_type: string | null
  click_id_value: string | null
  device_type: string | null
  browser: string | null
  /** Which crawler, on bot rows only. */
  bot_name: string | null
  os: string | null
  country: string | null
  currency: string | null
  properties: Record<string, unknown> | null
  /** Conversions only: the request facts the conversion APIs need (url, ip, user agent, browser ids). */
  context: Record<string, unknown> | null
  /** Who vouches for the event (issue 14 item 2, migration 0014): 'client' = a browser beacon, 'server' = a secret key or the service itself. */
  trust: EventTrust
}

export const EVENT_TRUST = ['client', 'server'] as const
export type EventTrust = typeof EVENT_TRUST[number]

type PgType = 'timestamptz' | 'int8' | 'uuid' | 'bool' | 'text' | 'jsonb'

/** Column → PostgreSQL type, in table order (fixed-width first: no alignment padding). */
export const EVENT_COLUMN_TYPES = {
  occurred_at: 'timestamptz',
  amount_cents: 'int8',
  workspace_id: 'uuid',
  id: 'uuid',
  ga_id: 'uuid',
  session_id: 'uuid',
  link_id: 'uuid',
  click_id: 'uuid',
  partner_id: 'uuid',
  bot: 'bool',
  unique_click: 'bool',
  qr: 'bool',
  event_type: 'text',
  event_name: 'text',
  host: 'text',
  path: 'text',
  query: 'text',
  referrer: 'text',
  referrer_host: 'text',
  channel: 'text',
  source_platform: 'text',
  source_medium: 'text',
  source_campaign: 'text',
  source_content: 'text',
  source_term: 'text',
  source_rule: 'text',
  click_id_type: 'text',
  click_id_value: 'text',
  device_type: 'text',
  browser: 'text',
  bot_name: 'text',
  os: 'text',
  country: 'text',
  currency: 'text',
  properties: 'jsonb',
  context: 'jsonb',
  trust: 'text'
} as const satisfies { [K in keyof EventRow]-?: PgType }

export const EVENT_COLUMNS = Object.keys(EVENT_COLUMN_TYPES) as Array<keyof EventRow>

/** The event JSON of the API (API.md "Event JSON carries at least"), from a row and its visitor. */
export function eventReply (row: EventRow, visitorId: string | null): Record<string, unknown> {
  const url = row.host === null ? null : `https://${row.host}${row.path ?? '/'}${row.query === null ? '' : `?${row.query}`}`
  return {
    id: row.id,
    visitor_id: visitorId,
    ga_id: row.ga_id,
    session_id: row.session_id,
    event_type: row.event_type,
    event_name: row.event_name,
    url: (row.context?.url as string | undefined) ?? url,
    host: row.host,
    path: row.path,
    // A bare https origin is stored as its host only.
    referrer: row.referrer ?? (row.referrer_host === null ? null : `https://${row.referrer_host}/`),
    referrer_host: row.referrer_host,
    source_platform: row.source_platform ?? 'direct',
    source_medium: row.source_medium ?? (row.source_platform === null ? 'direct' : null),
    source_campaign: row.source_campaign,
    channel: row.channel,
    source: sourceOf(row),
    link_id: row.link_id,
    click_id: row.click_id,
    partner_id: row.partner_id,
    unique_click: row.unique_click,
    qr: row.qr,
    amount_cents: row.amount_cents,
    currency: row.currency,
    properties: row.properties ?? {},
    device_type: row.device_type,
    browser: row.browser,
    os: row.os,
    bot: row.bot,
    country: row.country,
    trust: row.trust,
    occurred_at: row.occurred_at instanceof Date ? row.occurred_at.toISOString() : row.occurred_at
  }
}

/** The classifier's verdict as stored: null columns left out. */
export function sourceOf (row: EventRow): Record<string, string> {
  const out: Record<string, string> = {}
  const put = (k: string, v: string | null): void => { if (v !== null) out[k] = v }
  put('platform', row.source_platform ?? 'direct')
  put('medium', row.source_medium ?? (row.source_platform === null ? 'direct' : null))
  put('campaign', row.source_campaign)
  put('content', row.source_content)
  put('term', row.source_term)
  put('click_id_type', row.click_id_type)
  put('click_id_value', row.click_id_value)
  put('referer_domain', row.referrer_host)
  put('channel', row.channel)
  put('rule', row.source_rule ?? 'direct')
  return out
}
