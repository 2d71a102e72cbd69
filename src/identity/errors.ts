import createError from '@fastify/error'

export const VisitorNotFound = createError('VISITOR_NOT_FOUND', 'Visitor not found', 404)
export const IdentityConflict = createError('IDENTITY_CONFLICT', '%s', 409)
