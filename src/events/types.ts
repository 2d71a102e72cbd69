// The recorder's contract: what the REST API and the beacons hand it, and what comes back.
import type { ResolveInput } from '../identity/port.js'
import type { EventTrust } from './columns.js'

export interface RecordContext {
  /** The visitor's IP (beacons). The REST route passes null: its caller is a backend, not the visitor. */
  ip: string | null
  /** The visitor's user agent (beacons); null from the REST API for the same reason. */
  userAgent: string | null
  /** Host of the page the beacon came from; a referrer on it is a self-referral. Defaults to the url's host. */
  pageHost?: string | null
  via: 'api' | 'beacon'
  /**
   * Who vouches for the event (issue 14 item 2): 'client' for browser beacons, 'server' for
   * secret-key callers. Defaults from `via`. Client-trust conversions reach ad platforms only for
   * connectors that accept them, and revenue only when `clientRevenue` is set.
   */
  trust?: EventTrust
  /** A client-trust sale counts in ltv and link revenue (the workspace opted in). */
  clientRevenue?: boolean
  /** Beacons: the browser id came from a valid signed cookie. */
  gaIdFromCookie?: boolean
  /** Explicit partner attribution is honoured only for secret keys (reference §9.2 step 4). */
  allowPartnerFields?: boolean
}

/** Signals a beacon resolves its visitor with (may create one). Source, geo and device come from enrichment. */
export type BeaconSignals = Omit<ResolveInput, 'occurred_at' | 'source' | 'geo' | 'device'>

export interface RecordInput {
  event_type: string
  event_name?: string | null
  // Visitor selectors of the REST API, which never create visitors: visitor_id wins, then
  // person_external_id, then ga_id / anonymous_id (oldest matching visitor).
  visitor_id?: string | null
  person_external_id?: string | null
  ga_id?: string | null
  anonymous_id?: string | null
  /** Beacons: resolve the visitor from these signals instead (creating or merging as identity rules say). */
  resolve?: BeaconSignals | null
  url?: string | null
  referrer?: string | null
  properties?: unknown
  amount_cents?: unknown
  currency?: unknown
  occurred_at?: string | Date | null
  /** REST idempotency key (≤ 255 chars): same key + same body → the original event. */
  idempotency_key?: string | null
  /** The beacon's client event id (UUID): dedupes retries for 24 h. */
  client_event_id?: string | null
  connector_signals?: Record<string, string> | null
  link_id?: string | null
  click_id?: string | null
  partner_id?: string | null
  referral_link_id?: string | null
  referral_click_id?: string | null
  fingerprint?: string | null
}

export interface DispatchSummary { id: string, connector: string, status: string }

export interface RecordResult {
  event_id: string
  visitor_id: string | null
  /** `duplicate`: the key was seen before with the same body; event_id is the original. */
  status: 'created' | 'duplicate'
  dispatches: DispatchSummary[]
}

export interface Recorder {
  /**
   * Validates, enriches and durably records one event (the promise settles after commit).
   * Throws ValidationFailed (422), VisitorNotFound (404), IdempotencyKeyReused (409),
   * BufferUnavailable (503).
   */
  record: (workspaceId: string, input: RecordInput, context: RecordContext) => Promise<RecordResult>
}
