// Admin API: workspaces and their keys, guarded by GA_ADMIN_TOKEN (registered only when it is set,
// so without it every /ga/admin path is a plain 404).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { NotFound, Unauthorized, ValidationFailed, errorResponses } from '../errors.js'
import { constantTimeEqual, credentialFromHeaders } from './keys.js'
import { normalizeOrigin } from './origins.js'
import { ApiKeyReply, CreateApiKeyBody, CreateWorkspaceBody, CreatedApiKeyReply, IdParams, UpdateApiKeyBody, WorkspaceReply } from './schemas.js'
import * as svc from './service.js'
import { IdentitySecretReply } from '../trust/schemas.js'

function originsOf (raws: readonly string[]): string[] {
  return raws.map(raw => {
    const o = normalizeOrigin(raw)
    if (o === null) throw new ValidationFailed({ allowed_origins: `'${raw.slice(0, 100)}' is not an origin like https://www.example.com` })
    return o
  })
}

const adminRoutes: FastifyPluginAsyncTypebox<{ adminToken: string }> = async (app, { adminToken }) => {
  const { db } = app.database

  app.addHook('onRequest', async req => {
    const cred = credentialFromHeaders(req.headers.authorization, undefined)
    if (cred.kind !== 'token' || !constantTimeEqual(cred.token, adminToken)) throw new Unauthorized('Admin token required')
  })

  const tags = ['admin']
  const security = [{ bearerAuth: [] }]

  // POST /ga/admin/workspaces – create a workspace
  app.post('/workspaces', { schema: { tags, security, body: CreateWorkspaceBody, response: { 201: WorkspaceReply, ...errorResponses } } }, async (req, reply) => {
    const row = await svc.createWorkspace(db, req.body.name)
    if (row === null) throw new Error('workspace id collision')
    return await reply.code(201).send(svc.workspaceView(row))
  })

  // GET /ga/admin/workspaces – list workspaces
  app.get('/workspaces', { schema: { tags, security, response: { 200: Type.Object({ workspaces: Type.Array(WorkspaceReply) }), ...errorResponses } } }, async () => {
    return { workspaces: (await svc.listWorkspaces(db)).map(svc.workspaceView) }
  })

  // POST /ga/admin/workspaces/:id/api-keys – issue a key (shown once)
  app.post('/workspaces/:id/api-keys', { schema: { tags, security, params: IdParams, body: CreateApiKeyBody, response: { 201: CreatedApiKeyReply, ...errorResponses } } }, async (req, reply) => {
    if (await svc.findWorkspace(db, req.params.id) === null) throw new NotFound(`Workspace '${req.params.id}' not found`)
    const origins = originsOf(req.body.allowed_origins ?? [])
    const expiresAt = req.body.expires_at == null ? null : new Date(req.body.expires_at)
    const { key, row } = await svc.createApiKey(db, app.config.secret, {
      workspaceId: req.params.id, name: req.body.name, type: req.body.type ?? 'secret', allowedOrigins: origins, allowClientSales: req.body.allow_client_sales, expiresAt
    })
    return await reply.code(201).send({ ...svc.apiKeyView(row), key })
  })

  // GET /ga/admin/workspaces/:id/api-keys – list keys (never the keys themselves)
  app.get('/workspaces/:id/api-keys', { schema: { tags, security, params: IdParams, response: { 200: Type.Object({ api_keys: Type.Array(ApiKeyReply) }), ...errorResponses } } }, async req => {
    if (await svc.findWorkspace(db, req.params.id) === null) throw new NotFound(`Workspace '${req.params.id}' not found`)
    return { api_keys: (await svc.listApiKeys(db, req.params.id)).map(svc.apiKeyView) }
  })

  // PATCH /ga/admin/api-keys/:id – change a key's page settings (allow_client_sales, allowed_origins)
  app.patch('/api-keys/:id', { schema: { tags, security, params: IdParams, body: UpdateApiKeyBody, response: { 200: ApiKeyReply, ...errorResponses } } }, async req => {
    const row = await svc.updateApiKey(db, req.params.id, {
      allowClientSales: req.body.allow_client_sales,
      allowedOrigins: req.body.allowed_origins === undefined ? undefined : originsOf(req.body.allowed_origins)
    })
    if (row === null) throw new NotFound(`API key '${req.params.id}' not found`)
    return svc.apiKeyView(row)
  })

  // GET|POST /ga/admin/workspaces/:id/identity-secret – read, create or rotate the identity secret (trust feature)
  app.get('/workspaces/:id/identity-secret', { schema: { tags, security, params: IdParams, response: { 200: IdentitySecretReply, ...errorResponses } } }, async req => {
    if (await svc.findWorkspace(db, req.params.id) === null) throw new NotFound(`Workspace '${req.params.id}' not found`)
    const found = await app.trust.readIdentitySecret(req.params.id)
    if (found === null) throw new NotFound('No usable identity secret: create one with POST .../identity-secret')
    return found
  })
  app.post('/workspaces/:id/identity-secret', { schema: { tags, security, params: IdParams, response: { 201: IdentitySecretReply, ...errorResponses } } }, async (req, reply) => {
    if (await svc.findWorkspace(db, req.params.id) === null) throw new NotFound(`Workspace '${req.params.id}' not found`)
    return await reply.code(201).send(await app.trust.rotateIdentitySecret(req.params.id))
  })

  // DELETE /ga/admin/api-keys/:id – revoke
  app.delete('/api-keys/:id', { schema: { tags, security, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    const revoked = await svc.revokeApiKey(db, req.params.id)
    if (revoked === null && await svc.findApiKey(db, req.params.id) === null) throw new NotFound(`API key '${req.params.id}' not found`)
    return await reply.code(204).send(null)
  })
}

export default adminRoutes
