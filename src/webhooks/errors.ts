import createError from '@fastify/error'

export const WebhookNotFound = createError('WEBHOOK_NOT_FOUND', 'Webhook not found', 404)
export const DeliveryNotFound = createError('DELIVERY_NOT_FOUND', 'Webhook delivery not found', 404)
export const WebhookDisabled = createError('WEBHOOK_DISABLED', 'The webhook is disabled; enable it (PATCH enabled: true) before replaying', 409)
export const DeliveryInFlight = createError('DELIVERY_IN_FLIGHT', 'The delivery is being attempted right now', 409)
