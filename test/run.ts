// `npm test`: one embedded PostgreSQL cluster for the whole run, one migrated template database,
// then tap (each test file clones the template: CREATE DATABASE ... TEMPLATE, ~25 ms).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { startEmbeddedDatabase } from '../src/db/embedded.js'
import { runMigrations } from '../src/db/migrate.js'

const TEMPLATE = 'ga_template'
const SCHEMA = 'good_analytics'

const dir = mkdtempSync(join(tmpdir(), 'ga-test-'))
chmodSync(dir, 0o755)
const cluster = await startEmbeddedDatabase({ dataDir: dir })
// Ctrl-C reaches tap as well; exiting runs the embedded database's stop-on-exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { rmSync(dir, { recursive: true, force: true }); process.exit(130) })
let code = 1
try {
  const admin = postgres(cluster.url('postgres'), { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${TEMPLATE}`)
  await admin.end()
  await runMigrations(cluster.url(TEMPLATE), SCHEMA)
  code = await new Promise<number>(resolve => {
    const child = spawn('npx', ['tap', ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, GA_TEST_PG_URL: cluster.url('postgres'), GA_TEST_TEMPLATE: TEMPLATE, GA_TEST_SCHEMA: SCHEMA }
    })
    child.on('exit', (c, signal) => { resolve(c ?? (signal === null ? 1 : 128)) })
  })
} finally {
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
}
process.exit(code)
