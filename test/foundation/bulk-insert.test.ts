// bulkInsert against real Postgres: every column type the hot paths write survives the trip
// (uuid, text, text[], uuid[], jsonb, timestamptz, int8, bool, inet), omitted columns take their
// defaults, and strings PostgreSQL cannot store (NUL, lone surrogates) cannot fail a batch.
import t from 'tap'
import { connect } from '../../src/db/client.js'
import { bulkInsert } from '../../src/db/bulk-insert.js'
import { createTestDatabase, SCHEMA } from '../helper.js'

t.test('bulkInsert', async t => {
  const database = connect(await createTestDatabase(t), SCHEMA)
  t.teardown(async () => { await database.close() })
  const { sql } = database
  await sql`create table bulk_probe (
    id uuid primary key, name text, tags text[] not null default '{}', refs uuid[], doc jsonb, at timestamptz,
    big int8, flag bool, ip inet, filled text not null default 'default-value')`

  const at = new Date('2026-11-28T12:34:56.789Z')
  const rows = [
    { id: '0190d6a0-0000-7000-8000-000000000001', name: 'tab\there "quoted" \\ back', tags: ['a', 'b,c', '{x}'], refs: ['0190d6a0-0000-7000-8000-00000000000a'], doc: { nested: { n: 1, s: null }, list: [1, 'two'] }, at, big: 2 ** 40, flag: true, ip: '203.0.113.9' },
    { id: '0190d6a0-0000-7000-8000-000000000002', name: null, tags: [], refs: null, doc: null, at: null, big: null, flag: false, ip: null }
  ]
  await bulkInsert(sql, 'bulk_probe', ['id', 'name', 'tags', 'refs', 'doc', 'at', 'big', 'flag', 'ip'], rows)
  const stored = await sql`select id::text, name, tags, refs::text[] as refs, doc, at, big, flag, host(ip) as ip, filled from bulk_probe order by id`
  t.same(stored.map(r => ({ ...r })), [
    { ...rows[0], refs: rows[0].refs, filled: 'default-value' },
    { ...rows[1], filled: 'default-value' }
  ], 'values round-trip and omitted columns take their defaults')
  t.equal((stored[0].at as Date).getTime(), at.getTime(), 'timestamps keep their milliseconds')

  await bulkInsert(sql, 'bulk_probe', ['id', 'name', 'doc'], [
    { id: '0190d6a0-0000-7000-8000-000000000003', name: 'nul\u0000byte and lone \ud800 surrogate', doc: { k: 'also \u0000 here \udfff' } }
  ])
  const [odd] = await sql`select name, doc from bulk_probe where id = '0190d6a0-0000-7000-8000-000000000003'`
  t.equal(odd.name, 'nul\ufffdbyte and lone \ufffd surrogate', 'NUL and lone surrogates become U+FFFD')
  t.same(odd.doc, { k: 'also \ufffd here \ufffd' }, 'inside json values too')

  await bulkInsert(sql, 'bulk_probe', ['id'], [])
  t.equal((await sql`select count(*)::int as n from bulk_probe`)[0].n, 3, 'an empty batch writes nothing')
  await t.rejects(bulkInsert(sql, 'bulk_probe; drop table x', ['id'], [{ id: 'x' }]), /not a plain identifier/)
  await t.rejects(bulkInsert(sql, 'bulk_probe', ['id', 'name) values (1'], [{ id: 'x' }]), /not a plain identifier/)
})
