// Request/response shapes of /ga/api/domains. Content rules (host syntax, URL safety) live in
// service.ts so each field gets its own 422 message, as for links.
import { Type, type Static } from 'typebox'

export const DEFAULT_LIMIT = 50

const NullableUrl = Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()]))

const PageFields = {
  root_url: Type.Optional(Type.Union([Type.String({ maxLength: 10_000, description: 'Where `GET /` on this domain redirects (else 404)' }), Type.Null()])),
  not_found_url: Type.Optional(Type.Union([Type.String({ maxLength: 10_000, description: 'Where an unknown key redirects (else 404)' }), Type.Null()])),
  expired_url: NullableUrl
}

export const CreateDomainBody = Type.Object({
  domain: Type.String({ minLength: 1, maxLength: 300, description: 'Host name, e.g. go.example.com (normalised: lower-case, no port, punycode)' }),
  ...PageFields
}, { additionalProperties: false })
export type CreateDomainBody = Static<typeof CreateDomainBody>

export const UpdateDomainBody = Type.Object(PageFields, { additionalProperties: false, description: 'Absent fields are kept; null clears' })
export type UpdateDomainBody = Static<typeof UpdateDomainBody>

export const DomainParams = Type.Object({ id: Type.String({ maxLength: 100, description: 'Domain id (UUID)' }) })

export const ListDomainsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 }))
})

const NullableString = Type.Union([Type.String(), Type.Null()])

export const DomainReply = Type.Object({
  id: Type.String({ format: 'uuid' }),
  domain: Type.String(),
  root_url: NullableString,
  not_found_url: NullableString,
  expired_url: NullableString,
  verified: Type.Boolean(),
  verified_at: NullableString,
  verification: Type.Object({
    type: Type.Literal('TXT'),
    name: Type.String({ description: 'DNS name of the TXT record' }),
    value: Type.String({ description: 'Exact value the record must hold' })
  }),
  shared: Type.Boolean({ description: 'Listed in GA_LINK_DOMAINS: shared by every workspace, so this row has no effect' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}, { description: 'A short-link domain owned by the workspace' })
export type DomainReply = Static<typeof DomainReply>

export const ListDomainsReply = Type.Object({ domains: Type.Array(DomainReply), limit: Type.Integer(), offset: Type.Integer() })
