// fp 'identity': decorates `app.identity` (the port other features call inside their own write
// transactions) and `app.identityService` (resolve / identify / forget for the visitor API), and
// gives the spine's events their people (spine-consumer.ts) before they are inserted.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createIdentityService, type IdentityService } from './service.js'
import type { IdentityPort } from './port.js'
import { giveEventsTheirPeople } from './spine-consumer.js'
import type { Tx } from '../events/spine.js'

declare module 'fastify' {
  interface FastifyInstance { identityService: IdentityService }
}

async function identityPlugin (app: FastifyInstance): Promise<void> {
  const service = createIdentityService({
    schema: app.database.schema,
    log: app.log,
    announce: async (tx, event) => { if (app.hasDecorator('hooks')) await app.hooks.eventsRecorded(tx, [event]) }
  })
  const port: IdentityPort = { resolveMany: service.resolveMany }
  app.decorate('identity', port)
  app.decorate('identityService', service)
  app.spine.consume({
    name: 'identity',
    phase: 'before-insert',
    handle: async (items, tx) => { await giveEventsTheirPeople(tx as Tx, port, items, () => new Date()) }
  })
}

export default fp(identityPlugin, { name: 'identity', fastify: '5.x', dependencies: ['core', 'recorder'] })
