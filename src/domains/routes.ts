// /ga/api/domains: add, list, get, update, delete and verify the workspace's short-link domains.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { workspaceOf } from '../auth/index.js'
import { errorResponses } from '../errors.js'
import { CreateDomainBody, DEFAULT_LIMIT, DomainParams, DomainReply, ListDomainsQuery, ListDomainsReply, UpdateDomainBody } from './schemas.js'
import { createDomain, domainJson, getDomainOrThrow, listWorkspaceDomains, removeDomain, updateDomainPages, verifyDomain, type DomainServiceDeps } from './service.js'

const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyAuth: [] }]
const tags = ['domains']

const domainRoutes: FastifyPluginAsyncTypebox<{ service: DomainServiceDeps }> = async (app, { service }) => {
  app.addHook('onRequest', app.requireApiKey)
  const json = (row: Parameters<typeof domainJson>[0]): DomainReply => domainJson(row, service.sharedDomains)

  app.post('/ga/api/domains', {
    schema: {
      tags,
      security,
      summary: 'Add a short-link domain',
      description: 'The domain becomes this workspace\'s: only its links are served on that Host and only it may create links there. ' +
        '409 DOMAIN_TAKEN when any workspace already has it; 422 for a shared GA_LINK_DOMAINS domain. The answer names the DNS TXT record that verifies it.',
      body: CreateDomainBody,
      response: { 201: DomainReply, ...errorResponses }
    }
  }, async (req, reply) => await reply.code(201).send(json(await createDomain(service, workspaceOf(req), req.body))))

  app.get('/ga/api/domains', {
    schema: { tags, security, summary: 'List the workspace\'s domains', querystring: ListDomainsQuery, response: { 200: ListDomainsReply, ...errorResponses } }
  }, async req => {
    const { limit = DEFAULT_LIMIT, offset = 0 } = req.query
    const rows = await listWorkspaceDomains(service.db, workspaceOf(req), limit, offset)
    return { domains: rows.map(json), limit, offset }
  })

  app.get('/ga/api/domains/:id', {
    schema: { tags, security, summary: 'Get a domain', params: DomainParams, response: { 200: DomainReply, ...errorResponses } }
  }, async req => json(await getDomainOrThrow(service.db, workspaceOf(req), req.params.id)))

  app.patch('/ga/api/domains/:id', {
    schema: {
      tags,
      security,
      summary: 'Update a domain\'s pages',
      description: 'root_url, not_found_url, expired_url: http(s) URLs that do not point back at the domain; null clears. Every process serves the change within a second.',
      params: DomainParams,
      body: UpdateDomainBody,
      response: { 200: DomainReply, ...errorResponses }
    }
  }, async req => json(await updateDomainPages(service, workspaceOf(req), req.params.id, req.body)))

  app.delete('/ga/api/domains/:id', {
    schema: {
      tags,
      security,
      summary: 'Remove a domain',
      description: '409 DOMAIN_IN_USE while live links of the workspace use it.',
      params: DomainParams,
      response: { 204: Type.Null({ description: 'Removed' }), ...errorResponses }
    }
  }, async (req, reply) => {
    await removeDomain(service, workspaceOf(req), req.params.id)
    return await reply.code(204).send(null)
  })

  app.post('/ga/api/domains/:id/verify', {
    schema: {
      tags,
      security,
      summary: 'Verify a domain by its DNS TXT record',
      description: 'Looks up the TXT record named in `verification`; 200 with `verified: true` when it holds the value, else 422 DOMAIN_VERIFICATION_FAILED naming what was found.',
      params: DomainParams,
      response: { 200: DomainReply, ...errorResponses }
    }
  }, async req => json(await verifyDomain(service, workspaceOf(req), req.params.id)))
}

export default domainRoutes
