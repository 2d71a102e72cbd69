// A polling loop for app.jobs: runs `tick` every `intervalMs`, straight away again while a tick
// finds a full batch, backs off after an error; stop() waits for the tick in flight.
import type { FastifyBaseLogger } from 'fastify'
import type { BackgroundJob } from '../core.js'

export function pollingJob (name: string, tick: () => Promise<boolean>, opts: { intervalMs: number, log: FastifyBaseLogger }): BackgroundJob {
  let timer: NodeJS.Timeout | null = null
  let inFlight: Promise<void> | null = null
  let stopped = false
  const schedule = (ms: number): void => {
    if (stopped) return
    timer = setTimeout(() => { inFlight = run(); void inFlight.finally(() => { inFlight = null }) }, ms)
    timer.unref()
  }
  const run = async (): Promise<void> => {
    let again = false
    let delay = opts.intervalMs
    try {
      again = await tick()
    } catch (err) {
      opts.log.error({ err, job: name }, 'job.tick_failed')
      delay = opts.intervalMs * 5
    }
    schedule(again ? 0 : delay)
  }
  return {
    name,
    start: () => { stopped = false; schedule(0) },
    stop: async () => {
      stopped = true
      if (timer !== null) clearTimeout(timer)
      await inFlight
    }
  }
}
