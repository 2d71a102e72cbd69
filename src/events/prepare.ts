// Validation and enrichment of one event before it is queued: everything that needs no database.
// Pure apart from the geo lookup handed in. The output is the spine item minus its subject, which
// the recorder decides (browser, or a person to resolve).
import { createHash } from 'node:crypto'
import {
  anonymizeIp, classifySource, parseUserAgent, queryParamsFromUrl, safeHttpUrl, urlHost, type GeoLookup, type IpMode, type Source
} from '../classify/index.js'
import { canonicalJson } from '../identity/attribution.js'
import { cleanUuid } from '../identity/signals.js'
import { ValidationFailed } from '../errors.js'
import { uuidv7At } from '../db/uuid.js'
import type { EventRow, EventType } from './columns.js'
import { blankRow, deviceColumns, sourceColumns, urlColumns } from './row-builder.js'
import type { EventFacts, EventKey } from './spine.js'
import {
  checkEventFacts, checkIdempotencyKey, cleanConnectorSignals, isIngestEventType, MAX_EVENT_NAME_LENGTH
} from './validation.js'
import type { RecordContext, RecordInput } from './types.js'

export interface PreparedEvent {
  row: EventRow
  facts: EventFacts
  key: EventKey | null
  source: Source | null
}

export interface PrepareDeps { ownDomains: readonly string[], ipMode: IpMode, geo: () => GeoLookup | null, now: Date }

const MAX_REFERRER = 2048
const CONVERSIONS: ReadonlySet<string> = new Set(['lead', 'sale', 'identify'])

/** SHA-256 of the request as given, key order ignored: "same body" for idempotency. */
export function bodyHash (input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex')
}

function text (value: unknown, max: number): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : null
}

/**
 * The event's row and facts. `gaId` is the browser (beacons: the cookie's or a fresh one; REST: a
 * UUID ga_id given, else '' until identity names the visitor's browser).
 */
export function prepareEvent (workspaceId: string, gaId: string, input: RecordInput, ctx: RecordContext, deps: PrepareDeps): PreparedEvent {
  const errors: Record<string, string> = {}
  if (!isIngestEventType(input.event_type)) errors.event_type = 'is not an event type clients may send'
  const facts = checkEventFacts(input, deps.now, errors)
  const idempotencyKey = checkIdempotencyKey(input.idempotency_key, errors)
  const eventName = input.event_name == null ? null : text(input.event_name, MAX_EVENT_NAME_LENGTH + 1)
  if (eventName !== null && eventName.length > MAX_EVENT_NAME_LENGTH) errors.event_name = `cannot exceed ${MAX_EVENT_NAME_LENGTH} characters`
  const url = input.url == null || input.url === '' ? null : safeHttpUrl(input.url)
  if (input.url != null && input.url !== '' && url === null) errors.url = 'must be an absolute http(s) URL'
  const clientEventId = input.client_event_id == null ? null : cleanUuid(input.client_event_id) ?? null
  if (input.client_event_id != null && clientEventId === null) errors.client_event_id = 'must be a UUID'
  if (Object.keys(errors).length > 0) throw new ValidationFailed(errors)

  const referrer = text(input.referrer, MAX_REFERRER)
  const source = url !== null || referrer !== null
    ? classifySource({ queryParams: queryParamsFromUrl(url), referrer, pageHost: ctx.pageHost ?? urlHost(url), ownDomains: deps.ownDomains })
    : null
  const device = ctx.userAgent !== null && ctx.userAgent !== '' ? parseUserAgent(ctx.userAgent) : null
  const geo = ctx.ip !== null ? deps.geo()?.lookup(ctx.ip) ?? null : null
  const partner = ctx.allowPartnerFields === true
  const connectorSignals = cleanConnectorSignals(input.connector_signals)
  const eventType = input.event_type as EventType
  const isConversion = CONVERSIONS.has(eventType)
  const trust = ctx.trust ?? (ctx.via === 'beacon' ? 'client' : 'server')

  const row: EventRow = blankRow({ id: uuidv7At(facts.occurred_at.getTime()), workspace_id: workspaceId, ga_id: gaId, event_type: eventType, occurred_at: facts.occurred_at })
  Object.assign(row, urlColumns(url), sourceColumns(source, referrer), deviceColumns(device))
  row.event_name = eventName
  row.link_id = cleanUuid(input.link_id) ?? null
  row.click_id = cleanUuid(input.click_id) ?? null
  row.partner_id = partner ? cleanUuid(input.partner_id) ?? null : null
  row.country = geo?.country ?? null
  row.amount_cents = facts.amount_cents
  row.currency = facts.currency
  row.properties = Object.keys(facts.properties).length === 0 ? null : facts.properties
  // Conversions keep what the conversion APIs match on; browsing events keep none of it.
  row.context = isConversion ? conversionContext(url, referrer, { ...ctx, ip: anonymizeIp(ctx.ip, deps.ipMode) }, connectorSignals) : null
  row.trust = trust
  const key: EventKey | null = idempotencyKey !== null
    ? { kind: 'idempotency', key: idempotencyKey, hash: bodyHash(input) }
    : clientEventId !== null ? { kind: 'client_event', key: clientEventId, hash: bodyHash(input) } : null
  return {
    row,
    key,
    source,
    facts: {
      via: ctx.via,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      url,
      referrer,
      source: source === null ? null : { ...source },
      device: device === null ? null : { ...device },
      geo: geo === null ? null : { ...geo },
      connectorSignals,
      gaIdFromCookie: ctx.gaIdFromCookie === true,
      clientRevenue: ctx.clientRevenue === true
    }
  }
}

function conversionContext (url: string | null, referrer: string | null, ctx: RecordContext, signals: Record<string, string>): Record<string, unknown> | null {
  const out: Record<string, unknown> = {}
  if (url !== null) out.url = url
  if (referrer !== null) out.referrer = referrer
  if (ctx.ip !== null) out.ip = ctx.ip
  if (ctx.userAgent !== null && ctx.userAgent !== '') out.user_agent = ctx.userAgent.slice(0, 1024)
  if (Object.keys(signals).length > 0) out.signals = signals
  return Object.keys(out).length === 0 ? null : out
}
