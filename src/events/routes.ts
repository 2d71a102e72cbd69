// Events REST API (API.md "Events", reference §9.2). Every write goes through app.recorder.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { errorResponses } from '../errors.js'
import { conversionWithAddress } from '../conversions/address-fields.js'
import { workspaceOf } from '../auth/index.js'
import { listEvents } from './queries.js'
import { BatchBody, BatchResult, EventBody, EventCreated, EventListQuery, EventReply } from './schemas.js'
import type { RecordContext, RecordResult } from './types.js'

const tags = ['events']
const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyAuth: [] }]

/** REST callers are backends: their IP and user agent are not the visitor's, so none is recorded. */
export function apiContext (req: FastifyRequest): RecordContext {
  return { ip: null, userAgent: null, via: 'api', allowPartnerFields: req.auth?.keyType === 'secret' }
}

const routes: FastifyPluginAsyncTypebox = async app => {
  app.addHook('onRequest', app.requireApiKey)
  app.addSchema(EventReply)

  // POST /ga/api/events – record one event (never creates visitors)
  app.post('/ga/api/events', {
    schema: {
      tags, security, body: EventBody,
      description: 'Records one event. Selectors: visitor_id wins over person_external_id (both must exist: 404), then ga_id, then anonymous_id. A UUID ga_id names a browser: its events need no visitor, and a lead or sale for it creates the visitor if none owns it yet. 201 when recorded; 200 with the original event_id when the idempotency_key was already used with the same body; 409 when it was used with another body. lead/sale events plan connector dispatches.',
      response: { 200: EventCreated, 201: EventCreated, ...errorResponses }
    }
  }, async (req, reply) => {
    const result = await app.recorder.record(workspaceOf(req), conversionWithAddress(req.body), apiContext(req))
    return await reply.code(result.status === 'created' ? 201 : 200).send({ event_id: result.event_id })
  })

  // POST /ga/api/events/batch – 1..100 events, each on its own
  app.post('/ga/api/events/batch', {
    schema: {
      tags, security, body: BatchBody,
      description: '201 when every event was recorded (or was an idempotent duplicate), 207 otherwise, with one result per event in order.',
      response: { 201: BatchResult, 207: BatchResult, ...errorResponses }
    }
  }, async (req, reply) => {
    const ws = workspaceOf(req)
    const ctx = apiContext(req)
    const settled = await Promise.allSettled(req.body.events.map(async e => await app.recorder.record(ws, conversionWithAddress(e), ctx)))
    // An outage is the whole request's answer (503 + Retry-After), not a per-item error.
    const outage = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && !((s.reason as { statusCode?: number }).statusCode! < 500))
    if (outage !== undefined) throw outage.reason
    const results = settled.map((s, index) => s.status === 'fulfilled'
      ? { index, status: 'ok' as const, event_id: (s.value as RecordResult).event_id }
      : { index, status: 'error' as const, error: (s.reason as Error).message, code: (s.reason as { code?: string }).code })
    return await reply.code(results.every(r => r.status === 'ok') ? 201 : 207).send({ results })
  })

  // GET /ga/api/events – recent events, newest first
  app.get('/ga/api/events', {
    schema: {
      tags, security, querystring: EventListQuery,
      description: 'Recent events of the workspace, newest first by occurred_at. Without `from`, the last 90 days.',
      response: { 200: Type.Object({ events: Type.Array(Type.Ref('Event')), limit: Type.Integer(), offset: Type.Integer() }), ...errorResponses }
    }
  }, async req => {
    const q = req.query
    // From DATABASE_READ_URL when set (a replica may lag a moment behind the writes).
    const events = await listEvents(app.database.read, workspaceOf(req), {
      limit: q.limit,
      offset: q.offset,
      event_type: q.event_type,
      visitor_id: q.visitor_id,
      from: q.from === undefined ? undefined : new Date(q.from),
      to: q.to === undefined ? undefined : new Date(q.to)
    })
    return { events, limit: q.limit, offset: q.offset }
  })
}

export default routes
