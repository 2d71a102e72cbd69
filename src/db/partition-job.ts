// Runs the partition keeper at start and daily (retrying every few seconds until the database
// answers). Every process runs the job; the advisory lock makes one of them do the work.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { runPartitionKeeper } from './partitions.js'

const DAY_MS = 24 * 60 * 60 * 1000

async function partitionJob (app: FastifyInstance): Promise<void> {
  let timer: NodeJS.Timeout | null = null
  let stopped = false
  const tick = async (): Promise<void> => {
    let next = DAY_MS
    try {
      const r = await runPartitionKeeper(app.database.sql, { schema: app.database.schema, retentionMonths: app.config.retentionMonths })
      const failed = r.months.filter(m => m.status === 'error')
      if (failed.length > 0) { app.log.error({ failed }, 'partitions.error'); next = 60_000 }
      else if (r.ran) app.log.info({ months: r.months.map(m => `${m.partition_name}:${m.status}`), dropped: r.dropped }, 'partitions.ok')
    } catch (err) {
      app.log.warn({ err }, 'partitions.retry')
      next = 5_000
    }
    if (!stopped) timer = setTimeout(() => { void tick() }, next).unref()
  }
  app.jobs.add({
    name: 'partitions',
    start: () => { void tick() },
    stop: async () => { stopped = true; if (timer !== null) clearTimeout(timer) }
  })
}

export default fp(partitionJob, { name: 'partition-job', fastify: '5.x', dependencies: ['core'] })
