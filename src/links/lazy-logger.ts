// Fastify gives every request a pino child logger, and pino serialises the child's bindings (the
// request id) through the redaction rules as it makes it. A redirect almost never logs, so its
// requests get a stand-in that makes the real child only when something is logged.
import type { FastifyBaseLogger } from 'fastify'

type Bindings = Parameters<FastifyBaseLogger['child']>[0]
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1]
const LOG_METHODS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export function lazyChildLogger (logger: FastifyBaseLogger, bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
  let child: FastifyBaseLogger | undefined
  const real = (): FastifyBaseLogger => (child ??= logger.child(bindings, options))
  const stand = {
    get level () { return real().level },
    set level (level: string) { real().level = level },
    child: (more: Bindings, moreOptions?: ChildOptions) => real().child(more, moreOptions)
  } as unknown as FastifyBaseLogger
  for (const method of LOG_METHODS) {
    stand[method] = ((...args: unknown[]) => {
      const target = real()
      Reflect.apply(target[method], target, args)
    }) as FastifyBaseLogger['info']
  }
  return stand
}
