// Issue 14 item 8: on 3e68a40 database errors were logged verbatim: drizzle's message quotes the
// statement with every parameter (a password hash, an email), PostgreSQL's detail quotes values.
// Now only the SQLSTATE code, constraint, table and column are logged.
import t from 'tap'
import { build } from '../helper.js'
import { captureLogs } from './log-capture.js'
import { inject } from './util.js'

t.test('a failing write logs the code and constraint, never the values', async t => {
  const logs = captureLogs('info')
  const built = await build(t, { env: { GA_LINK_DOMAINS: 'go.example.com' }, logger: logs.logger })
  // Stand-in for any unexpected database failure on a write that carries secrets and personal data.
  await built.database.sql.unsafe(`
    create function reject_link() returns trigger language plpgsql as $$
    begin raise exception 'link % rejected', new.key using detail = 'hash ' || new.password_hash, errcode = 'P0001'; end $$;
    create trigger reject_link before insert on links for each row execute function reject_link()`)
  const res = await inject(built.app, 'POST', '/ga/api/links', {
    headers: built.auth,
    body: { url: 'https://shop.example.com/?email=ann%40example.com', key: 'secret-key-name', password: 'hunter2-very-secret', og_title: 'Ann Example' }
  })
  t.equal(res.status, 500)
  t.same(res.json, { error: 'Internal server error', code: 'INTERNAL_ERROR' }, 'nothing leaks to the caller either')
  const text = logs.text()
  const failure = logs.lines().find(l => l.msg === 'request failed')
  t.ok(failure, 'the failure is logged')
  t.match(failure?.err, { type: 'DatabaseError', code: 'P0001' })
  for (const secret of ['scrypt', 'hunter2', 'ann%40example.com', 'ann@example.com', 'Ann Example', 'secret-key-name', 'Failed query', 'insert into']) {
    t.notOk(text.includes(secret), `the log does not contain ${JSON.stringify(secret)}`)
  }
})

t.test('a unique violation logs its constraint', async t => {
  const logs = captureLogs('info')
  const built = await build(t, { logger: logs.logger })
  const err: unknown = await built.database.sql`insert into workspaces (id, name) values ('00000000-0000-0000-0000-000000000000', 'ann@example.com')`.catch((e: unknown) => e)
  built.app.log.error({ err }, 'probe')
  const probe = logs.lines().find(l => l.msg === 'probe')
  t.match(probe?.err, { type: 'DatabaseError', code: '23505', constraint: 'workspaces_pkey', table: 'workspaces' })
  t.notOk(logs.text().includes('ann@example.com'))
  t.notOk(logs.text().includes('already exists'), 'no detail')
})
