import { Type, type Static } from 'typebox'
import { API_KEY_TYPES } from './table.js'

export const Id = Type.String({ format: 'uuid', description: 'UUID' })
export const IdParams = Type.Object({ id: Id })

export const WorkspaceReply = Type.Object({ id: Id, name: Type.String(), created_at: Type.String({ format: 'date-time' }) })
export const CreateWorkspaceBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) })

export const ApiKeyType = Type.Enum(API_KEY_TYPES)
export const ApiKeyReply = Type.Object({
  id: Id,
  workspace_id: Id,
  name: Type.String(),
  type: ApiKeyType,
  prefix: Type.String(),
  allowed_origins: Type.Array(Type.String()),
  allow_client_sales: Type.Boolean({ description: 'Publishable keys: pages may send sale beacons (stored with trust "client")' }),
  expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  created_at: Type.String({ format: 'date-time' })
})
export const CreatedApiKeyReply = Type.Intersect([ApiKeyReply, Type.Object({ key: Type.String({ description: 'The key itself: shown only in this response' }) })])

export const CreateApiKeyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  type: Type.Optional(ApiKeyType),
  allowed_origins: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 100 })),
  allow_client_sales: Type.Optional(Type.Boolean({ description: 'Publishable keys only (default false): accept `sale` beacons from pages' })),
  expires_at: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()]))
})
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>

export const UpdateApiKeyBody = Type.Object({
  allow_client_sales: Type.Optional(Type.Boolean({ description: 'Publishable keys only: accept `sale` beacons from pages' })),
  allowed_origins: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 100, description: 'Replaces the list' }))
}, { additionalProperties: false, minProperties: 1 })
export type UpdateApiKeyBody = Static<typeof UpdateApiKeyBody>
