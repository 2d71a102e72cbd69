// Applies drizzle/ migrations under a session advisory lock on one dedicated connection, so any
// number of processes may start at once against an empty database (drizzle's migrator takes no lock).
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import { advisoryKey } from './locks.js'

/** drizzle/ at the package root, from both src/db (tsx) and dist/src/db (compiled). */
export function migrationsFolder (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    try { readFileSync(join(dir, 'drizzle', 'meta', '_journal.json')); return join(dir, 'drizzle') } catch { dir = dirname(dir) }
  }
  throw new Error('drizzle/ migrations folder not found')
}

/** drizzle's bookkeeping stays out of our schema: one table per schema in `drizzle`. */
export function migrationsTable (schema: string): { migrationsSchema: string, migrationsTable: string } {
  return { migrationsSchema: 'drizzle', migrationsTable: `migrations_${schema}` }
}

export function expectedMigrationCount (): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
  return journal.entries.length
}

export async function runMigrations (url: string, schema: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { search_path: `${schema},public`, application_name: 'good-analytics-migrate' } })
  try {
    const key = advisoryKey('migrations', schema)
    await sql`select pg_advisory_lock(${key})`
    try {
      await sql.unsafe(`create schema if not exists "${schema}"`)
      await migrate(drizzle({ client: sql }), { migrationsFolder: migrationsFolder(), ...migrationsTable(schema) })
    } finally {
      await sql`select pg_advisory_unlock(${key})`
    }
  } finally {
    await sql.end({ timeout: 5 })
  }
}

export async function pendingMigrations (sql: postgres.Sql, schema: string): Promise<number> {
  const { migrationsSchema, migrationsTable: table } = migrationsTable(schema)
  const [row] = await sql`select to_regclass(${`"${migrationsSchema}"."${table}"`}) as t`
  if (row.t === null) return expectedMigrationCount()
  const [count] = await sql.unsafe(`select count(*)::int as n from "${migrationsSchema}"."${table}"`)
  return Math.max(0, expectedMigrationCount() - (count.n as number))
}
