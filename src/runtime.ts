// Everything a process needs before the app: config, secret, database (embedded or not),
// migrations. Shared by the server and the CLI.
import { ensureSecret, loadConfig, type ReadyConfig } from './config.js'
import { connect, type Database } from './db/client.js'
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js'
import { runMigrations } from './db/migrate.js'

export interface Runtime {
  config: ReadyConfig
  database: Database
  embedded: EmbeddedDatabase | null
  close: () => Promise<void>
}

export async function startRuntime (opts: { env?: Record<string, string | undefined>, migrate?: boolean } = {}): Promise<Runtime> {
  const config = ensureSecret(loadConfig(opts.env))
  let embedded: EmbeddedDatabase | null = null
  let url = config.databaseUrl
  if (url === null) {
    embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, port: config.embeddedPgPort })
    url = embedded.url('postgres')
  }
  try {
    if (opts.migrate !== false) await runMigrations(url, config.schema)
  } catch (err) {
    await embedded?.stop()
    throw err
  }
  const database = connect(url, config.schema, { max: 20, readUrl: config.databaseReadUrl })
  return {
    config,
    database,
    embedded,
    close: async () => {
      await database.close()
      await embedded?.stop()
    }
  }
}
