// buildApp(deps): one Fastify instance with every feature plugin registered. Used by server.ts
// and by the tests, so what is tested is what runs.
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import { TypeBoxValidatorCompiler, registerAjvFormats } from '@fastify/type-provider-typebox'
import cookie from '@fastify/cookie'
import type { ReadyConfig } from './config.js'
import type { Database } from './db/client.js'
import core from './core.js'
import { installErrorHandling, ValidationFailed } from './errors.js'
import { controlCharPath, CONTROL_MESSAGE } from './text.js'
import { serializeError } from './db/log.js'
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
import trust from './trust/index.js'
import connectors from './connectors/plugin.js'
import webhooks from './webhooks/index.js'
import domains, { type ResolveTxt } from './domains/index.js'
import limits from './limits/index.js'
import { trustFunction } from './net/trust-proxy.js'

export interface AppDeps {
  config: ReadyConfig
  database: Database
  /** Pass false in tests to keep logs quiet; a pino options object otherwise. */
  logger?: boolean | object
  /** DNS TXT lookups for domain verification (tests point it at a local DNS server). */
  resolveTxt?: ResolveTxt
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/

export function loggerOptions (level: string): object {
  return {
    level,
    // Database errors are logged by code and constraint only: their messages and details carry
    // values (a password hash, an email) — issue 14 item 8.
    serializers: { err: serializeError },
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
    trustProxy: trustFunction(deps.config.trustProxy),
    // Slow clients must not hold sockets forever (issue 14 item 6): the whole request (headers and
    // body) within requestTimeout, idle keep-alive sockets closed after keepAliveTimeout, any socket
    // idle for connectionTimeout closed (live streams send a heartbeat well within it).
    requestTimeout: deps.config.timeouts.requestMs,
    keepAliveTimeout: deps.config.timeouts.keepAliveMs,
    connectionTimeout: deps.config.timeouts.idleMs,
    // Headers must arrive within headersTimeout (slowloris); Node checks the request and header
    // deadlines every connectionsCheckingInterval (30 s by default, far coarser than the deadlines).
    http: {
      headersTimeout: Math.min(deps.config.timeouts.headersMs, deps.config.timeouts.requestMs),
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(deps.config.timeouts.headersMs / 4)))
    },
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

  // No control characters in stored text (issue 14 item 9): every JSON body of the REST and admin
  // APIs is checked once, before validation, so a NUL never reaches the database as a 500.
  app.addHook('preValidation', (req, _reply, done) => {
    if (typeof req.body === 'object' && req.body !== null && (req.url.startsWith('/ga/api/') || req.url.startsWith('/ga/admin/'))) {
      const path = controlCharPath(req.body)
      if (path !== null) { done(new ValidationFailed({ [path]: CONTROL_MESSAGE })); return }
    }
    done()
  })

  // Beacons are sent as text/plain by sendBeacon: keep the raw string; routes parse it as JSON.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })

  await app.register(core, { config: deps.config, database: deps.database })
  await app.register(cookie, { secret: deps.config.cookieSecret })
  await app.register(openapi)
  await app.register(auth)
  await app.register(limits)
  await app.register(health)
  await app.register(partitionJob)
  if (deps.config.adminToken !== null) await app.register(adminRoutes, { prefix: '/ga/admin', adminToken: deps.config.adminToken })
  await app.register(domains, { resolveTxt: deps.resolveTxt })
  for (const feature of FEATURES) await app.register(feature)
  return app
}

// Feature plugins, each owning its routes, logic and SQL. Order matters only where a feature
// decorates something another uses (listed in its fastify-plugin dependencies).
// The spine (recorder) comes first: the features after it register their consumers on it, and
// identity must precede sessions (an event about a named visitor learns its browser there).
const FEATURES: FastifyPluginAsync[] = [meRoutes, recorder, webhooks, identity, identityRoutes, sessions, eventRoutes, conversionRoutes, links, trust, tracking, connectors]
