// A claimed dispatch joined with its event and visitor → the DispatchInput a connector builds
// from (pure). Signals are the visitor's stored click/browser ids overridden by what the
// conversion itself carried (its stored source context), sanitised again: values with invalid
// characters are dropped here even if something upstream let them through.
import { ADDRESS_INPUT_FIELDS, limitAddress, mergeAddress, type Address } from './address.js'
import { consentFromProperties } from './consent.js'
import type { LastWebEvent } from './last-web-event.js'
import { sanitizeSignals } from './signals.js'
import type { DispatchInput, Signals } from './types.js'

interface ClickIdObservation { value?: unknown, first_value?: unknown, first_seen_at?: unknown, value_first_seen_at?: unknown }

/** The columns the worker's load query selects (snake_case as in SQL). */
export interface DispatchSourceRow {
  id: string
  connector_event_id: string
  source_context: unknown
  event_found: boolean
  event_type: string | null
  event_name: string | null
  occurred_at: Date | null
  event_occurred_at: Date
  amount_cents: number | null
  currency: string | null
  url: string | null
  client_ip: string | null
  user_agent: string | null
  properties: unknown
  person_email: string | null
  person_phone: string | null
  person_name: string | null
  person_external_id: string | null
  /** visitors.person_metadata: identify stores the person's address under `address`. */
  person_metadata?: unknown
  /** visitors.geo: `country` (ISO code), and `region` / `city` when the geo database has them. */
  geo?: unknown
  visitor_id?: string | null
  click_id_params: unknown
  click_id_history: unknown
  connector_identifiers: unknown
}

function record (value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {}
}

function text (value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null
}

/** When the fbclid being sent was first seen (Meta's fbc creation time), from the visitor's click-id history. */
export function fbclidSeenAt (history: unknown, fbclid: string | undefined): number | undefined {
  if (fbclid === undefined) return undefined
  const entry = record(record(history).fbclid) as ClickIdObservation
  const at = entry.value === fbclid ? entry.value_first_seen_at : entry.first_value === fbclid ? entry.first_seen_at : undefined
  const ms = typeof at === 'string' ? Date.parse(at) : NaN
  return Number.isFinite(ms) ? ms : undefined
}

export function signalsOf (row: Pick<DispatchSourceRow, 'source_context' | 'click_id_params' | 'click_id_history' | 'connector_identifiers'>): Signals {
  const merged: Record<string, unknown> = {}
  for (const [type, entry] of Object.entries(record(row.click_id_history))) merged[type] = record(entry).value
  Object.assign(merged, record(row.click_id_params), record(row.connector_identifiers), record(record(row.source_context).signals))
  const signals = sanitizeSignals(merged)
  const seenAt = fbclidSeenAt(row.click_id_history, signals.fbclid)
  if (seenAt !== undefined) signals.fbclidSeenAtMs = seenAt
  return signals
}

/** "Ada Lovelace King" → first "Ada", last "Lovelace King". */
export function splitName (name: string | null): { firstName: string | null, lastName: string | null } {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean)
  if (parts.length === 0) return { firstName: null, lastName: null }
  return { firstName: parts[0], lastName: parts.length > 1 ? parts.slice(1).join(' ') : null }
}

/** An address object stored as JSON (`{city, region, postal_code, country}`) → Address. */
export function addressFromJson (value: unknown): Address {
  const a = record(value)
  return { city: text(a.city), region: text(a.region), postalCode: text(a.postal_code), country: text(a.country) }
}

/** The conversion's own `person_city` … properties (leads and sales carry them there). */
export function addressFromProperties (properties: Record<string, unknown>): Address {
  const out: Address = {}
  for (const [name, field] of Object.entries(ADDRESS_INPUT_FIELDS)) out[field] = text(properties[name])
  return out
}

/**
 * The address sent for a conversion, field by field: what the conversion carried, then what the
 * person was identified with, then the visitor's geo (country always; region and city when the
 * geo database has them). Over-long values are cut to the platforms' limits, with notes.
 */
export function conversionAddress (row: Pick<DispatchSourceRow, 'properties' | 'person_metadata' | 'geo'>): { address: Address, notes: string[] } {
  const geo = record(row.geo)
  return limitAddress(mergeAddress(
    addressFromProperties(record(row.properties)),
    addressFromJson(record(row.person_metadata).address),
    { city: text(geo.city), region: text(geo.region), country: text(geo.country) }
  ))
}

/**
 * A claimed dispatch → what its connector builds from. `lastWeb` is the visitor's last web event:
 * a conversion recorded by a backend (no page URL, IP or browser of its own) borrows them, so the
 * platforms see a website conversion of the browser that was actually on the site.
 */
export function dispatchInputOf (row: DispatchSourceRow, lastWeb: LastWebEvent | null = null): DispatchInput {
  const properties = record(row.properties)
  const { firstName, lastName } = splitName(row.person_name)
  const { address, notes } = conversionAddress(row)
  const borrow = lastWeb !== null && (row.url === null || row.client_ip === null || row.user_agent === null)
  return {
    dispatchId: row.id,
    connectorEventId: row.connector_event_id,
    eventType: row.event_type ?? '',
    eventName: row.event_name,
    occurredAt: row.occurred_at ?? row.event_occurred_at,
    amountCents: row.amount_cents,
    currency: row.currency,
    orderId: text(properties.order_id) ?? text(properties.transaction_id),
    eventSourceUrl: row.url ?? (borrow ? lastWeb.url : null),
    clientIp: row.client_ip ?? (borrow ? lastWeb.clientIp : null),
    userAgent: row.user_agent ?? (borrow ? lastWeb.userAgent : null),
    visitor: {
      email: row.person_email,
      phone: row.person_phone,
      firstName: text(properties.first_name) ?? firstName,
      lastName: text(properties.last_name) ?? lastName,
      externalId: row.person_external_id,
      ...address
    },
    signals: signalsOf(row),
    consent: consentFromProperties(row.properties),
    ...(notes.length === 0 ? {} : { notes })
  }
}
