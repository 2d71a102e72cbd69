// Trust (issue 14 items 2–3): per-workspace settings deciding what a browser may claim — the
// identity secret identity tokens are verified with, and whether client-trust sales count in
// revenue. Decorates `app.trust` (the beacon routes read it) and serves /ga/api/trust.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import trustRoutes from './routes.js'
import { createTrustService, type TrustService } from './service.js'

declare module 'fastify' {
  interface FastifyInstance { trust: TrustService }
}

async function trustPlugin (app: FastifyInstance): Promise<void> {
  const { config, database } = app
  app.decorate('trust', createTrustService({
    sql: database.sql,
    secret: config.secret,
    onDecryptError: (_err, workspaceId) => { app.log.warn({ workspace_id: workspaceId }, 'trust.identity_secret_unreadable') }
  }))
  await app.register(trustRoutes)
}

export default fp(trustPlugin, { name: 'trust', fastify: '5.x', dependencies: ['core', 'auth'] })
