// One error catalogue, one envelope, one handler (STYLE §8.6). Every error leaves as
// {"error": "<message>", "code": "<CODE>"}; 5xx details are masked and never carry a stack.
import createError from '@fastify/error'
import type { FastifyError, FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { FastifyRequest } from 'fastify'
import { isDatabaseUnavailable } from './db/client.js'
import { databaseErrorOf } from './db/log.js'
import { CONTROL_MESSAGE } from './text.js'

export const ErrorReply = Type.Object({
  error: Type.String(),
  code: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.String()))
}, { $id: 'ErrorReply', description: 'Error envelope' })

export const Unauthorized = createError('UNAUTHORIZED', '%s', 401)
export const Forbidden = createError('FORBIDDEN', '%s', 403)
export const NotFound = createError('NOT_FOUND', '%s', 404)
export const Conflict = createError('CONFLICT', '%s', 409)
export const Unprocessable = createError('VALIDATION_FAILED', '%s', 422)
export const ServiceUnavailable = createError('SERVICE_UNAVAILABLE', '%s', 503)

/** A 422 that names the failing fields: `{"error", "code": "VALIDATION_FAILED", "errors": {field: message}}`. */
export class ValidationFailed extends Error {
  readonly statusCode = 422
  readonly code = 'VALIDATION_FAILED'
  constructor (readonly errors: Record<string, string>) {
    super(Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join('; '))
  }
}

/** 4xx/5xx responses every route declares, all pointing at ErrorReply. */
export const errorResponses = {
  '4xx': { $ref: 'ErrorReply#' },
  '5xx': { $ref: 'ErrorReply#' }
} as const

function fieldOf (instancePath: string | undefined, params: Record<string, unknown> | undefined): string {
  const path = (instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
  const missing = params?.missingProperty ?? params?.requiredProperties
  if (typeof missing === 'string') return path === '' ? missing : `${path}.${missing}`
  if (Array.isArray(missing) && typeof missing[0] === 'string') return path === '' ? missing[0] : `${path}.${missing[0]}`
  return path === '' ? 'body' : path
}

export function installErrorHandling (app: FastifyInstance): void {
  app.addSchema(ErrorReply)

  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: `Route ${req.method} ${req.url.split('?')[0].slice(0, 200)} not found`, code: 'ROUTE_NOT_FOUND' })
  })

  app.setErrorHandler((err: FastifyError & { errors?: Record<string, string>, retryAfter?: number }, req, reply) => {
    if (err.validation !== undefined) {
      const errors: Record<string, string> = {}
      for (const v of err.validation) {
        const field = fieldOf(v.instancePath, v.params as Record<string, unknown>)
        errors[field] ??= v.message ?? 'is invalid'
      }
      const [first] = Object.entries(errors)
      req.log.info({ code: 'VALIDATION_FAILED' }, 'validation failed')
      return reply.code(422).send({ error: `${err.validationContext ?? 'request'} ${first[0]}: ${first[1]}`, code: 'VALIDATION_FAILED', errors })
    }
    // A client that hangs up mid-request (ECONNRESET "aborted" while its body is read) is not a
    // database outage (issue 14 item 10): nobody is left to answer, so it is only noted at info.
    if (isClientAbort(err, req)) {
      req.log.info({ code: err.code }, 'request aborted by the client')
      return reply.code(400).send({ error: 'Request aborted by the client', code: 'REQUEST_ABORTED' })
    }
    // Text the database cannot store (a NUL in a query parameter that no body check saw) is bad input.
    const db = databaseErrorOf(err)
    if (db !== null && (db.code === '22021' || db.code === '22P05')) {
      req.log.info({ code: 'VALIDATION_FAILED', db_code: db.code }, 'request rejected')
      return reply.code(422).send({ error: `request ${CONTROL_MESSAGE}`, code: 'VALIDATION_FAILED' })
    }
    if (isDatabaseUnavailable(err)) {
      req.log.warn({ code: (err as { code?: string }).code }, 'database unavailable')
      return reply.code(503).header('retry-after', '5').send({ error: 'Database unavailable, retry later', code: 'DATABASE_UNAVAILABLE' })
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
    if (status >= 500) {
      req.log.error({ err }, 'request failed')
      if (err.retryAfter !== undefined) void reply.header('retry-after', String(err.retryAfter))
      const masked = status === 503 ? err.message : 'Internal server error'
      return reply.code(status).send({ error: masked, code: status === 503 ? (err.code ?? 'SERVICE_UNAVAILABLE') : 'INTERNAL_ERROR' })
    }
    req.log.info({ code: err.code, status }, 'request rejected')
    const code = mapFastifyCode(err.code, status)
    const body: Record<string, unknown> = { error: publicMessage(err, code), code }
    if (err.errors !== undefined) body.errors = err.errors
    return reply.code(status).send(body)
  })
}

const ABORT_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE'])

/** The request stream itself failed because the client went away (not a database socket). */
export function isClientAbort (err: { code?: string, message?: string }, req: FastifyRequest): boolean {
  const raw = req.raw
  const gone = raw.readableAborted || raw.destroyed || raw.socket?.destroyed === true
  return gone && (ABORT_CODES.has(err.code ?? '') || err.message === 'aborted')
}

function mapFastifyCode (code: string | undefined, status: number): string {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return 'PAYLOAD_TOO_LARGE'
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return 'INVALID_JSON'
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return 'UNSUPPORTED_MEDIA_TYPE'
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return 'BAD_REQUEST'
    case undefined: return status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST'
    default: return code.startsWith('FST_') ? 'BAD_REQUEST' : code
  }
}

function publicMessage (err: FastifyError, code: string): string {
  if (code === 'INVALID_JSON') return 'Body is not valid JSON'
  if (code === 'PAYLOAD_TOO_LARGE') return 'Request body is too large'
  return err.message
}
