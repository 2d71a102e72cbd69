// Infrastructure shared by every feature: the frozen config, the database handles and the
// background-job registry. Registered first; features list `dependencies: ['core']`.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { ReadyConfig } from './config.js'
import type { Database } from './db/client.js'

export interface BackgroundJob {
  name: string
  start: () => void
  /** Stop and drain: called on close, before the database pool ends. */
  stop: () => Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    config: ReadyConfig
    database: Database
    jobs: { add: (job: BackgroundJob) => void, startAll: () => void, list: () => string[] }
  }
}

async function core (app: FastifyInstance, opts: { config: ReadyConfig, database: Database }): Promise<void> {
  app.decorate('config', opts.config)
  app.decorate('database', opts.database)
  const jobs: BackgroundJob[] = []
  let started = false
  app.decorate('jobs', {
    add: (job: BackgroundJob) => { jobs.push(job); if (started) job.start() },
    startAll: () => { if (started) return; started = true; for (const j of jobs) j.start() },
    list: () => jobs.map(j => j.name)
  })
  // Jobs stop in reverse order of registration (flushers registered last drain first).
  app.addHook('onClose', async () => {
    for (const job of [...jobs].reverse()) {
      try { await job.stop() } catch (err) { app.log.error({ err, job: job.name }, 'job.stop_failed') }
    }
  })
}

export default fp(core, { name: 'core', fastify: '5.x' })
