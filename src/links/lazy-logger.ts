// Fastify gives every request a pino child logger, and pino serialises the child's bindings (the
// request id) through the redaction rules as it makes it. A redirect almost never logs, so its
// requests get a stand-in that makes the real child only when something is logged. A class, so the
// stand-in is one small object per request (its methods live on the prototype).
import type { FastifyBaseLogger } from 'fastify'

type Bindings = Parameters<FastifyBaseLogger['child']>[0]
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1]
type LogArgs = Parameters<FastifyBaseLogger['info']>

class LazyChildLogger {
  private made: FastifyBaseLogger | undefined

  constructor (private readonly parent: FastifyBaseLogger, private readonly bindings: Bindings, private readonly options: ChildOptions) {}

  private real (): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options))
  }

  get level (): string { return this.real().level }
  set level (level: string) { this.real().level = level }
  child (bindings: Bindings, options?: ChildOptions): FastifyBaseLogger { return this.real().child(bindings, options) }
  fatal (...args: LogArgs): void { this.real().fatal(...args) }
  error (...args: LogArgs): void { this.real().error(...args) }
  warn (...args: LogArgs): void { this.real().warn(...args) }
  info (...args: LogArgs): void { this.real().info(...args) }
  debug (...args: LogArgs): void { this.real().debug(...args) }
  trace (...args: LogArgs): void { this.real().trace(...args) }
  silent (...args: LogArgs): void { this.real().silent(...args) }
}

export function lazyChildLogger (logger: FastifyBaseLogger, bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger
}
