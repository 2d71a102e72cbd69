// The outbox over HTTP: list and inspect dispatches (with their attempts), replay one, replay
// every failed dispatch of a connector. A replay resets the SAME row to pending with its
// attempt count cleared: it keeps its connector_event_id, so if an earlier attempt did reach
// the platform after all, the platform dedupes the replay instead of counting it twice.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { workspaceOf } from '../auth/index.js'
import { Conflict, errorResponses, NotFound } from '../errors.js'

export const REPLAYABLE_STATUSES = ['failed', 'permanently_failed'] as const
const STATUSES = ['planned', 'pending', 'delivering', 'delivered', 'failed', 'permanently_failed', 'skipped'] as const

const DispatchView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  event_id: Type.String({ format: 'uuid' }),
  connector: Type.String(),
  connector_event_id: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  next_attempt_at: Type.Union([Type.String(), Type.Null()]),
  last_attempted_at: Type.Union([Type.String(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  platform_ref: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  updated_at: Type.String(),
  delivered_at: Type.Union([Type.String(), Type.Null()])
})

const AttemptView = Type.Object({
  attempt: Type.Integer(),
  outcome: Type.String(),
  http_status: Type.Union([Type.Integer(), Type.Null()]),
  error_kind: Type.Union([Type.String(), Type.Null()]),
  duration_ms: Type.Integer(),
  response_excerpt: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  notes: Type.Union([Type.String(), Type.Null()], { description: 'Changes made before sending, e.g. an address value cut to the platform\'s limit' }),
  created_at: Type.String()
})

const COLUMNS = 'id, event_id, connector, connector_event_id, status, attempts, next_attempt_at, last_attempted_at, last_error, platform_ref, created_at, updated_at, delivered_at'
type Row = Record<string, unknown>

function iso (value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : null
}

function view (r: Row): Record<string, unknown> {
  return {
    ...r,
    next_attempt_at: iso(r.next_attempt_at),
    last_attempted_at: iso(r.last_attempted_at),
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    delivered_at: iso(r.delivered_at)
  }
}

const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyAuth: [] }]
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

const dispatchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.requireApiKey)
  const sql = app.database.sql

  app.get('/ga/api/dispatches', {
    schema: {
      tags: ['connectors'],
      security,
      querystring: Type.Object({
        status: Type.Optional(Type.Union(STATUSES.map((s) => Type.Literal(s)))),
        connector: Type.Optional(Type.String({ maxLength: 64 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }))
      }),
      response: { 200: Type.Object({ dispatches: Type.Array(DispatchView), limit: Type.Integer(), offset: Type.Integer() }), ...errorResponses }
    }
  }, async (req) => {
    const { status, connector } = req.query
    const limit = req.query.limit ?? 50
    const offset = req.query.offset ?? 0
    const rows = await sql<Row[]>`
      select ${sql.unsafe(COLUMNS)} from connector_dispatches
      where workspace_id = ${workspaceOf(req)}
        ${status === undefined ? sql`` : sql`and status = ${status}`}
        ${connector === undefined ? sql`` : sql`and connector = ${connector}`}
      order by created_at desc, id desc limit ${limit} offset ${offset}`
    return { dispatches: rows.map(view) as never, limit, offset }
  })

  app.get('/ga/api/dispatches/:id', {
    schema: {
      tags: ['connectors'],
      security,
      params: IdParams,
      response: { 200: Type.Intersect([DispatchView, Type.Object({ attempt_log: Type.Array(AttemptView) })]), ...errorResponses }
    }
  }, async (req) => {
    const ws = workspaceOf(req)
    const [row] = await sql<Row[]>`select ${sql.unsafe(COLUMNS)} from connector_dispatches where workspace_id = ${ws} and id = ${req.params.id}`
    if (row === undefined) throw new NotFound('Dispatch not found')
    const attempts = await sql<Row[]>`
      select attempt, outcome, http_status, error_kind, duration_ms, response_excerpt, error, notes, created_at
      from connector_dispatch_attempts where workspace_id = ${ws} and dispatch_id = ${req.params.id} order by created_at, id`
    return { ...view(row), attempt_log: attempts.map((a) => ({ ...a, created_at: iso(a.created_at) })) } as never
  })

  app.post('/ga/api/dispatches/:id/replay', {
    schema: {
      tags: ['connectors'],
      security,
      description: 'Resets a failed or permanently failed dispatch to pending (same connector_event_id, attempts cleared); the worker sends it on its next tick.',
      params: IdParams,
      response: { 200: DispatchView, ...errorResponses }
    }
  }, async (req) => {
    const ws = workspaceOf(req)
    const [row] = await sql<Row[]>`
      update connector_dispatches set status = 'pending', attempts = 0, next_attempt_at = now(), last_error = null, lease_until = null, updated_at = now()
      where workspace_id = ${ws} and id = ${req.params.id} and status in ${sql(REPLAYABLE_STATUSES)}
      returning ${sql.unsafe(COLUMNS)}`
    if (row !== undefined) return view(row) as never
    const [existing] = await sql<Array<{ status: string }>>`select status from connector_dispatches where workspace_id = ${ws} and id = ${req.params.id}`
    if (existing === undefined) throw new NotFound('Dispatch not found')
    throw new Conflict(`Only failed or permanently failed dispatches can be replayed (this one is ${existing.status})`)
  })

  app.post('/ga/api/connectors/:type/replay-failed', {
    schema: {
      tags: ['connectors'],
      security,
      description: 'Resets every failed and permanently failed dispatch of this connector in the workspace to pending.',
      params: Type.Object({ type: Type.String({ maxLength: 64 }) }),
      response: { 200: Type.Object({ replayed: Type.Integer() }), ...errorResponses }
    }
  }, async (req) => {
    if (!app.connectors.registry.has(req.params.type)) throw new NotFound(`Unknown connector type "${req.params.type.slice(0, 64)}"`)
    const result = await sql`
      update connector_dispatches set status = 'pending', attempts = 0, next_attempt_at = now(), last_error = null, lease_until = null, updated_at = now()
      where workspace_id = ${workspaceOf(req)} and connector = ${req.params.type} and status in ${sql(REPLAYABLE_STATUSES)}`
    return { replayed: result.count }
  })
}

export default dispatchRoutes
