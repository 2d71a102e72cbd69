// /ga/api/links CRUD. Workspace from the credential only; ids that are not UUIDs answer 404.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { workspaceOf } from '../../auth/index.js'
import { errorResponses } from '../../errors.js'
import { linkJson } from '../link-json.js'
import { CreateLinkBody, DEFAULT_LIMIT, LinkIdParams, LinkReply, ListLinksQuery, ListLinksReply, UpdateLinkBody } from '../schemas.js'
import { archiveLink, createLink, getLinkOrThrow, listLinks, updateLink, type LinkServiceDeps } from '../service.js'

const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyAuth: [] }]
const tags = ['links']

const crudRoutes: FastifyPluginAsyncTypebox<{ service: LinkServiceDeps }> = async (app, { service }) => {
  app.addHook('onRequest', app.requireApiKey)

  // POST /ga/api/links – create (key generated when absent)
  app.post('/ga/api/links', {
    schema: {
      tags,
      security,
      description: 'Creates a short link. `domain` defaults to the first GA_LINK_DOMAINS entry; `key` (case-sensitive, `[A-Za-z0-9_-]{1,190}`, not reserved) is generated when absent. 409 when the live domain+key or external_id is taken.',
      body: CreateLinkBody,
      response: { 201: LinkReply, ...errorResponses }
    }
  }, async (req, reply) => {
    const row = await createLink(service, workspaceOf(req), req.body)
    return await reply.code(201).send(linkJson(row))
  })

  // GET /ga/api/links – live links, newest first
  app.get('/ga/api/links', {
    schema: { tags, security, querystring: ListLinksQuery, response: { 200: ListLinksReply, ...errorResponses } }
  }, async req => {
    const { limit = DEFAULT_LIMIT, offset = 0, tag, link_type: linkType, search } = req.query
    const rows = await listLinks(app.database.db, workspaceOf(req), { limit, offset, tag, linkType, search })
    return { links: rows.map(linkJson), limit, offset }
  })

  // GET /ga/api/links/:id – archived links included
  app.get('/ga/api/links/:id', {
    schema: { tags, security, params: LinkIdParams, response: { 200: LinkReply, ...errorResponses } }
  }, async req => linkJson(await getLinkOrThrow(app.database.db, workspaceOf(req), req.params.id)))

  // PATCH /ga/api/links/:id – absent fields kept, explicit null clears
  app.patch('/ga/api/links/:id', {
    schema: {
      tags,
      security,
      description: 'Updates a live link. Absent fields are kept; an explicit null clears a field (url, domain, key and link_type cannot be cleared). Every process serves the change within a second.',
      params: LinkIdParams,
      body: UpdateLinkBody,
      response: { 200: LinkReply, ...errorResponses }
    }
  }, async req => linkJson(await updateLink(service, workspaceOf(req), req.params.id, req.body)))

  // DELETE /ga/api/links/:id – archive (frees domain+key)
  app.delete('/ga/api/links/:id', {
    schema: { tags, security, params: LinkIdParams, response: { 204: Type.Null({ description: 'Archived' }), ...errorResponses } }
  }, async (req, reply) => {
    await archiveLink(service, workspaceOf(req), req.params.id)
    return await reply.code(204).send(null)
  })
}

export default crudRoutes
