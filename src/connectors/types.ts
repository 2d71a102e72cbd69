// The connector contract: everything a delivery worker needs to send one conversion to one
// platform, as pure functions. The worker owns I/O (database, HTTP, clocks); a connector only
// turns a DispatchInput into a request and a response into an outcome.

/** Event types a conversion connector can be asked to deliver. */
export const CONVERSION_EVENT_TYPES = ['lead', 'sale'] as const
export type ConversionEventType = (typeof CONVERSION_EVENT_TYPES)[number]

/** Click ids and browser ids that connectors may require (reference §7.2, plus TikTok's _ttp). */
export const SIGNAL_KEYS = ['fbclid', 'gclid', 'gbraid', 'wbraid', 'li_fat_id', 'ttclid', '_fbp', '_fbc', '_ttp'] as const
export type SignalKey = (typeof SIGNAL_KEYS)[number]

export type Signals = Partial<Record<SignalKey, string>> & {
  /** Epoch ms at which this fbclid was first seen (becomes the creation time inside `fbc`). */
  fbclidSeenAtMs?: number
}

/** Consent for ad use of this visitor's data; `unknown` sends no consent field at all. */
export const CONSENT_STATES = ['granted', 'denied', 'unknown'] as const
export type ConsentState = (typeof CONSENT_STATES)[number]
export interface Consent {
  adUserData: ConsentState
  adPersonalization: ConsentState
}

/** Plaintext person fields. Each connector normalises and hashes them its own way. */
export interface VisitorFields {
  email?: string | null
  phone?: string | null
  firstName?: string | null
  lastName?: string | null
  externalId?: string | null
  /** Address match keys, plaintext (address.ts normalises them per platform). */
  city?: string | null
  region?: string | null
  postalCode?: string | null
  /** ISO 3166-1 alpha-2 or a country name; address.ts resolves it. */
  country?: string | null
}

/** One conversion to deliver to one connector. */
export interface DispatchInput {
  dispatchId: string
  /** Deterministic id shared with the browser pixels (see event-id.ts); the platforms' dedup key. */
  connectorEventId: string
  eventType: string
  /** The host's own name for the event (e.g. "signup"); may select a mapping. */
  eventName?: string | null
  occurredAt: Date
  /** Minor currency units (cents; yen for JPY). */
  amountCents?: number | null
  /** ISO 4217 code. */
  currency?: string | null
  orderId?: string | null
  eventSourceUrl?: string | null
  clientIp?: string | null
  userAgent?: string | null
  visitor: VisitorFields
  signals: Signals
  consent?: Consent | null
  /** Changes made to the input before sending (e.g. a value cut to the platform's limit), recorded with the attempt. */
  notes?: string[]
}

export interface ConnectorConfig {
  /** Meta/TikTok: send with `options.test_event_code`; Google: validateOnly. */
  testMode?: boolean
  /** eventName or eventType → platform event name (eventName is looked up first). */
  eventNameMapping?: Readonly<Record<string, string>>
  /** Calling code (digits, e.g. "49") for phone numbers written without an international prefix. */
  defaultCallingCode?: string
  /** Connector-specific plain settings; names listed in `Connector.configKeys`. */
  options?: Readonly<Record<string, string>>
}

export interface BuildContext {
  /** Decrypted credentials by name; missing ones are absent or null. */
  credentials: Readonly<Record<string, string | null | undefined>>
  config: ConnectorConfig
  /** `scheme://host:port` that replaces the platform's official origin (tests, proxies). */
  apiBase?: string | null
  /** Epoch ms of this attempt; only used where a request must carry the send time. */
  nowMs: number
}

export interface BuiltRequest {
  method: 'POST'
  url: string
  headers: Record<string, string>
  /** The exact bytes to send (signatures are computed over this string). */
  body: string
}

export const FAILURE_KINDS = ['transient', 'permanent', 'credential', 'rate_limited'] as const
export type FailureKind = (typeof FAILURE_KINDS)[number]

export type DeliveryOutcome =
  | {
      ok: true
      /** Platform trace/request id worth storing (fbtrace_id, requestId, request_id). */
      platformRef?: string
      /** The platform already had this conversion (Google duplicate errors): success. */
      duplicate?: boolean
      /** Accepted but not matched to a click (Google CLICK_NOT_FOUND for lead uploads). */
      unmatched?: boolean
    }
  | {
      ok: false
      kind: FailureKind
      retryAfterMs?: number
      reason: string
      /** Batch positions that failed, when the platform reports per element. */
      failedIndexes?: number[]
    }

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>

export interface Connector {
  type: string
  supportedEventTypes: readonly string[]
  /** AND of ORs: every group needs at least one present signal; [] is always satisfied. */
  requiredSignals: readonly (readonly SignalKey[])[]
  credentialKeys: readonly string[]
  optionalCredentialKeys?: readonly string[]
  configKeys?: readonly string[]
  maxBatchSize: number
  /** How old an event may be when sent; null when the receiver has no limit. */
  deliveryWindowMs: number | null
  /** Throws ConnectorBuildError when the input or settings cannot make a valid request. */
  buildRequest(input: DispatchInput, ctx: BuildContext): BuiltRequest
  buildBatchRequest(inputs: readonly DispatchInput[], ctx: BuildContext): BuiltRequest
  /** The classifyError of the reference: reads the body too, since several platforms answer 200 on failure. */
  parseResponse(status: number, headers: ResponseHeaders, bodyText: string, nowMs?: number): DeliveryOutcome
}

/** Raised by buildRequest for inputs that can never succeed (missing credential, bad setting). */
export class ConnectorBuildError extends Error {
  constructor (readonly connectorType: string, message: string) {
    super(`${connectorType}: ${message}`)
    this.name = 'ConnectorBuildError'
  }
}
