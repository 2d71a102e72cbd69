// Request/response shapes of the links REST API. Bodies are typed loosely here (strings, nulls):
// the content rules live in link-input.ts so each field gets its own 422 message.
import { Type, type Static } from 'typebox'
import { LINK_TYPES } from './table.js'

export const DEFAULT_LIMIT = 50

const NullableString = (maxLength: number) => Type.Union([Type.String({ maxLength }), Type.Null()])

const LinkFields = {
  domain: Type.Optional(NullableString(300)),
  key: Type.Optional(NullableString(1000)),
  link_type: Type.Optional(Type.Union([...LINK_TYPES.map(t => Type.Literal(t)), Type.Null()])),
  utm_source: Type.Optional(NullableString(10_000)),
  utm_medium: Type.Optional(NullableString(10_000)),
  utm_campaign: Type.Optional(NullableString(10_000)),
  utm_content: Type.Optional(NullableString(10_000)),
  utm_term: Type.Optional(NullableString(10_000)),
  ios_url: Type.Optional(NullableString(10_000)),
  android_url: Type.Optional(NullableString(10_000)),
  geo_targeting: Type.Optional(Type.Unknown({ description: 'ISO 3166-1 alpha-2 country code → destination URL; null clears' })),
  expires_at: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  expired_url: Type.Optional(NullableString(10_000)),
  password: Type.Optional(Type.Union([Type.String({ description: 'Stored hashed (scrypt); never returned' }), Type.Null()])),
  og_title: Type.Optional(NullableString(10_000)),
  og_description: Type.Optional(NullableString(10_000)),
  og_image: Type.Optional(NullableString(10_000)),
  tags: Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 1000 }), Type.Null()])),
  external_id: Type.Optional(NullableString(10_000)),
  metadata: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
  referrer_policy: Type.Optional(Type.Union([Type.String({ maxLength: 100, description: 'Referrer-Policy of the redirect (no-referrer, origin, …); null = strict-origin-when-cross-origin' }), Type.Null()]))
}

export const CreateLinkBody = Type.Object({
  url: Type.String({ maxLength: 10_000, description: 'Destination: http(s) only, no credentials, no control characters, not a short-link domain' }),
  ...LinkFields
}, { additionalProperties: false })
export type CreateLinkBody = Static<typeof CreateLinkBody>

export const UpdateLinkBody = Type.Object({
  url: Type.Optional(NullableString(10_000)),
  ...LinkFields
}, { additionalProperties: false, description: 'Absent fields are kept; an explicit null clears a field' })
export type UpdateLinkBody = Static<typeof UpdateLinkBody>

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const LinkReply = Type.Object({
  id: Type.String({ format: 'uuid' }),
  domain: Type.String(),
  key: Type.String(),
  short_url: Type.String(),
  url: Type.String(),
  link_type: Type.String(),
  utm_source: Nullable(Type.String()),
  utm_medium: Nullable(Type.String()),
  utm_campaign: Nullable(Type.String()),
  utm_content: Nullable(Type.String()),
  utm_term: Nullable(Type.String()),
  ios_url: Nullable(Type.String()),
  android_url: Nullable(Type.String()),
  geo_targeting: Type.Record(Type.String(), Type.String()),
  expires_at: Nullable(Type.String()),
  expired_url: Nullable(Type.String()),
  password_protected: Type.Boolean(),
  og_title: Nullable(Type.String()),
  og_description: Nullable(Type.String()),
  og_image: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  external_id: Nullable(Type.String()),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  referrer_policy: Nullable(Type.String()),
  archived_at: Nullable(Type.String()),
  total_clicks: Type.Number(),
  unique_clicks: Type.Number(),
  bot_clicks: Type.Number(),
  total_leads: Type.Number(),
  total_sales: Type.Number(),
  total_revenue_cents: Type.Number(),
  created_at: Type.String(),
  updated_at: Type.String()
})
export type LinkReply = Static<typeof LinkReply>

export const LinkIdParams = Type.Object({ id: Type.String({ description: 'Link id (UUID); anything else answers 404' }) })

export const ListLinksQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_LIMIT })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  tag: Type.Optional(Type.String({ maxLength: 64 })),
  link_type: Type.Optional(Type.Union(LINK_TYPES.map(t => Type.Literal(t)))),
  search: Type.Optional(Type.String({ maxLength: 200, description: 'Substring of the key or the URL (case-insensitive)' }))
})
export type ListLinksQuery = Static<typeof ListLinksQuery>

export const ListLinksReply = Type.Object({ links: Type.Array(LinkReply), limit: Type.Integer(), offset: Type.Integer() })

export const LinkStatsReply = Type.Object({
  total_clicks: Type.Number(),
  unique_clicks: Type.Number(),
  bot_clicks: Type.Number(),
  total_leads: Type.Number(),
  total_sales: Type.Number(),
  total_revenue_cents: Type.Number()
})

export const ClicksQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_LIMIT })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }))
})
export type ClicksQuery = Static<typeof ClicksQuery>

export const ClickReply = Type.Object({
  id: Type.String(),
  click_id: Nullable(Type.String()),
  visitor_id: Nullable(Type.String()),
  ga_id: Type.String({ description: 'The browser that clicked' }),
  session_id: Nullable(Type.String()),
  url: Nullable(Type.String()),
  referrer: Nullable(Type.String()),
  referrer_host: Nullable(Type.String()),
  device_type: Nullable(Type.String()),
  browser: Nullable(Type.String()),
  os: Nullable(Type.String()),
  bot: Type.Boolean(),
  country: Nullable(Type.String()),
  qr: Nullable(Type.Boolean()),
  unique_click: Nullable(Type.Boolean()),
  source_platform: Nullable(Type.String()),
  source_medium: Nullable(Type.String()),
  source_campaign: Nullable(Type.String()),
  channel: Nullable(Type.String()),
  properties: Type.Record(Type.String(), Type.Unknown()),
  occurred_at: Type.String()
})
export type ClickReply = Static<typeof ClickReply>

export const ListClicksReply = Type.Object({ clicks: Type.Array(ClickReply), limit: Type.Integer(), offset: Type.Integer() })

export const ShareQuery = Type.Object({
  title: Type.Optional(Type.String({ maxLength: 500 })),
  text: Type.Optional(Type.String({ maxLength: 500 })),
  via: Type.Optional(Type.String({ maxLength: 100 })),
  hashtags: Type.Optional(Type.String({ maxLength: 500 })),
  subject: Type.Optional(Type.String({ maxLength: 500 })),
  body: Type.Optional(Type.String({ maxLength: 2000 }))
})
export type ShareQuery = Static<typeof ShareQuery>

export const ShareReply = Type.Object({
  twitter: Type.String(),
  facebook: Type.String(),
  linkedin: Type.String(),
  whatsapp: Type.String(),
  telegram: Type.String(),
  reddit: Type.String(),
  email: Type.String(),
  copy: Type.String()
})
