// GET /healthz (process up) and GET /readyz (database answers and migrations applied).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { pendingMigrations } from '../db/migrate.js'

const Status = Type.Object({ status: Type.String(), reason: Type.Optional(Type.String()) })

const health: FastifyPluginAsyncTypebox = async app => {
  const { sql, schema } = app.database

  app.get('/healthz', { logLevel: 'warn', schema: { tags: ['health'], response: { 200: Status } } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { logLevel: 'warn', schema: { tags: ['health'], response: { 200: Status, 503: Status } } }, async (_req, reply) => {
    try {
      const pending = await Promise.race([
        pendingMigrations(sql, schema),
        new Promise<never>((_resolve, reject) => setTimeout(() => { reject(new Error('timeout')) }, 2000).unref())
      ])
      if (pending > 0) return await reply.code(503).send({ status: 'unavailable', reason: `${pending} migration(s) pending` })
      return { status: 'ok' }
    } catch {
      return await reply.code(503).header('retry-after', '5').send({ status: 'unavailable', reason: 'database unreachable' })
    }
  })
}

export default health
