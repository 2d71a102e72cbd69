// GET /ga/api/me – which workspace a credential acts for (a cheap authenticated probe).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses } from '../errors.js'
import { workspaceOf } from './index.js'

const meRoutes: FastifyPluginAsyncTypebox = async app => {
  app.addHook('onRequest', app.requireApiKey)
  app.get('/ga/api/me', {
    schema: {
      tags: ['auth'],
      security: [{ bearerAuth: [] }, { apiKeyAuth: [] }],
      response: { 200: Type.Object({ workspace_id: Type.String({ format: 'uuid' }), key_type: Type.String() }), ...errorResponses }
    }
  }, async req => ({ workspace_id: workspaceOf(req), key_type: req.auth?.keyType ?? 'secret' }))
}

export default meRoutes
