// Dispatch planning for a lead or sale (reference §7.3, DESIGN §7), as pure functions: which
// connectors get a row, with which deterministic connector_event_id and source context. The
// recorder writes the rows in the event's own transaction.
import { createHash } from 'node:crypto'
import { isPlainObject } from '../identity/signals.js'
import type { ClickIdHistory, JsonObject } from '../identity/visitor.js'
import { hasRequiredSignals, plannableConnectors, requiredSignalsOf } from './required-signals.js'

export const CONVERSION_EVENT_TYPES = ['lead', 'sale'] as const
export function isConversion (eventType: string): boolean { return (CONVERSION_EVENT_TYPES as readonly string[]).includes(eventType) }

/** ISO-8601 with microseconds, as upstream renders timestamps (`2026-04-21T12:00:00.000000Z`). */
export function isoMicro (at: Date): string { return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') }

/** `<type>_` + the first 32 hex chars of SHA-256(`<event_id>:<occurred_at µs>:<type>`) (reference §7.3). */
export function connectorEventId (connector: string, eventId: string, occurredAt: Date): string {
  const hex = createHash('sha256').update(`${eventId}:${isoMicro(occurredAt)}:${connector}`).digest('hex')
  return `${connector}_${hex.slice(0, 32)}`
}

/** What the visitor row contributes: stored click ids, browser ids and person fields. */
export interface VisitorSignalFacts {
  person_email: string | null
  person_phone: string | null
  person_external_id: string | null
  click_id_params: Record<string, string>
  click_id_history: ClickIdHistory
  connector_identifiers: JsonObject
}

/**
 * The signal map a connector is judged on: the visitor's stored click ids (newest value of each
 * type) and browser ids (`_fbp`, `_fbc`), overridden by what the request sent, plus the person fields.
 */
export function conversionSignals (visitor: VisitorSignalFacts, sent: Readonly<Record<string, string>>): Record<string, string> {
  const stored: Record<string, string> = {}
  for (const [type, entry] of Object.entries(visitor.click_id_history)) if (typeof entry?.value === 'string') stored[type] = entry.value
  Object.assign(stored, visitor.click_id_params)
  if (isPlainObject(visitor.connector_identifiers)) {
    for (const [k, v] of Object.entries(visitor.connector_identifiers)) if (typeof v === 'string') stored[k] = v
  }
  const person: Record<string, string> = {}
  if (visitor.person_email !== null) person.email = visitor.person_email
  if (visitor.person_phone !== null) person.phone = visitor.person_phone
  if (visitor.person_external_id !== null) person.external_id = visitor.person_external_id
  return { ...stored, ...sent, ...person }
}

export interface ConnectorSetting {
  enabled: boolean
  /** The workspace lets this connector send client-trust (browser) conversions (issue 14 item 2). */
  acceptClientConversions: boolean
}

export interface PlannedDispatch {
  id: string
  connector: string
  connector_event_id: string
  status: 'pending'
}

/**
 * One dispatch per connector that is enabled for the workspace and whose required signals are
 * present; none at all when the kill switch is off or the event is not a conversion. A
 * client-trust conversion (a beacon) goes only to connectors that accept client conversions.
 */
export function planDispatches (opts: {
  connectorsEnabled: boolean
  eventType: string
  /** Absent means 'server' (the callers that predate trust). */
  trust?: 'client' | 'server'
  eventId: string
  occurredAt: Date
  settings: Readonly<Record<string, ConnectorSetting>>
  signals: Readonly<Record<string, string>>
  newId: () => string
}): PlannedDispatch[] {
  if (!opts.connectorsEnabled || !isConversion(opts.eventType)) return []
  const planned: PlannedDispatch[] = []
  for (const connector of plannableConnectors()) {
    const required = requiredSignalsOf(connector)
    const setting = opts.settings[connector]
    if (required === undefined || setting?.enabled !== true) continue
    if (opts.trust === 'client' && !setting.acceptClientConversions) continue
    if (!hasRequiredSignals(required, opts.signals)) continue
    planned.push({ id: opts.newId(), connector, connector_event_id: connectorEventId(connector, opts.eventId, opts.occurredAt), status: 'pending' })
  }
  return planned
}

/** settings rows `connector:<type>` → { type: { enabled, acceptClientConversions } }; anything malformed counts as off. */
export function connectorSettings (rows: ReadonlyArray<{ key: string, value: unknown }>): Record<string, ConnectorSetting> {
  const out: Record<string, ConnectorSetting> = {}
  for (const row of rows) {
    if (!row.key.startsWith('connector:')) continue
    const value = row.value
    const config = isPlainObject(value) && isPlainObject(value.config) ? value.config : {}
    out[row.key.slice('connector:'.length)] = { enabled: isPlainObject(value) && value.enabled === true, acceptClientConversions: config.accept_client_conversions === true }
  }
  return out
}
