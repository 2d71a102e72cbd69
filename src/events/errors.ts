import createError from '@fastify/error'

export const IdempotencyKeyReused = createError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used with a different request body', 409)
export const VisitorRequired = createError('VISITOR_REQUIRED', 'One of visitor_id, person_external_id, ga_id, or anonymous_id is required', 422)
