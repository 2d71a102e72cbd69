// fp 'identity': decorates `app.identity` (the port other features call inside their own write
// transactions) and `app.identityService` (resolve / identify / forget for the visitor API).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createIdentityService, type IdentityService } from './service.js'
import type { IdentityPort } from './port.js'

declare module 'fastify' {
  interface FastifyInstance { identityService: IdentityService }
}

async function identityPlugin (app: FastifyInstance): Promise<void> {
  const service = createIdentityService({ schema: app.database.schema, log: app.log })
  const port: IdentityPort = { resolveMany: service.resolveMany }
  app.decorate('identity', port)
  app.decorate('identityService', service)
}

export default fp(identityPlugin, { name: 'identity', fastify: '5.x', dependencies: ['core'] })
