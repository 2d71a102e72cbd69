// Guards the database layer: concurrent migrations on an empty database, the partition keeper
// (creation, singleton lock, retention, default-partition recovery).
import t from 'tap'
import postgres from 'postgres'
import { createTestDatabase, SCHEMA } from '../helper.js'
import { runMigrations, pendingMigrations } from '../../src/db/migrate.js'
import { monthStart, partitionName, runPartitionKeeper } from '../../src/db/partitions.js'
import { advisoryKey } from '../../src/db/locks.js'
import { connect } from '../../src/db/client.js'

function open (url: string): postgres.Sql {
  return postgres(url, { max: 4, onnotice: () => {}, connection: { search_path: `${SCHEMA},public` } })
}

t.test('4 migrators at once on an empty database all succeed', async t => {
  const url = await createTestDatabase(t, { migrated: false })
  const results = await Promise.allSettled([1, 2, 3, 4].map(async () => { await runMigrations(url, SCHEMA) }))
  t.same(results.map(r => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'])
  const sql = open(url)
  t.teardown(() => sql.end())
  t.equal(await pendingMigrations(sql, SCHEMA), 0)
  const tables = await sql`select table_name from information_schema.tables where table_schema = ${SCHEMA} order by 1`
  for (const want of ['api_keys', 'events', 'settings', 'workspaces']) t.ok(tables.some(r => r.table_name === want), want)
  const [drizzleTable] = await sql`select count(*)::int as n from information_schema.tables where table_schema = ${SCHEMA} and table_name like '%migrations%'`
  t.equal(drizzleTable.n, 0, "drizzle's bookkeeping stays out of our schema")
})

t.test('partition keeper creates this month and the next two, once', async t => {
  const url = await createTestDatabase(t)
  const sql = open(url)
  t.teardown(() => sql.end())
  const now = new Date('2026-11-15T12:00:00Z')
  const first = await runPartitionKeeper(sql, { schema: SCHEMA, now, retentionMonths: null })
  t.ok(first.ran)
  t.same(first.months.map(m => [m.partition_name, m.status]), [['events_2026_11', 'created'], ['events_2026_12', 'created'], ['events_2027_01', 'created']])
  const second = await runPartitionKeeper(sql, { schema: SCHEMA, now, retentionMonths: null })
  t.same(second.months.map(m => m.status), ['ok', 'ok', 'ok'], 'idempotent')
  // an event lands in its month's partition
  await sql`insert into events (id, workspace_id, ga_id, event_type, occurred_at) values (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'pageview', '2026-12-03T00:00:00Z')`
  const [where] = await sql`select tableoid::regclass::text as part from events`
  t.equal(where.part, 'events_2026_12')
})

t.test('a second process skips the tick while one holds the lock', async t => {
  const url = await createTestDatabase(t)
  const sql = open(url)
  const other = open(url)
  t.teardown(async () => { await sql.end(); await other.end() })
  const reserved = await other.reserve()
  await reserved`select pg_advisory_lock(${advisoryKey('partitions', SCHEMA)})`
  const r = await runPartitionKeeper(sql, { schema: SCHEMA, retentionMonths: null })
  t.equal(r.ran, false)
  await reserved`select pg_advisory_unlock(${advisoryKey('partitions', SCHEMA)})`
  reserved.release()
  t.equal((await runPartitionKeeper(sql, { schema: SCHEMA, retentionMonths: null })).ran, true)
})

t.test('rows already in the default partition are moved into the new month (recovered)', async t => {
  const url = await createTestDatabase(t)
  const sql = open(url)
  t.teardown(() => sql.end())
  const now = new Date('2026-11-15T12:00:00Z')
  // no partitions yet: these land in events_default
  await sql`insert into events (id, workspace_id, ga_id, event_type, occurred_at) values
    (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'pageview', '2026-12-05T00:00:00Z'),
    (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'pageview', '2026-12-31T23:59:59Z'),
    (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'pageview', '2025-01-01T00:00:00Z')`
  const r = await runPartitionKeeper(sql, { schema: SCHEMA, now, retentionMonths: null })
  t.same(r.months.map(m => m.status), ['created', 'recovered', 'created'], JSON.stringify(r.months))
  const parts = await sql`select tableoid::regclass::text as part, count(*)::int as n from events group by 1 order by 1`
  t.same(parts.map(p => [p.part, p.n]), [['events_2026_12', 2], ['events_default', 1]])
})

t.test('retention drops whole months older than GA_RETENTION_MONTHS', async t => {
  const url = await createTestDatabase(t)
  const sql = open(url)
  t.teardown(() => sql.end())
  const old = new Date('2026-01-10T00:00:00Z')
  await runPartitionKeeper(sql, { schema: SCHEMA, now: old, retentionMonths: null })
  await sql`insert into events (id, workspace_id, ga_id, event_type, occurred_at) values (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'pageview', '2026-01-20T00:00:00Z')`
  const now = new Date('2026-06-10T00:00:00Z')
  const r = await runPartitionKeeper(sql, { schema: SCHEMA, now, retentionMonths: 3 })
  t.same(r.dropped, ['events_2026_01', 'events_2026_02'])
  t.equal(partitionName(monthStart(now, -3)), 'events_2026_03')
  const [left] = await sql`select count(*)::int as n from events`
  t.equal(left.n, 0)
  const kept = await sql`select relname from pg_class where relname like 'events_2026_0%' and relkind = 'r' order by 1`
  t.same(kept.map(k => k.relname), ['events_2026_03', 'events_2026_06', 'events_2026_07', 'events_2026_08'])
})

t.test('both pools plan prepared statements with their parameters (no stale generic plans)', async t => {
  const database = connect(await createTestDatabase(t), SCHEMA)
  t.teardown(async () => { await database.close() })
  const [row] = await database.sql`show plan_cache_mode`
  t.equal(row.plan_cache_mode, 'force_custom_plan')
  const viaDrizzle = await database.db.execute('show plan_cache_mode') as unknown as Array<{ plan_cache_mode: string }>
  t.equal(viaDrizzle[0].plan_cache_mode, 'force_custom_plan')
})
