// Start: config → database → migrations → app → listen. Graceful shutdown on SIGTERM/SIGINT:
// stop accepting, finish in-flight requests, drain buffers, stop the embedded database.
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { bootstrapDefaultWorkspace } from './auth/service.js'
import { ConfigError } from './config.js'
import { startRuntime } from './runtime.js'

async function main (): Promise<void> {
  let runtime
  try {
    runtime = await startRuntime()
  } catch (err) {
    // One clear line, no stack: a wrong variable or an unreachable database is not a crash.
    const msg = err instanceof ConfigError ? err.message : `Cannot start: ${err instanceof Error ? err.message : String(err)}`
    process.stderr.write(msg + '\n')
    process.exit(1)
  }
  const { config, database } = runtime
  const app = await buildApp({ config, database })

  const firstKey = await bootstrapDefaultWorkspace(database.db, config.secret)
  if (firstKey !== null) {
    process.stdout.write([
      '',
      '  GoodAnalytics: created the "default" workspace and its first secret API key.',
      '  It is shown only this once; keep it somewhere safe:',
      '',
      `    ${firstKey}`,
      '',
      `  Try: curl -H "Authorization: Bearer $KEY" http://localhost:${config.port}/ga/api/me`,
      ''
    ].join('\n') + '\n')
  }

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'server.crash')
    app.log.info({ signal }, 'server.shutdown')
    await app.close()
    await runtime.close()
  })

  if (config.workers) app.jobs.startAll()
  await app.listen({ port: config.port, host: config.host })
}

void main()
