// Guards the data model of the ingest spine (issue 13) by reading the catalog of a migrated
// database: the events table is exactly its one definition in code (src/events/columns.ts), and
// the path to Citus stays open — every primary and unique key of a workspace-distributed table
// includes workspace_id, small shared tables are named as reference tables, and no foreign key
// crosses tables at all.
import t from 'tap'
import postgres from 'postgres'
import { createTestDatabase, SCHEMA } from '../helper.js'
import { EVENT_COLUMN_TYPES } from '../../src/events/columns.js'

/** Replicated to every node on Citus (DESIGN §10): small, read on every request, keyed globally. */
const REFERENCE_TABLES = new Set(['workspaces', 'api_keys', 'domains', 'links', 'link_unique_clicks', 'webhooks', 'webhook_messages', 'webhook_deliveries'])

t.test('the events table is the definition in code, column for column', async t => {
  const sql = postgres(await createTestDatabase(t), { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())
  const columns = await sql<Array<{ name: string, type: string }>>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${SCHEMA} and c.relname = 'events' and a.attnum > 0 and not a.attisdropped
    order by a.attnum`
  const pgName: Record<string, string> = { timestamptz: 'timestamp with time zone', int8: 'bigint', uuid: 'uuid', bool: 'boolean', text: 'text', jsonb: 'jsonb' }
  t.same(columns.map(c => `${c.name} ${c.type}`), Object.entries(EVENT_COLUMN_TYPES).map(([name, type]) => `${name} ${pgName[type]}`))
})

t.test('Citus-ready: workspace_id in every key of the distributed tables, no foreign keys', async t => {
  const sql = postgres(await createTestDatabase(t), { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())
  const tables = await sql<Array<{ name: string, has_ws: boolean }>>`
    select c.relname as name, exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped) as has_ws
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${SCHEMA} and c.relkind in ('r', 'p') and not c.relispartition`
  const distributed = tables.filter(x => !REFERENCE_TABLES.has(x.name))
  t.ok(distributed.length >= 6, `distributed tables: ${distributed.map(x => x.name).sort().join(', ')}`)
  for (const table of distributed) {
    t.ok(table.has_ws, `${table.name} carries workspace_id (or is listed as a reference table)`)
    const keys = await sql<Array<{ index: string, columns: string[] }>>`
      select i.relname as index, array(select a.attname from unnest(x.indkey) k join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k)::text[] as columns
      from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class tb on tb.oid = x.indrelid join pg_namespace n on n.oid = tb.relnamespace
      where n.nspname = ${SCHEMA} and tb.relname = ${table.name} and (x.indisprimary or x.indisunique)`
    t.ok(keys.some(k => k.index.endsWith('_pk') || k.index.endsWith('_pkey')), `${table.name} has a primary key`)
    for (const key of keys) t.ok(key.columns.includes('workspace_id'), `${table.name}: ${key.index} (${key.columns.join(', ')}) includes workspace_id`)
  }
  const [fks] = await sql<Array<{ n: number }>>`
    select count(*)::int as n from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname = ${SCHEMA} and c.contype = 'f'`
  t.equal(fks.n, 0, 'no foreign keys: ids are plain UUIDs, joined by workspace')
})
