// Request and response schemas of the webhooks API (OpenAPI is generated from these).
import { Type, type Static } from 'typebox'
import { DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES } from './event-types.js'

const EventTypeList = Type.Array(Type.String({ maxLength: 64 }), {
  minItems: 1,
  maxItems: WEBHOOK_EVENT_TYPES.length,
  description: `Event types to deliver, from: ${WEBHOOK_EVENT_TYPES.join(', ')}`
})

export const CreateWebhookBody = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2048, description: 'http(s) endpoint (https in production); private, loopback, link-local and metadata addresses are refused' }),
  event_types: Type.Optional(EventTypeList),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  enabled: Type.Optional(Type.Boolean())
}, { additionalProperties: false })
export type CreateWebhookBody = Static<typeof CreateWebhookBody>

export const UpdateWebhookBody = Type.Object({
  url: Type.Optional(CreateWebhookBody.properties.url),
  event_types: Type.Optional(EventTypeList),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  enabled: Type.Optional(Type.Boolean({ description: 'true re-enables an endpoint that was disabled after failures (its pending deliveries resume)' }))
}, { additionalProperties: false, minProperties: 1 })
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>

export const WebhookReply = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  event_types: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  consecutive_failures: Type.Integer(),
  disabled_reason: Type.Union([Type.String(), Type.Null()]),
  disabled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
})

export const CreatedWebhookReply = Type.Object({
  ...WebhookReply.properties,
  secret: Type.String({ description: 'Standard Webhooks signing secret (whsec_...). Shown only in this response.' })
})

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'UUID' }) })

export const DEFAULT_LIMIT = 50

export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_LIMIT })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }))
})

export const DeliveriesQuery = Type.Object({
  ...ListQuery.properties,
  status: Type.Optional(Type.Union(DELIVERY_STATUSES.map(s => Type.Literal(s))))
})

export const AttemptReply = Type.Object({
  attempt: Type.Integer(),
  status_code: Type.Union([Type.Integer(), Type.Null()]),
  duration_ms: Type.Integer(),
  response_body: Type.Union([Type.String(), Type.Null()], { description: 'First 2 KB of the answer' }),
  error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' })
})

export const DeliveryReply = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Also the webhook-id header (msg_<id>): the same on every retry and replay' }),
  webhook_id: Type.String({ format: 'uuid' }),
  message_id: Type.String({ format: 'uuid' }),
  event_type: Type.String(),
  status: Type.Union(DELIVERY_STATUSES.map(s => Type.Literal(s))),
  attempts: Type.Integer(),
  next_attempt_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  delivered_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  payload: Type.Unknown({ description: 'The message body as sent' }),
  attempt_log: Type.Array(AttemptReply)
})

export const StreamQuery = Type.Object({
  topics: Type.Optional(Type.String({ maxLength: 100, description: 'Comma-separated: link_clicks, events (default both)' }))
})
