// The sessioniser (reference §4.6/§4.7), pure: one browser's live session (or none) and its new
// events in time order in; the session each event belongs to and the sessions' new states out.
// A session lives while events are ≤ 30 minutes apart and splits when the acquisition changes;
// direct and self-referral visits are no acquisition (they continue whatever is live).
import type { EventRow } from '../events/columns.js'

export const SESSION_TIMEOUT_MS = 30 * 60_000
const MAX_HOP_SECONDS = 1800
const ENGAGED_SECONDS = 10

/** Types that are an interaction: they un-bounce a session (reference §4.6). */
const INTERACTIVE: ReadonlySet<string> = new Set(['link_click', 'identify', 'lead', 'sale', 'share', 'custom'])
const CONVERSIONS: ReadonlySet<string> = new Set(['lead', 'sale'])

export interface Acquisition {
  platform: string | null
  medium: string | null
  campaign: string | null
  click_id: string | null
}

export interface SessionState {
  workspace_id: string
  id: string
  ga_id: string
  started_at: Date
  last_event_at: Date
  entry_host: string | null
  entry_path: string | null
  exit_path: string | null
  pageviews: number
  events: number
  duration_seconds: number
  engaged_seconds: number
  is_bounce: boolean
  is_engaged: boolean
  source_platform: string | null
  source_medium: string | null
  source_campaign: string | null
  click_id: string | null
  channel: string | null
  referrer_host: string | null
  link_id: string | null
  partner_id: string | null
  device_type: string | null
  browser: string | null
  os: string | null
  country: string | null
}

export interface SessionEvent {
  event_type: string
  occurred_at: Date
  host: string | null
  path: string | null
  /** null: direct or self-referral. */
  acquisition: Acquisition | null
  channel: string | null
  referrer_host: string | null
  link_id: string | null
  partner_id: string | null
  device_type: string | null
  browser: string | null
  os: string | null
  country: string | null
  /** Engagement pings: seconds engaged since the last ping. */
  engaged_seconds: number
}

export interface Sessionized {
  /** The session of each event, in input order; null for an engagement ping with no live session (dropped). */
  sessionIds: Array<string | null>
  /** Every session created or changed, in its final state. */
  sessions: SessionState[]
}

const blank = (v: string | null): string | null => {
  if (v === null) return null
  const t = v.trim()
  return t === '' || t.toLowerCase() === 'direct' ? null : t
}

/** The normalised tuple (reference §4.6 step 5); null when it says nothing (direct). */
export function normalizeAcquisition (a: Acquisition | null): Acquisition | null {
  if (a === null) return null
  const n = { platform: blank(a.platform), medium: blank(a.medium), campaign: blank(a.campaign), click_id: a.click_id === null ? null : a.click_id.toLowerCase() }
  return n.platform === null && n.medium === null && n.campaign === null && n.click_id === null ? null : n
}

function sameAcquisition (a: Acquisition, b: Acquisition): boolean {
  return a.platform === b.platform && a.medium === b.medium && a.campaign === b.campaign && a.click_id === b.click_id
}

function acquisitionOf (s: SessionState): Acquisition | null {
  return normalizeAcquisition({ platform: s.source_platform, medium: s.source_medium, campaign: s.source_campaign, click_id: s.click_id })
}

const isEngaged = (s: Pick<SessionState, 'engaged_seconds' | 'pageviews'>, eventType: string): boolean =>
  s.engaged_seconds >= ENGAGED_SECONDS || s.pageviews >= 2 || CONVERSIONS.has(eventType)

const hopSeconds = (from: Date, to: Date): number =>
  Math.min(MAX_HOP_SECONDS, Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000)))

// Copy, then assign: a spread followed by many properties leaves V8's fast path (events/row-builder.ts).
function withAcquisition (s: SessionState, e: SessionEvent, a: Acquisition | null): SessionState {
  const next = { ...s }
  next.source_platform = a?.platform ?? null
  next.source_medium = a?.medium ?? null
  next.source_campaign = a?.campaign ?? null
  next.click_id = a?.click_id ?? null
  next.channel = e.channel ?? s.channel
  next.referrer_host = e.referrer_host
  next.link_id = e.link_id ?? s.link_id
  next.partner_id = e.partner_id ?? s.partner_id
  return next
}

export function startSession (workspaceId: string, gaId: string, id: string, e: SessionEvent): SessionState {
  const pageview = e.event_type === 'pageview'
  const base: SessionState = {
    workspace_id: workspaceId,
    id,
    ga_id: gaId,
    started_at: e.occurred_at,
    last_event_at: e.occurred_at,
    entry_host: e.host,
    entry_path: e.path,
    exit_path: e.path,
    pageviews: pageview ? 1 : 0,
    events: 1,
    duration_seconds: 0,
    engaged_seconds: 0,
    is_bounce: !INTERACTIVE.has(e.event_type),
    is_engaged: false,
    source_platform: null,
    source_medium: null,
    source_campaign: null,
    click_id: null,
    channel: e.channel,
    referrer_host: null,
    link_id: null,
    partner_id: null,
    device_type: e.device_type,
    browser: e.browser,
    os: e.os,
    country: e.country
  }
  const s = withAcquisition(base, e, normalizeAcquisition(e.acquisition))
  s.is_engaged = isEngaged(s, e.event_type)
  return s
}

function continueSession (s: SessionState, e: SessionEvent): SessionState {
  const pageview = e.event_type === 'pageview'
  const pageviews = s.pageviews + (pageview ? 1 : 0)
  const unbounce = (pageview && pageviews >= 2) || INTERACTIVE.has(e.event_type)
  // Events of one browser can reach the database out of order (two processes, a backdated REST
  // event): an earlier one becomes the entry, only the newest one the exit.
  const earlier = e.occurred_at < s.started_at
  const newest = e.occurred_at >= s.last_event_at
  const next = { ...s }
  next.started_at = earlier ? e.occurred_at : s.started_at
  next.last_event_at = newest ? e.occurred_at : s.last_event_at
  next.entry_host = earlier && pageview ? e.host : s.entry_host
  next.entry_path = earlier && pageview ? e.path : s.entry_path
  next.pageviews = pageviews
  next.events = s.events + 1
  next.duration_seconds = s.duration_seconds + (earlier ? hopSeconds(e.occurred_at, s.started_at) : hopSeconds(s.last_event_at, e.occurred_at))
  next.exit_path = pageview && newest && e.path !== null ? e.path : s.exit_path
  next.is_bounce = s.is_bounce && !unbounce
  next.device_type = s.device_type ?? e.device_type
  next.browser = s.browser ?? e.browser
  next.os = s.os ?? e.os
  next.country = s.country ?? e.country
  next.is_engaged = s.is_engaged || isEngaged(next, e.event_type)
  return next
}

/** reference §4.7: time and engagement only; bounce, events and pageviews untouched. */
function engage (s: SessionState, e: SessionEvent): SessionState {
  const next = { ...s }
  next.engaged_seconds = s.engaged_seconds + e.engaged_seconds
  next.duration_seconds = s.duration_seconds + hopSeconds(s.last_event_at, e.occurred_at)
  next.last_event_at = e.occurred_at > s.last_event_at ? e.occurred_at : s.last_event_at
  next.is_engaged = s.is_engaged || isEngaged(next, 'engagement')
  return next
}

const isLive = (s: SessionState | null, at: Date): s is SessionState =>
  s !== null && s.last_event_at.getTime() >= at.getTime() - SESSION_TIMEOUT_MS

/** One browser's events (in time order) against its live session. */
export function sessionize (workspaceId: string, gaId: string, live: SessionState | null, events: readonly SessionEvent[], newId: () => string): Sessionized {
  const touched = new Map<string, SessionState>()
  const sessionIds: Array<string | null> = []
  let current = live
  for (const e of events) {
    if (e.event_type === 'engagement') {
      if (!isLive(current, e.occurred_at)) { sessionIds.push(null); continue }
      current = engage(current, e)
    } else if (!isLive(current, e.occurred_at)) {
      current = startSession(workspaceId, gaId, newId(), e)
    } else {
      const incoming = normalizeAcquisition(e.acquisition)
      const held = acquisitionOf(current)
      if (incoming === null || (held !== null && sameAcquisition(held, incoming))) current = continueSession(current, e)
      else if (held === null) current = continueSession(withAcquisition(current, e, incoming), e)
      else current = startSession(workspaceId, gaId, newId(), e)
    }
    touched.set(current.id, current)
    sessionIds.push(current.id)
  }
  return { sessionIds, sessions: [...touched.values()] }
}

/** An events row as the sessioniser sees it. */
export function sessionEvent (row: EventRow, engagedSeconds: number): SessionEvent {
  return {
    event_type: row.event_type,
    occurred_at: row.occurred_at,
    host: row.host,
    path: row.path,
    acquisition: { platform: row.source_platform, medium: row.source_medium, campaign: row.source_campaign, click_id: row.click_id },
    channel: row.channel,
    referrer_host: row.referrer_host,
    link_id: row.link_id,
    partner_id: row.partner_id,
    device_type: row.device_type,
    browser: row.browser,
    os: row.os,
    country: row.country,
    engaged_seconds: engagedSeconds
  }
}
