// The stand-in logger must log exactly what the real child would, and make that child only on first use.
import t from 'tap'
import { Writable } from 'node:stream'
import pino from 'pino'
import type { FastifyBaseLogger } from 'fastify'
import { lazyChildLogger } from './lazy-logger.js'

function capture (): { logger: FastifyBaseLogger, lines: () => Array<Record<string, unknown>>, children: () => number } {
  const out: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { out.push(String(chunk)); done() } })
  const logger = pino({ level: 'info', base: null, timestamp: false }, stream)
  let children = 0
  const child = logger.child
  // Counted on the root only; pino's children inherit it, so `this` must be kept.
  logger.child = function (this: typeof logger, ...args: Parameters<typeof child>) {
    if (this === logger) children++
    return child.apply(this, args)
  } as typeof logger.child
  return { logger, lines: () => out.map(l => JSON.parse(l) as Record<string, unknown>), children: () => children }
}

t.test('no child until something is logged, then one, with the bindings', async t => {
  const { logger, lines, children } = capture()
  const log = lazyChildLogger(logger, { reqId: 'r-1' })
  t.equal(children(), 0, 'nothing made up front')
  log.debug('below the level')
  log.info({ a: 1 }, 'first')
  log.error(new Error('boom'), 'second')
  log.warn('third %s', 'formatted')
  t.equal(children(), 1, 'one child, made once')
  t.same(lines().map(l => [l.reqId, l.msg, l.level]), [['r-1', 'first', 30], ['r-1', 'second', 50], ['r-1', 'third formatted', 40]])
  t.equal(lines()[0].a, 1)
  t.equal(log.level, 'info')
  log.child({ sub: true }).info('nested')
  t.same(lines().at(-1), { level: 30, reqId: 'r-1', sub: true, msg: 'nested' })
})

t.test('child options (level) apply', async t => {
  const { logger, lines } = capture()
  const log = lazyChildLogger(logger, { reqId: 'r-2' }, { level: 'warn' })
  log.info('dropped')
  log.warn('kept')
  t.same(lines().map(l => l.msg), ['kept'])
})
