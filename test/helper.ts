// Test helpers: a fresh database per test file cloned from the migrated template, an app built
// exactly as the server builds it, and a real listening server on an ephemeral port.
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from '../src/app.js'
import { ensureSecret, loadConfig, type ReadyConfig } from '../src/config.js'
import { connect, type Database } from '../src/db/client.js'
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded.js'
import { runMigrations } from '../src/db/migrate.js'
import { bootstrapDefaultWorkspace } from '../src/auth/service.js'

export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz'
export const SCHEMA = process.env.GA_TEST_SCHEMA ?? 'good_analytics'

interface Tap { teardown: (fn: () => unknown) => void }

let ownCluster: Promise<EmbeddedDatabase> | null = null

/** Run alone (`npx tap file.ts`), a test file starts its own cluster; under `npm test` it shares one. */
async function clusterAdminUrl (): Promise<{ url: string, template: string | null }> {
  if (process.env.GA_TEST_PG_URL !== undefined) return { url: process.env.GA_TEST_PG_URL, template: process.env.GA_TEST_TEMPLATE ?? null }
  ownCluster ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ga-test-own-'))
    chmodSync(dir, 0o755)
    const c = await startEmbeddedDatabase({ dataDir: dir })
    process.on('exit', () => { rmSync(dir, { recursive: true, force: true }) })
    return c
  })()
  return { url: (await ownCluster).url('postgres'), template: null }
}

function withDatabase (url: string, db: string): string {
  const u = new URL(url)
  u.pathname = `/${db}`
  return u.toString()
}

/** A new, migrated, empty database for this test; dropped at teardown. */
export async function createTestDatabase (t: Tap, opts: { migrated?: boolean } = {}): Promise<string> {
  const { url, template } = await clusterAdminUrl()
  const name = `t_${randomBytes(6).toString('hex')}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  const migrated = opts.migrated !== false
  await admin.unsafe(migrated && template !== null ? `create database ${name} template ${template}` : `create database ${name}`)
  await admin.end()
  const dbUrl = withDatabase(url, name)
  if (migrated && template === null) await runMigrations(dbUrl, SCHEMA)
  t.teardown(async () => {
    const a = postgres(url, { max: 1, onnotice: () => {} })
    await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {})
    await a.end()
  })
  return dbUrl
}

export function testConfig (databaseUrl: string, env: Record<string, string | undefined> = {}): ReadyConfig {
  return ensureSecret(loadConfig({ GA_SECRET: TEST_SECRET, DATABASE_URL: databaseUrl, GA_WORKERS: 'false', LOG_LEVEL: 'silent', GA_DATA_DIR: tmpdir(), ...env }))
}

export interface TestApp {
  app: FastifyInstance
  config: ReadyConfig
  database: Database
  /** The default workspace's first secret key. */
  apiKey: string
  auth: { authorization: string }
  databaseUrl: string
}

/** Builds the app against a fresh database (or the one given); closes everything at teardown. */
export interface BuildOptions {
  env?: Record<string, string | undefined>
  databaseUrl?: string
  /** Passed to buildApp as is (e.g. a pino options object with a stream, to read the logs). */
  logger?: boolean | object
  resolveTxt?: AppDeps['resolveTxt']
}

export async function build (t: Tap, opts: BuildOptions = {}): Promise<TestApp> {
  const databaseUrl = opts.databaseUrl ?? await createTestDatabase(t)
  const config = testConfig(databaseUrl, opts.env)
  const database = connect(databaseUrl, config.schema, { max: 10, readUrl: config.databaseReadUrl })
  const app = await buildApp({ config, database, logger: opts.logger ?? false, resolveTxt: opts.resolveTxt })
  await app.ready()
  const apiKey = await bootstrapDefaultWorkspace(database.db, config.secret) ?? ''
  t.teardown(async () => { await app.close(); await database.close() })
  return { app, config, database, apiKey, auth: { authorization: `Bearer ${apiKey}` }, databaseUrl }
}

/** The same, listening on 127.0.0.1 on an ephemeral port. */
export async function listen (t: Tap, opts: BuildOptions = {}): Promise<TestApp & { baseUrl: string }> {
  const built = await build(t, opts)
  await built.app.listen({ port: 0, host: '127.0.0.1' })
  const addr = built.app.server.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0
  return { ...built, baseUrl: `http://127.0.0.1:${port}` }
}
