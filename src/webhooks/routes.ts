// /ga/api/webhooks: endpoint CRUD, delivery log and replay (API.md "Webhooks and live data").
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { workspaceOf } from '../auth/index.js'
import { isUuid } from '../db/uuid.js'
import { ValidationFailed, errorResponses } from '../errors.js'
import type { ResolveAll } from '../net/safe-fetch.js'
import { DeliveryInFlight, DeliveryNotFound, WebhookDisabled, WebhookNotFound } from './errors.js'
import { checkEventTypes } from './input.js'
import { DEFAULT_LIMIT, CreateWebhookBody, CreatedWebhookReply, DeliveriesQuery, DeliveryReply, ListQuery, UpdateWebhookBody, WebhookReply } from './schemas.js'
import * as svc from './service.js'
import { checkResolvedHost, checkWebhookUrl } from './url-check.js'

const tags = ['webhooks']
const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyAuth: [] }]
// Not a UUID names no webhook: 404 like any unknown id (and never a 500 from the uuid parser).
const IdParams = Type.Object({ id: Type.String({ maxLength: 100, description: 'Webhook id (UUID)' }) })
const DeliveryParams = Type.Object({ id: Type.String({ maxLength: 100, description: 'Delivery id (UUID)' }) })

const webhookRoutes: FastifyPluginAsyncTypebox<{ lookup: ResolveAll }> = async (app, { lookup }) => {
  const { sql } = app.database
  const { config } = app
  app.addHook('onRequest', app.requireApiKey)

  async function validUrl (raw: string): Promise<string> {
    const check = checkWebhookUrl(raw, { requireHttps: config.production && !config.webhookAllowPrivate, allowPrivate: config.webhookAllowPrivate })
    if (!check.ok) throw new ValidationFailed({ url: check.error })
    const resolved = await checkResolvedHost(check.host, lookup, config.webhookAllowPrivate)
    if (resolved !== null) throw new ValidationFailed({ url: resolved })
    return check.url
  }

  function validEventTypes (given: string[] | undefined): string[] {
    const check = checkEventTypes(given)
    if (!check.ok) throw new ValidationFailed({ event_types: check.error })
    return check.value
  }

  async function ownWebhook (ws: string, id: string): Promise<svc.WebhookRecord> {
    const row = isUuid(id) ? await svc.findWebhook(sql, ws, id) : null
    if (row === null) throw new WebhookNotFound()
    return row
  }

  // POST /ga/api/webhooks – register an endpoint; the signing secret is in this answer only
  app.post('/webhooks', { schema: { tags, security, summary: 'Create a webhook', body: CreateWebhookBody, response: { 201: CreatedWebhookReply, ...errorResponses } } }, async (req, reply) => {
    const url = await validUrl(req.body.url)
    const eventTypes = validEventTypes(req.body.event_types)
    const { row, secret } = await svc.createWebhook(sql, config.secret, {
      workspaceId: workspaceOf(req), url, eventTypes, description: req.body.description ?? null, enabled: req.body.enabled ?? true
    })
    return await reply.code(201).send({ ...svc.webhookView(row), secret } as never)
  })

  // GET /ga/api/webhooks – list endpoints (never their secrets)
  app.get('/webhooks', { schema: { tags, security, summary: 'List webhooks', querystring: ListQuery, response: { 200: Type.Object({ webhooks: Type.Array(WebhookReply), limit: Type.Integer(), offset: Type.Integer() }), ...errorResponses } } }, async req => {
    const { limit = DEFAULT_LIMIT, offset = 0 } = req.query
    const rows = await svc.listWebhooks(sql, workspaceOf(req), limit, offset)
    return { webhooks: rows.map(svc.webhookView) as never, limit, offset }
  })

  // GET /ga/api/webhooks/:id
  app.get('/webhooks/:id', { schema: { tags, security, summary: 'Get a webhook', params: IdParams, response: { 200: WebhookReply, ...errorResponses } } }, async req => {
    return svc.webhookView(await ownWebhook(workspaceOf(req), req.params.id)) as never
  })

  // PATCH /ga/api/webhooks/:id – change url, filter, description or enabled
  app.patch('/webhooks/:id', { schema: { tags, security, summary: 'Update a webhook', params: IdParams, body: UpdateWebhookBody, response: { 200: WebhookReply, ...errorResponses } } }, async req => {
    const ws = workspaceOf(req)
    await ownWebhook(ws, req.params.id)
    const changes: svc.WebhookChanges = {}
    if (req.body.url !== undefined) changes.url = await validUrl(req.body.url)
    if (req.body.event_types !== undefined) changes.eventTypes = validEventTypes(req.body.event_types)
    if (req.body.description !== undefined) changes.description = req.body.description
    if (req.body.enabled !== undefined) changes.enabled = req.body.enabled
    const row = await svc.updateWebhook(sql, ws, req.params.id, changes)
    if (row === null) throw new WebhookNotFound()
    return svc.webhookView(row) as never
  })

  // DELETE /ga/api/webhooks/:id – remove the endpoint and its delivery log
  app.delete('/webhooks/:id', { schema: { tags, security, summary: 'Delete a webhook', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    if (!isUuid(req.params.id) || !await svc.deleteWebhook(sql, workspaceOf(req), req.params.id)) throw new WebhookNotFound()
    return await reply.code(204).send(null)
  })

  // GET /ga/api/webhooks/:id/deliveries – delivery log, newest first, with every attempt
  app.get('/webhooks/:id/deliveries', { schema: { tags, security, summary: 'Delivery log of a webhook', params: IdParams, querystring: DeliveriesQuery, response: { 200: Type.Object({ deliveries: Type.Array(DeliveryReply), limit: Type.Integer(), offset: Type.Integer() }), ...errorResponses } } }, async req => {
    const ws = workspaceOf(req)
    await ownWebhook(ws, req.params.id)
    const { limit = DEFAULT_LIMIT, offset = 0, status } = req.query
    const deliveries = await svc.listDeliveries(sql, ws, req.params.id, { limit, offset, status })
    return { deliveries: deliveries as never, limit, offset }
  })

  // POST /ga/api/webhooks/deliveries/:id/replay – send the same message again
  app.post('/webhooks/deliveries/:id/replay', { schema: { tags, security, summary: 'Replay a delivery', params: DeliveryParams, response: { 202: Type.Object({ id: Type.String(), status: Type.Literal('pending') }), ...errorResponses } } }, async (req, reply) => {
    const outcome = isUuid(req.params.id) ? await svc.replayDelivery(sql, workspaceOf(req), req.params.id) : 'not_found'
    if (outcome === 'not_found') throw new DeliveryNotFound()
    if (outcome === 'webhook_disabled') throw new WebhookDisabled()
    if (outcome === 'in_flight') throw new DeliveryInFlight()
    return await reply.code(202).send({ id: req.params.id, status: 'pending' as const })
  })
}

export default webhookRoutes
