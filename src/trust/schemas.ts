import { Type, type Static } from 'typebox'

export const TrustReply = Type.Object({
  count_client_revenue: Type.Boolean({ description: 'Client-trust sales (beacons) count in visitor ltv and link revenue' }),
  identity_secret_set: Type.Boolean(),
  identity_secret_created_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
})

export const UpdateTrustBody = Type.Object({
  count_client_revenue: Type.Boolean({ description: 'Count client-trust sales in revenue (default false)' })
}, { additionalProperties: false })
export type UpdateTrustBody = Static<typeof UpdateTrustBody>

export const IdentitySecretReply = Type.Object({
  identity_secret: Type.String({ description: 'HMAC-SHA256 key for identity tokens; keep it on your backend, never in a page' }),
  created_at: Type.String({ format: 'date-time' })
})
