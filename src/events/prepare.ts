// Validation and enrichment of one event, before it is queued: everything that needs no database.
// Pure apart from the geo lookup handed in. The output is the events row minus visitor_id.
import { createHash } from 'node:crypto'
import {
  anonymizeIp, classifySource, parseUserAgent, queryParamsFromUrl, safeHttpUrl, urlHost, urlPath,
  type GeoLookup, type IpMode, type Source
} from '../classify/index.js'
import { canonicalJson } from '../identity/attribution.js'
import { cleanUuid } from '../identity/signals.js'
import { ValidationFailed } from '../errors.js'
import { uuidv7 } from '../db/uuid.js'
import {
  checkEventFacts, checkIdempotencyKey, cleanConnectorSignals, isIngestEventType, MAX_EVENT_NAME_LENGTH, type Scalar
} from './validation.js'
import type { EventTrust, RecordContext, RecordInput } from './types.js'
import type { StoredEventColumns } from './row.js'

export interface EventRow extends StoredEventColumns {
  event_name: string | null
  partner_id: string | null
  referral_link_id: string | null
  referral_click_id: string | null
  fingerprint: string | null
  amount_cents: number | null
  currency: string | null
  properties: Record<string, Scalar>
  client_event_id: string | null
  idempotency_key: string | null
  /** 'client' (beacon) or 'server' (secret key): issue 14 item 2. */
  trust: EventTrust
  inserted_at: Date
}
export const EVENT_ROW_COLUMNS = [
  'id', 'workspace_id', 'visitor_id', 'event_type', 'event_name', 'link_id', 'click_id', 'partner_id', 'referral_link_id',
  'referral_click_id', 'url', 'host', 'path', 'referrer', 'source_platform', 'source_medium', 'source_campaign', 'channel',
  'source', 'fingerprint', 'ip_address', 'user_agent', 'device_type', 'browser', 'browser_version', 'os', 'os_version',
  'device_brand', 'device_model', 'bot', 'bot_name', 'country', 'geo', 'amount_cents', 'currency', 'properties',
  'connector_source_context', 'client_event_id', 'idempotency_key', 'trust', 'occurred_at', 'inserted_at'
] as const

export interface EventKey { kind: 'idempotency' | 'client_event', key: string, hash: string }

export interface PreparedEvent {
  row: EventRow
  key: EventKey | null
  connectorSignals: Record<string, string>
  /** The classifier's verdict, for the visitor's attribution (absent when nothing to classify). */
  source: Source | null
  device: Record<string, unknown> | null
  /** The sale's amount counts in ltv and link revenue: always for server trust, for client trust only when opted in. */
  countsRevenue: boolean
}

export interface PrepareDeps { ownDomains: readonly string[], ipMode: IpMode, geo: () => GeoLookup | null, now: Date }

const MAX_REFERRER = 2048

/** SHA-256 of the request as given, key order ignored: "same body" for idempotency. */
export function bodyHash (input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex')
}

function text (value: unknown, max: number): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : null
}

function deviceMap (ua: string): Record<string, unknown> {
  const d = parseUserAgent(ua)
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(d)) if (v !== null && v !== false) out[k] = v
  return out
}

export function prepareEvent (workspaceId: string, input: RecordInput, ctx: RecordContext, deps: PrepareDeps): PreparedEvent {
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
  const trust: EventTrust = ctx.trust ?? (ctx.via === 'beacon' ? 'client' : 'server')

  const row: EventRow = {
    id: uuidv7(deps.now.getTime()),
    workspace_id: workspaceId,
    event_type: input.event_type,
    event_name: eventName,
    link_id: cleanUuid(input.link_id) ?? null,
    click_id: cleanUuid(input.click_id) ?? null,
    partner_id: partner ? cleanUuid(input.partner_id) ?? null : null,
    referral_link_id: partner ? cleanUuid(input.referral_link_id) ?? null : null,
    referral_click_id: partner ? cleanUuid(input.referral_click_id) ?? null : null,
    url,
    host: url === null ? null : urlHost(url),
    path: url === null ? null : urlPath(url),
    referrer,
    source_platform: source?.platform ?? null,
    source_medium: source?.medium ?? null,
    source_campaign: source?.campaign ?? null,
    channel: source?.channel ?? null,
    source: source === null ? {} : { ...source },
    fingerprint: text(input.fingerprint ?? input.resolve?.fingerprint, 128),
    ip_address: anonymizeIp(ctx.ip, deps.ipMode),
    user_agent: ctx.userAgent === null ? null : ctx.userAgent.slice(0, 1024),
    device_type: device?.device_type ?? null,
    browser: device?.browser ?? null,
    browser_version: device?.browser_version ?? null,
    os: device?.os ?? null,
    os_version: device?.os_version ?? null,
    device_brand: device?.device_brand ?? null,
    device_model: device?.device_model ?? null,
    bot: device?.bot ?? false,
    bot_name: device?.bot_name ?? null,
    country: geo?.country ?? null,
    geo: geo === null ? null : { ...geo },
    amount_cents: facts.amount_cents,
    currency: facts.currency,
    properties: facts.properties,
    client_event_id: clientEventId,
    idempotency_key: idempotencyKey,
    trust,
    occurred_at: facts.occurred_at,
    inserted_at: deps.now
  }
  const key: EventKey | null = idempotencyKey !== null
    ? { kind: 'idempotency', key: idempotencyKey, hash: bodyHash(input) }
    : clientEventId !== null ? { kind: 'client_event', key: clientEventId, hash: bodyHash(input) } : null
  return {
    row,
    key,
    connectorSignals: cleanConnectorSignals(input.connector_signals),
    source,
    device: device === null || (ctx.userAgent ?? '') === '' ? null : deviceMap(ctx.userAgent ?? ''),
    countsRevenue: trust === 'server' || ctx.clientRevenue === true
  }
}
