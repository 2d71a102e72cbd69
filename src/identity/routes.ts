// Visitor REST API (API.md "Visitors", reference §9.5). Ids in paths are plain strings: anything
// that is not a UUID of this workspace is a 404. A merged visitor's id answers with its survivor
// (the person it became), for reads, identify and forget alike.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses, ValidationFailed } from '../errors.js'
import { workspaceOf } from '../auth/index.js'
import { classifySource, queryParamsFromUrl, safeHttpUrl, urlHost } from '../classify/index.js'
import { browserTimeline } from '../events/queries.js'
import { EventReply } from '../events/schemas.js'
import { cleanSignals, cleanUuid, suppliedSignals } from './signals.js'
import { browsersOf, findByExternalId, findLiving, listVisitors } from './queries.js'
import { visitorProfile } from './profile.js'
import { VisitorNotFound } from './errors.js'
import { identifyWithAddress } from '../conversions/address-fields.js'
import { inRetriedTransaction } from './retry.js'
import {
  AttributionReply, ExternalIdParams, IdentifyBody, IdParams, Pagination, ResolveBody, VisitorReply
} from './schemas.js'
import type { JsonObject, VisitorRecord } from './visitor.js'

const tags = ['visitors']
const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyAuth: [] }]

const routes: FastifyPluginAsyncTypebox = async app => {
  // Reads go to DATABASE_READ_URL when set; resolve, identify and forget write through `sql`.
  const { sql, read } = app.database
  const service = app.identityService
  app.addHook('onRequest', app.requireApiKey)
  app.addSchema(VisitorReply)
  app.addSchema(EventReply)

  async function living (ws: string, id: string): Promise<VisitorRecord> {
    const uuid = cleanUuid(id)
    const found = uuid === undefined ? null : await findLiving(read, ws, uuid)
    if (found === null) throw new VisitorNotFound()
    return found
  }

  // GET /ga/api/visitors – merged visitors excluded, newest first
  app.get('/ga/api/visitors', {
    schema: { tags, security, querystring: Pagination, response: { 200: Type.Object({ visitors: Type.Array(Type.Ref('Visitor')), limit: Type.Integer(), offset: Type.Integer() }), ...errorResponses } }
  }, async req => {
    const { limit, offset } = req.query
    const ws = workspaceOf(req)
    const visitors = await listVisitors(read, ws, limit, offset)
    return { visitors: await Promise.all(visitors.map(async v => await visitorProfile(read, ws, v))), limit, offset }
  })

  // GET /ga/api/visitors/by-external-id/:external_id – the living visitor holding it
  app.get('/ga/api/visitors/by-external-id/:external_id', {
    schema: { tags, security, params: ExternalIdParams, response: { 200: Type.Ref('Visitor'), ...errorResponses } }
  }, async req => {
    const found = await findByExternalId(read, workspaceOf(req), req.params.external_id)
    if (found === null) throw new VisitorNotFound()
    return await visitorProfile(read, workspaceOf(req), found)
  })

  app.get('/ga/api/visitors/:id', {
    schema: {
      tags, security, params: IdParams,
      description: 'A visitor. The id of a merged visitor answers with the survivor it was merged into (check `id`).',
      response: { 200: Type.Ref('Visitor'), ...errorResponses }
    }
  }, async req => await visitorProfile(read, workspaceOf(req), await living(workspaceOf(req), req.params.id)))

  app.get('/ga/api/visitors/:id/timeline', {
    schema: {
      tags, security, params: IdParams, querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }) }),
      description: 'Events of the visitor (and of every visitor merged into it), newest first.',
      response: { 200: Type.Object({ events: Type.Array(Type.Ref('Event')), limit: Type.Integer(), offset: Type.Integer() }), ...errorResponses }
    }
  }, async req => {
    const ws = workspaceOf(req)
    const visitor = await living(ws, req.params.id)
    const { limit, offset } = req.query
    const browsers = (await browsersOf(read, ws, [visitor.id])).map(b => b.ga_id)
    return { events: await browserTimeline(read, ws, browsers, visitor.id, limit, offset), limit, offset }
  })

  app.get('/ga/api/visitors/:id/attribution', {
    schema: { tags, security, params: IdParams, response: { 200: AttributionReply, ...errorResponses } }
  }, async req => {
    const ws = workspaceOf(req)
    const v = await visitorProfile(read, ws, await living(ws, req.params.id))
    return {
      attribution_path: v.attribution_path,
      first_source: v.first_source,
      last_source: v.last_source,
      first_seen_at: v.first_seen_at,
      last_seen_at: v.last_seen_at,
      first_click_id: v.first_click_id,
      last_click_id: v.last_click_id,
      click_id_history: v.click_id_history as unknown as JsonObject
    }
  })

  // POST /ga/api/visitors/resolve – the seed's resolve_visitor: find, create or merge
  app.post('/ga/api/visitors/resolve', {
    schema: {
      tags, security, body: ResolveBody,
      description: 'Resolves the visitor these signals describe, creating or merging visitors as the identity rules say. Placeholder ids (null, undefined, 0, …) are ignored.',
      response: { 200: Type.Ref('Visitor'), ...errorResponses }
    }
  }, async req => {
    const ws = workspaceOf(req)
    const body = req.body
    const url = body.url === undefined ? null : safeHttpUrl(body.url)
    const source = url !== null || body.referrer !== undefined
      ? classifySource({ queryParams: queryParamsFromUrl(url), referrer: body.referrer, pageHost: urlHost(url), ownDomains: app.config.ownDomains })
      : undefined
    const signals = cleanSignals({ ...body, source: source?.self_referral === true ? undefined : source })
    if (suppliedSignals(signals).length === 0) {
      throw new ValidationFailed({ signals: 'at least one usable signal is required: ga_id, anonymous_id, fingerprint, person_external_id, person_email or click_id' })
    }
    const { visitor } = await inRetriedTransaction(sql, async tx => await service.resolve(tx, ws, signals))
    return await visitorProfile(sql, ws, visitor)
  })

  // POST /ga/api/visitors/:id/identify – attach person fields; merges with the holder of the same external id or email
  app.post('/ga/api/visitors/:id/identify', {
    schema: {
      tags, security, params: IdParams, body: IdentifyBody,
      description: 'Sets person fields. Another visitor holding the same person_external_id or email is merged (oldest survives). 409 when this visitor already holds a different person_external_id (nothing is merged).',
      response: { 200: Type.Ref('Visitor'), ...errorResponses }
    }
  }, async req => {
    const ws = workspaceOf(req)
    const uuid = cleanUuid(req.params.id)
    if (uuid === undefined) throw new VisitorNotFound()
    const visitor = await inRetriedTransaction(sql, async tx => await service.identify(tx, ws, uuid, identifyWithAddress(req.body)))
    return await visitorProfile(sql, ws, visitor)
  })

  // DELETE /ga/api/visitors/:id – GDPR forget
  app.delete('/ga/api/visitors/:id', {
    schema: {
      tags, security, params: IdParams,
      description: 'GDPR forget: deletes the visitor\'s events and sessions, scrubs every personal field on it and on every visitor merged into it, and clears its dispatches\' source context; its cookie ids then resolve to a new visitor. The anonymous row stays (counters), so repeating the call answers 204 again; an id never seen answers 404.',
      response: { 204: Type.Null(), ...errorResponses }
    }
  }, async (req, reply) => {
    const ws = workspaceOf(req)
    const uuid = cleanUuid(req.params.id)
    if (uuid === undefined) throw new VisitorNotFound()
    const forgotten = await inRetriedTransaction(sql, async tx => await service.forget(tx, ws, uuid))
    if (forgotten === null) throw new VisitorNotFound()
    return await reply.code(204).send(null)
  })
}

export default routes
