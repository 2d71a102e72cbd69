// buildApp(deps): one Fastify instance with every feature plugin registered. Used by server.ts
// and by the tests, so what is tested is what runs.
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import { TypeBoxValidatorCompiler, registerAjvFormats } from '@fastify/type-provider-typebox'
import cookie from '@fastify/cookie'
import type { ReadyConfig } from './config.js'
import type { Database } from './db/client.js'
import core from './core.js'
import { installErrorHandling } from './errors.js'
import openapi from './openapi/index.js'
import auth from './auth/index.js'
import adminRoutes from './auth/admin-routes.js'
import meRoutes from './auth/me-routes.js'
import health from './health/index.js'
import partitionJob from './db/partition-job.js'
import links from './links/index.js'
import { uuidv7 } from './db/uuid.js'
import identity from './identity/index.js'
import identityRoutes from './identity/routes.js'
import recorder from './events/recorder.js'
import sessions from './sessions/index.js'
import eventRoutes from './events/routes.js'
import conversionRoutes from './conversions/routes.js'
import tracking from './tracking/index.js'
import connectors from './connectors/plugin.js'
import webhooks from './webhooks/index.js'

export interface AppDeps {
  config: ReadyConfig
  database: Database
  /** Pass false in tests to keep logs quiet; a pino options object otherwise. */
  logger?: boolean | object
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/

export function loggerOptions (level: string): object {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.key', '*.password', '*.secret', '*.credentials', '*.token', 'key', 'secret', 'token', 'credentials'],
      censor: '[redacted]'
    }
  }
}

registerAjvFormats()

export async function buildApp (deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(deps.config.logLevel),
    // Per-request logs halve throughput on the hot paths (STACK.md); the API logs its own below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.bodyLimits.api,
    trustProxy: deps.config.trustProxy,
    requestIdHeader: false,
    genReqId: req => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : uuidv7()
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    return503OnClosing: true,
    forceCloseConnections: 'idle'
  })
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  installErrorHandling(app)

  // Callback-style hooks: they run on every request (the redirect included), and an async hook costs a promise each time.
  app.addHook('onRequest', (req, reply, done) => { void reply.header('x-request-id', req.id); done() })
  app.addHook('onResponse', (req, reply, done) => {
    if (req.url.startsWith('/ga/api') || req.url.startsWith('/ga/admin')) {
      req.log.info({ method: req.method, url: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'api.request')
    }
    done()
  })

  // Beacons are sent as text/plain by sendBeacon: keep the raw string; routes parse it as JSON.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })

  await app.register(core, { config: deps.config, database: deps.database })
  await app.register(cookie, { secret: deps.config.cookieSecret })
  await app.register(openapi)
  await app.register(auth)
  await app.register(health)
  await app.register(partitionJob)
  if (deps.config.adminToken !== null) await app.register(adminRoutes, { prefix: '/ga/admin', adminToken: deps.config.adminToken })
  for (const feature of FEATURES) await app.register(feature)
  return app
}

// Feature plugins, each owning its routes, logic and SQL. Order matters only where a feature
// decorates something another uses (listed in its fastify-plugin dependencies).
// The spine (recorder) comes first: the features after it register their consumers on it, and
// identity must precede sessions (an event about a named visitor learns its browser there).
const FEATURES: FastifyPluginAsync[] = [meRoutes, recorder, webhooks, identity, identityRoutes, sessions, eventRoutes, conversionRoutes, links, tracking, connectors]
