// The seam between the beacon routes and persistence. The routes validate, decide CORS, identity
// and cookies; a sink stores. Every method resolves only once the write is committed (DESIGN §5),
// and rejects with a 503 (BufferUnavailable, Retry-After) when it cannot persist.
import { ServiceUnavailable } from '../errors.js'
import type { BeaconIdentity } from './cookies.js'
import type { BeaconEvent } from './sanitize.js'

export interface BeaconContext {
  ip: string | null
  userAgent: string | null
  /** Host of the page (from the beacon's url): a referrer on it is a self-referral. */
  pageHost: string | null
  /** The collector host the request was sent to (link lookup for /click). */
  requestHost: string
  /** A client-trust sale counts in ltv and link revenue (the workspace opted in); false otherwise. */
  clientRevenue: boolean
}

export interface ClickAnswer { ga_id: string, visitor_id: string | null }

export interface BeaconSink {
  /** pageview/custom/lead/sale/identify/...: resolves (creates/merges) the visitor, records once per event_id. */
  recordEvent: (workspaceId: string, event: BeaconEvent, identity: BeaconIdentity, ctx: BeaconContext) => Promise<void>
  /** reference §4.7: only an existing, unambiguous visitor; otherwise dropped silently. */
  recordEngagement: (workspaceId: string, event: BeaconEvent, identity: BeaconIdentity, ctx: BeaconContext) => Promise<void>
  /** `reconcile_only`: the identity update of a pageview, without an event row. */
  reconcile: (workspaceId: string, event: BeaconEvent, identity: BeaconIdentity, ctx: BeaconContext) => Promise<void>
  /** reference §5.9: a `?via=`/`?ref=` landing. `workspaceId` null = the link's own workspace. */
  recordClick: (workspaceId: string | null, key: string, event: BeaconEvent, identity: BeaconIdentity, ctx: BeaconContext) => Promise<ClickAnswer>
}

/** Until the recorder is wired in, beacons are validated but cannot be stored: 503, nothing acknowledged. */
export function unavailableSink (): BeaconSink {
  const no = async (): Promise<never> => { throw new ServiceUnavailable('Event recording is not available') }
  return { recordEvent: no, recordEngagement: no, reconcile: no, recordClick: no }
}
