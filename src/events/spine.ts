// The ingest spine (DESIGN §5, issue 13): every hit — redirect click, /ga/t/click, beacon, REST
// event — is one SpineItem travelling one road: buffer → one transaction per batch (keys claimed,
// `before-insert` consumers, one multi-row insert, `in-transaction` consumers) → commit →
// `after-commit` consumers. The spine knows no feature: sessions, identity, links, connectors and
// webhooks register here from their own plugins, and each owns its tables.
import type postgres from 'postgres'
import type { EventRow } from './columns.js'
import type { DispatchSummary, RecordResult } from './types.js'

export type Tx = postgres.TransactionSql

/** What a hit is known by at ingest but not stored on the event row (or stored only for conversions). */
export interface EventFacts {
  via: 'redirect' | 'beacon' | 'api'
  ip: string | null
  userAgent: string | null
  /** The page or destination URL as received (the row keeps host, path and query). */
  url: string | null
  referrer: string | null
  /** The classifier's full verdict (null when there was nothing to classify). */
  source: Record<string, unknown> | null
  device: Record<string, unknown> | null
  geo: Record<string, unknown> | null
  /** Ad-platform and browser ids the request carried (_fbp, _fbc, gclid …). */
  connectorSignals: Record<string, string>
  /** True when ga_id came from a valid signed cookie (a returning browser). */
  gaIdFromCookie: boolean
  /** Engagement beacons: seconds to add to their session (reference §4.7). */
  engagedSeconds?: number
  /** A client-trust sale counts in ltv and link revenue: the workspace opted in (issue 14 item 2). */
  clientRevenue?: boolean
}

/**
 * Who the event is about, beyond its browser. `browser`: nobody yet (pageviews, clicks, custom
 * events — no visitor is created). The others make a person matter (identity resolves them).
 */
export type Subject =
  | { kind: 'browser' }
  | { kind: 'resolve', signals: Record<string, unknown> }
  | { kind: 'visitor', visitorId: string }
  /** REST selectors that name an existing visitor (never create one): 404 when nobody matches. */
  | { kind: 'selector', selector: { person_external_id?: string, anonymous_id?: string, ga_id?: string } }

export interface EventKey { kind: 'idempotency' | 'client_event', key: string, hash: string }

export interface SpineItem {
  row: EventRow
  facts: EventFacts
  subject: Subject
  key: EventKey | null
  /** Set by identity when a person stands behind the browser. */
  visitorId?: string | null
  /** Set by connectors when it planned dispatches for this conversion. */
  dispatches?: DispatchSummary[]
  /** Set by a consumer that decided the event is not stored (an engagement ping without a live session). */
  dropped?: boolean
  outcome?: { ok: true, result: RecordResult } | { ok: false, error: Error }
}

export type ConsumerPhase = 'before-insert' | 'in-transaction' | 'after-commit'

export interface SpineConsumer {
  name: string
  /**
   * before-insert: may fill row fields (session_id, unique_click), set visitorId, drop an item or
   * settle it with an error; in-transaction: after the rows are inserted, atomic with them;
   * after-commit: fan-out of what committed (no transaction; must not throw).
   */
  phase: ConsumerPhase
  handle: (items: SpineItem[], tx: Tx | null) => Promise<void>
}

export class Spine {
  private readonly consumers: SpineConsumer[] = []

  consume (consumer: SpineConsumer): void {
    if (this.consumers.some(c => c.name === consumer.name)) throw new Error(`spine consumer registered twice: ${consumer.name}`)
    this.consumers.push(consumer)
  }

  of (phase: ConsumerPhase): SpineConsumer[] {
    return this.consumers.filter(c => c.phase === phase)
  }

  get names (): string[] { return this.consumers.map(c => `${c.phase}:${c.name}`) }
}

/**
 * What a sale adds to ltv and link revenue (issue 14 item 2): its amount when a backend sent it,
 * or when the workspace counts client-trust sales; nothing for other browser sales.
 */
export function revenueOf (item: Pick<SpineItem, 'row' | 'facts'>): number | null {
  return item.row.trust === 'server' || item.facts.clientRevenue === true ? item.row.amount_cents : null
}

/** Items still to be written: not settled by a consumer, not dropped. */
export function pending (items: readonly SpineItem[]): SpineItem[] {
  return items.filter(i => i.outcome === undefined && i.dropped !== true)
}
