// The tracking feature (issue 4): the browser snippet at /ga/js/good-analytics.js and the public
// beacon endpoints /ga/t/event and /ga/t/click with CORS, signed identity cookies, sanitisation
// and durable group-committed storage. See src/tracking/README.md for the contract.
import type { FastifyInstance } from 'fastify'
import beaconRoutes from './routes.js'
import { createSiteKeys } from './site-keys.js'
import { unavailableSink, type BeaconSink } from './sink.js'
import { createRecorderSink } from './recorder-sink.js'
import snippetRoutes, { loadSnippet } from './snippet.js'

export default async function tracking (app: FastifyInstance): Promise<void> {
  const { config, database } = app
  await app.register(snippetRoutes, { snippet: loadSnippet() })
  // Storage needs the recorder, the identity graph and the links feature (registered before us).
  const wired = app.hasDecorator('recorder') && app.hasDecorator('identity') && app.hasDecorator('links')
  const sink: BeaconSink = wired ? createRecorderSink(app) : unavailableSink()
  await app.register(beaconRoutes, {
    sink,
    sites: createSiteKeys({ db: database.db, sql: database.sql, secret: config.secret, allowedOrigins: config.allowedOrigins }),
    bodyLimit: config.bodyLimits.beacon,
    cookieDomain: config.cookieDomain,
    // Without the trust feature no identity claim verifies and client sales count in no revenue.
    trustOf: app.hasDecorator('trust') ? async ws => await app.trust.of(ws) : async () => ({ identitySecrets: [], countClientRevenue: false })
  })
}
