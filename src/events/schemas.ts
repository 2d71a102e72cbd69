// Request and response shapes of the events API (API.md "Events", reference §9.2). Business rules
// the schema cannot say precisely (currency list, time window, property values) live in
// validation.ts so beacons get the very same answers.
import { Type, type Static } from 'typebox'
import { INGEST_EVENT_TYPES } from './validation.js'
import { AddressFields } from '../conversions/address-fields.js'

const Json = Type.Object({}, { additionalProperties: true })
const NullableString = Type.Union([Type.String(), Type.Null()])
const NullableUuid = Type.Union([Type.String({ format: 'uuid' }), Type.Null()])

export const EventReply = Type.Object({
  id: Type.String({ format: 'uuid' }),
  visitor_id: Type.Union([Type.String(), Type.Null()], { description: 'The visitor whose browser this is (null while nobody is identified behind it)' }),
  ga_id: Type.String({ description: 'The browser (the _ga_good cookie value)' }),
  session_id: NullableString,
  event_type: Type.String(),
  event_name: NullableString,
  url: NullableString,
  host: NullableString,
  path: NullableString,
  referrer: NullableString,
  referrer_host: NullableString,
  source_platform: NullableString,
  source_medium: NullableString,
  source_campaign: NullableString,
  channel: NullableString,
  source: Json,
  link_id: NullableString,
  click_id: NullableString,
  partner_id: NullableString,
  unique_click: Type.Union([Type.Boolean(), Type.Null()]),
  qr: Type.Union([Type.Boolean(), Type.Null()]),
  amount_cents: Type.Union([Type.Integer(), Type.Null()]),
  currency: NullableString,
  properties: Json,
  device_type: NullableString,
  browser: NullableString,
  os: NullableString,
  bot: Type.Boolean(),
  country: NullableString,
  trust: Type.Union([Type.Literal('client'), Type.Literal('server')], { description: '"client": sent by a browser beacon; "server": sent with a secret key (or observed by the service)' }),
  occurred_at: Type.String({ format: 'date-time' })
}, { $id: 'Event', description: 'A recorded event' })

/**
 * Body of POST /ga/api/events. Loose on purpose where the recorder validates (amount, currency,
 * properties, occurred_at): its messages are the same for the REST API and the beacons.
 */
export const EventBodyFields = {
  visitor_id: Type.Optional(Type.String({ maxLength: 200, description: 'Wins over every other selector. A merged visitor\'s id records on its survivor.' })),
  person_external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  ga_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  anonymous_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  event_name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
  url: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
  referrer: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
  properties: Type.Optional(Type.Unknown({ description: 'Object of at most 50 keys with scalar values' })),
  amount_cents: Type.Optional(Type.Unknown({ description: 'Non-negative integer ≤ 10^12' })),
  currency: Type.Optional(Type.Unknown({ description: 'ISO-4217 code, any case (stored upper-case)' })),
  occurred_at: Type.Optional(Type.String({ format: 'date-time', description: 'At most 7 days in the past and 5 minutes in the future' })),
  idempotency_key: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  connector_signals: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 512 }), { description: '_fbp, _fbc, fbclid, gclid, gbraid, wbraid, li_fat_id, ttclid' })),
  partner_id: Type.Optional(NullableUuid),
  referral_link_id: Type.Optional(NullableUuid),
  referral_click_id: Type.Optional(NullableUuid),
  // Issue 19: a lead's / sale's person address (kept in its properties, sent to the connectors).
  ...AddressFields
}

export const EventBody = Type.Object({
  event_type: Type.Union(INGEST_EVENT_TYPES.map(t => Type.Literal(t))),
  ...EventBodyFields
}, { additionalProperties: false })
export type EventBody = Static<typeof EventBody>

export const BatchBody = Type.Object({
  events: Type.Array(EventBody, { minItems: 1, maxItems: 100 })
}, { additionalProperties: false })
export type BatchBody = Static<typeof BatchBody>

export const EventCreated = Type.Object({ event_id: Type.String({ format: 'uuid' }) })

export const BatchResult = Type.Object({
  results: Type.Array(Type.Object({
    index: Type.Integer(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
    event_id: Type.Optional(Type.String()),
    error: Type.Optional(Type.String()),
    code: Type.Optional(Type.String())
  }))
})

export const EventListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  event_type: Type.Optional(Type.String({ maxLength: 64 })),
  visitor_id: Type.Optional(Type.String({ format: 'uuid' })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' }))
})
export type EventListQuery = Static<typeof EventListQuery>
