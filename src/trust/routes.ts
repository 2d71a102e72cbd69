// The workspace's trust settings over the REST API (secret keys only, like every /ga/api route):
//   GET   /ga/api/trust                   → count_client_revenue, whether an identity secret is set
//   PATCH /ga/api/trust                   → switch count_client_revenue
//   GET   /ga/api/trust/identity-secret   → the identity secret (404 when none)
//   POST  /ga/api/trust/identity-secret   → create or rotate it (the old one verifies 24 h more)
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { workspaceOf } from '../auth/index.js'
import { errorResponses, NotFound } from '../errors.js'
import { IdentitySecretReply, TrustReply, UpdateTrustBody } from './schemas.js'

const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyAuth: [] }]
const tags = ['trust']

const trustRoutes: FastifyPluginAsyncTypebox = async app => {
  app.addHook('onRequest', app.requireApiKey)
  const { trust } = app

  // GET /ga/api/trust – what browsers are trusted with in this workspace
  app.get('/ga/api/trust', { schema: { tags, security, response: { 200: TrustReply, ...errorResponses } } }, async req => await trust.view(workspaceOf(req)))

  // PATCH /ga/api/trust – count client-trust sales in revenue or not
  app.patch('/ga/api/trust', {
    schema: { tags, security, body: UpdateTrustBody, response: { 200: TrustReply, ...errorResponses } }
  }, async req => await trust.setCountClientRevenue(workspaceOf(req), req.body.count_client_revenue))

  // GET /ga/api/trust/identity-secret – the secret identity tokens are signed with
  app.get('/ga/api/trust/identity-secret', {
    schema: { tags, security, description: 'The identity secret your backend signs identity tokens with. 404 until one is created.', response: { 200: IdentitySecretReply, ...errorResponses } }
  }, async req => {
    const found = await trust.readIdentitySecret(workspaceOf(req))
    if (found === null) throw new NotFound('No usable identity secret: create one with POST /ga/api/trust/identity-secret')
    return found
  })

  // POST /ga/api/trust/identity-secret – create or rotate
  app.post('/ga/api/trust/identity-secret', {
    schema: {
      tags,
      security,
      description: 'Creates the identity secret, or rotates it: tokens signed with the previous secret keep verifying for 24 hours.',
      response: { 201: IdentitySecretReply, ...errorResponses }
    }
  }, async (req, reply) => await reply.code(201).send(await trust.rotateIdentitySecret(workspaceOf(req))))
}

export default trustRoutes
