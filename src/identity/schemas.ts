// Request and response shapes of the visitor API (API.md "Visitors", reference §9.5).
import { Type, type Static } from 'typebox'
import { AddressFields } from '../conversions/address-fields.js'

const Json = Type.Object({}, { additionalProperties: true })
const NullableJson = Type.Union([Json, Type.Null()])
const Time = Type.String({ format: 'date-time' })
const NullableTime = Type.Union([Time, Type.Null()])
const NullableString = Type.Union([Type.String(), Type.Null()])

export const VisitorReply = Type.Object({
  id: Type.String({ format: 'uuid' }),
  workspace_id: Type.String({ format: 'uuid' }),
  status: Type.String(),
  merged_into_id: NullableString,
  ga_id: NullableString,
  person_external_id: NullableString,
  person_email: NullableString,
  person_phone: NullableString,
  person_name: NullableString,
  person_metadata: Json,
  first_source: NullableJson,
  last_source: NullableJson,
  first_click_id: NullableString,
  last_click_id: NullableString,
  click_id_params: Json,
  first_seen_at: Time,
  last_seen_at: Time,
  geo: Json,
  device: Json,
  total_sessions: Type.Integer(),
  total_pageviews: Type.Integer(),
  total_events: Type.Integer(),
  total_time_seconds: Type.Integer(),
  ga_ids: Type.Array(Type.String(), { description: 'The browsers (ga_id) mapped to this visitor' }),
  ltv_cents: Type.Integer(),
  identified_at: NullableTime,
  converted_at: NullableTime,
  inserted_at: Time,
  updated_at: Time
}, { $id: 'Visitor', description: 'A visitor of the identity graph' })

export const Pagination = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  offset: Type.Integer({ minimum: 0, default: 0 })
})

/** Path ids are plain strings: a non-UUID is answered 404, never a cast error. */
export const IdParams = Type.Object({ id: Type.String({ maxLength: 200 }) })
export const ExternalIdParams = Type.Object({ external_id: Type.String({ minLength: 1, maxLength: 255 }) })

export const AttributionReply = Type.Object({
  attribution_path: Type.Array(Json),
  first_source: NullableJson,
  last_source: NullableJson,
  first_seen_at: Time,
  last_seen_at: Time,
  first_click_id: NullableString,
  last_click_id: NullableString,
  click_id_history: Json
})

const Id = Type.String({ maxLength: 255 })
export const ResolveBody = Type.Object({
  ga_id: Type.Optional(Id),
  anonymous_id: Type.Optional(Id),
  fingerprint: Type.Optional(Id),
  person_external_id: Type.Optional(Id),
  person_email: Type.Optional(Id),
  click_id: Type.Optional(Type.String({ format: 'uuid' })),
  click_id_params: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 512 }))),
  geo: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 255 }), Type.Number()]), { description: 'Geo facts the host knows (country, region, city, …); first observation wins' })),
  url: Type.Optional(Type.String({ maxLength: 2048 })),
  referrer: Type.Optional(Type.String({ maxLength: 2048 })),
  occurred_at: Type.Optional(Type.String({ format: 'date-time' }))
}, { additionalProperties: false })
export type ResolveBody = Static<typeof ResolveBody>

export const IdentifyBody = Type.Object({
  person_external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  person_email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
  person_phone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  person_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  person_metadata: Type.Optional(Json),
  // Issue 19: stored as person_metadata.address ({city, region, postal_code, country}).
  ...AddressFields
}, { additionalProperties: false, minProperties: 1 })
export type IdentifyBody = Static<typeof IdentifyBody>
