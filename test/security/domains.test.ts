// Issue 14 item 1: domains belong to workspaces. On 3e68a40 a second workspace could create links
// on the first one's domain, and the key-only fallback served any workspace's key on every Host.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import postgres from 'postgres'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import { build, createTestDatabase, SCHEMA } from '../helper.js'
import { migrationsFolder, migrationsTable, runMigrations } from '../../src/db/migrate.js'
import { startFakeDns } from '../fakes/dns.js'
import { addTenant, inject } from './util.js'

const A_HOST = 'go.tenant-a.test'

t.test('a domain belongs to the workspace that first uses it; others get 409 and are never served on it', async t => {
  const built = await build(t)
  const { app, auth } = built
  const b = await addTenant(built)

  const mine = await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://a.example.com/', domain: A_HOST, key: 'promo' } })
  t.equal(mine.status, 201, 'first use claims the domain for workspace A')

  const theirs = await inject(app, 'POST', '/ga/api/links', { headers: b.auth, body: { url: 'https://evil.example.com/', domain: A_HOST, key: 'phish' } })
  t.equal(theirs.status, 409, "B cannot create links on A's domain")
  t.equal(theirs.json.code, 'DOMAIN_OWNED_BY_ANOTHER_WORKSPACE')
  t.match(theirs.json.error, /belongs to another workspace/)
  t.equal((await inject(app, 'GET', '/phish', { headers: { host: A_HOST } })).status, 404, 'and nothing was created')

  // B's own key, asked for on A's host: the key-only fallback used to serve it.
  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: b.auth, body: { url: 'https://evil.example.com/', domain: 'b.example.net', key: 'only-b' } })).status, 201)
  t.equal((await inject(app, 'GET', '/only-b', { headers: { host: 'b.example.net' } })).status, 302, "B's link on B's host")
  t.equal((await inject(app, 'GET', '/only-b', { headers: { host: A_HOST } })).status, 404, "A's host never serves B's key")
  t.equal((await inject(app, 'GET', '/only-b', { headers: { host: 'nobody.example.org' } })).status, 404, 'an unowned host does not fall back to owned domains')
  t.equal((await inject(app, 'GET', '/promo', { headers: { host: A_HOST } })).status, 302)

  // Moving a link onto another workspace's domain is refused the same way.
  const moved = await inject(app, 'PATCH', `/ga/api/links/${(await inject(app, 'GET', '/ga/api/links', { headers: b.auth })).json.links[0].id as string}`, { headers: b.auth, body: { domain: A_HOST } })
  t.equal(moved.status, 409)
  t.equal(moved.json.code, 'DOMAIN_OWNED_BY_ANOTHER_WORKSPACE')
})

t.test('the domains API: add, list, get, update, delete, verify; per-domain pages', async t => {
  const dns = await startFakeDns()
  t.teardown(dns.close)
  const built = await build(t, { resolveTxt: dns.resolveTxt })
  const { app, auth } = built
  const b = await addTenant(built)

  const added = await inject(app, 'POST', '/ga/api/domains', { headers: auth, body: { domain: 'Links.Acme.TEST', root_url: 'https://acme.test/', not_found_url: 'https://acme.test/404' } })
  t.equal(added.status, 201)
  const d = added.json
  t.equal(d.domain, 'links.acme.test', 'normalised')
  t.equal(d.verified, false)
  t.same(d.verification.name, '_good-analytics.links.acme.test')
  t.match(d.verification.value, /^good-analytics-verification=[A-Za-z0-9_-]{20,}$/)

  const taken = await inject(app, 'POST', '/ga/api/domains', { headers: b.auth, body: { domain: 'links.acme.test' } })
  t.equal(taken.status, 409)
  t.equal(taken.json.code, 'DOMAIN_TAKEN')
  t.equal((await inject(app, 'GET', `/ga/api/domains/${d.id as string}`, { headers: b.auth })).status, 404, "another workspace cannot see A's domain")
  t.equal((await inject(app, 'PATCH', `/ga/api/domains/${d.id as string}`, { headers: b.auth, body: { root_url: 'https://evil.test/' } })).status, 404)
  t.equal((await inject(app, 'DELETE', `/ga/api/domains/${d.id as string}`, { headers: b.auth })).status, 404)
  t.same((await inject(app, 'GET', '/ga/api/domains', { headers: b.auth })).json.domains, [])
  t.same((await inject(app, 'GET', '/ga/api/domains', { headers: auth })).json.domains.map((x: { domain: string }) => x.domain), ['links.acme.test'])
  t.equal((await inject(app, 'GET', `/ga/api/domains/${d.id as string}`, { headers: auth })).json.root_url, 'https://acme.test/')

  for (const [body, field] of [[{ domain: 'bad host!' }, 'domain'], [{ domain: 'x.acme.test', root_url: 'javascript:alert(1)' }, 'root_url'], [{ domain: 'y.acme.test', not_found_url: 'https://y.acme.test/loop' }, 'not_found_url']] as const) {
    const bad = await inject(app, 'POST', '/ga/api/domains', { headers: auth, body })
    t.equal(bad.status, 422, JSON.stringify(body))
    t.ok(bad.json.errors?.[field], field)
  }

  // Pages: GET / → root_url, unknown key → not_found_url, expired → expired_url.
  const root = await inject(app, 'GET', '/', { headers: { host: 'links.acme.test' } })
  t.equal(root.status, 302)
  t.equal(root.headers.location, 'https://acme.test/')
  t.equal((await inject(app, 'GET', '/', { headers: { host: 'other.test' } })).status, 404)
  t.equal((await inject(app, 'GET', '/nope', { headers: { host: 'links.acme.test' } })).headers.location, 'https://acme.test/404')
  const patched = await inject(app, 'PATCH', `/ga/api/domains/${d.id as string}`, { headers: auth, body: { not_found_url: null, expired_url: 'https://acme.test/expired' } })
  t.equal(patched.status, 200)
  t.equal(patched.json.not_found_url, null)
  t.equal((await inject(app, 'GET', '/nope', { headers: { host: 'links.acme.test' } })).status, 404, 'the change is served at once')
  const link = await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://acme.test/sale', domain: 'links.acme.test', key: 'sale', expires_at: new Date(Date.now() + 60_000).toISOString() } })
  t.equal(link.status, 201)
  await built.database.sql`update links set expires_at = now() - interval '1 second' where id = ${link.json.id}`
  built.app.links.cache.clear()
  t.equal((await inject(app, 'GET', '/sale', { headers: { host: 'links.acme.test' } })).headers.location, 'https://acme.test/expired')

  // Delete: refused while live links use it.
  const inUse = await inject(app, 'DELETE', `/ga/api/domains/${d.id as string}`, { headers: auth })
  t.equal(inUse.status, 409)
  t.equal(inUse.json.code, 'DOMAIN_IN_USE')

  // DNS TXT verification through a real resolver talking to a local DNS server.
  const failed = await inject(app, 'POST', `/ga/api/domains/${d.id as string}/verify`, { headers: auth })
  t.equal(failed.status, 422)
  t.equal(failed.json.code, 'DOMAIN_VERIFICATION_FAILED')
  t.match(failed.json.error, /no TXT record found at _good-analytics\.links\.acme\.test/)
  dns.records.set('_good-analytics.links.acme.test', [['v=spf1 -all'], ['good-analytics-verification=', (d.verification.value as string).split('=')[1]]])
  const ok = await inject(app, 'POST', `/ga/api/domains/${d.id as string}/verify`, { headers: auth })
  t.equal(ok.status, 200)
  t.equal(ok.json.verified, true)
  t.ok(dns.queries.includes('_good-analytics.links.acme.test'))

  const spare = await inject(app, 'POST', '/ga/api/domains', { headers: auth, body: { domain: 'spare.acme.test' } })
  t.equal((await inject(app, 'DELETE', `/ga/api/domains/${spare.json.id as string}`, { headers: auth })).status, 204)
  t.equal((await inject(app, 'POST', '/ga/api/domains', { headers: b.auth, body: { domain: 'spare.acme.test' } })).status, 201, 'a removed domain is free again')
})

t.test('GA_LINK_DOMAINS stay shared (globally unique keys); other domains must be added first', async t => {
  const built = await build(t, { env: { GA_LINK_DOMAINS: 'go.shared.test' } })
  const { app, auth } = built
  const b = await addTenant(built)
  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://a.example.com/', key: 'a1' } })).status, 201)
  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: b.auth, body: { url: 'https://b.example.com/', key: 'b1' } })).status, 201, 'every workspace may use a shared domain')
  const dup = await inject(app, 'POST', '/ga/api/links', { headers: b.auth, body: { url: 'https://b.example.com/', key: 'a1' } })
  t.equal(dup.status, 409)
  t.equal(dup.json.code, 'LINK_KEY_TAKEN', 'keys on a shared domain are unique across workspaces')
  for (const key of ['a1', 'b1']) t.equal((await inject(app, 'GET', `/${key}`, { headers: { host: 'go.shared.test' } })).status, 302, key)

  const shared = await inject(app, 'POST', '/ga/api/domains', { headers: auth, body: { domain: 'go.shared.test' } })
  t.equal(shared.status, 422, 'a shared domain cannot be owned')
  const unknown = await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://a.example.com/', key: 'c1', domain: 'mine.example.com' } })
  t.equal(unknown.status, 422)
  t.match(unknown.json.errors.domain, /POST \/ga\/api\/domains/)
  t.equal((await inject(app, 'POST', '/ga/api/domains', { headers: auth, body: { domain: 'mine.example.com' } })).status, 201)
  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://a.example.com/', key: 'c1', domain: 'mine.example.com' } })).status, 201)
  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: b.auth, body: { url: 'https://a.example.com/', key: 'c2', domain: 'mine.example.com' } })).status, 409)
  t.equal((await inject(app, 'GET', '/a1', { headers: { host: 'mine.example.com' } })).status, 404, 'an owned host does not fall back to shared keys')
  t.equal((await inject(app, 'GET', '/a1', { headers: { host: 'unowned.example.org' } })).status, 302, 'an unowned host may fall back to a shared key')
})

t.test('GA_DOMAIN_VERIFICATION=required: links only on verified domains', async t => {
  const dns = await startFakeDns()
  t.teardown(dns.close)
  const { app, auth } = await build(t, { env: { GA_DOMAIN_VERIFICATION: 'required' }, resolveTxt: dns.resolveTxt })
  const noClaim = await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://a.example.com/', domain: 'v.acme.test', key: 'x' } })
  t.equal(noClaim.status, 422, 'no implicit claim when verification is required')
  const d = (await inject(app, 'POST', '/ga/api/domains', { headers: auth, body: { domain: 'v.acme.test' } })).json
  const early = await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://a.example.com/', domain: 'v.acme.test', key: 'x' } })
  t.equal(early.status, 409)
  t.equal(early.json.code, 'DOMAIN_NOT_VERIFIED')
  dns.records.set(d.verification.name, [[d.verification.value]])
  t.equal((await inject(app, 'POST', `/ga/api/domains/${d.id as string}/verify`, { headers: auth })).status, 200)
  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://a.example.com/', domain: 'v.acme.test', key: 'x' } })).status, 201)
})

t.test('existing data migrates: the oldest live link decides the owner; the owner keeps its domain settings', async t => {
  const url = await createTestDatabase(t, { migrated: false })
  // Migrate up to the migration before the domains table, write data as it could exist there, then migrate on.
  const dir = mkdtempSync(join(tmpdir(), 'ga-mig-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  cpSync(migrationsFolder(), dir, { recursive: true })
  const journalPath = join(dir, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> }
  journal.entries = journal.entries.slice(0, journal.entries.findIndex(e => /^\d+_domains$/.test(e.tag)))
  writeFileSync(journalPath, JSON.stringify(journal))
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { search_path: `${SCHEMA},public` } })
  t.teardown(async () => { await sql.end() })
  await sql.unsafe(`create schema if not exists "${SCHEMA}"`)
  await migrate(drizzle({ client: sql }), { migrationsFolder: dir, ...migrationsTable(SCHEMA) })

  const [wa, wb] = ['0197a000-0000-7000-8000-00000000000a', '0197a000-0000-7000-8000-00000000000b']
  const link = async (ws: string, domain: string, key: string, createdAt: string, archived = false): Promise<void> => {
    await sql`insert into links (id, workspace_id, domain, key, url, created_at, archived_at)
      values (gen_random_uuid(), ${ws}, ${domain}, ${key}, 'https://example.com/', ${createdAt}::timestamptz, ${archived ? createdAt : null}::timestamptz)`
  }
  await link(wb, 'contested.test', 'b-old-archived', '2026-01-01T00:00:00Z', true)
  await link(wa, 'contested.test', 'a-first', '2026-02-01T00:00:00Z')
  await link(wb, 'contested.test', 'b-later', '2026-03-01T00:00:00Z')
  await link(wb, 'b-only.test', 'b', '2026-03-01T00:00:00Z')
  await sql`insert into settings (workspace_id, key, value) values
    (${wa}, 'domain:contested.test', ${JSON.stringify({ not_found_url: 'https://a.example.com/404', expired_url: 42 })}::jsonb),
    (${wb}, 'domain:contested.test', ${JSON.stringify({ not_found_url: 'https://b.example.com/404' })}::jsonb),
    (${wb}, 'domain:pages-only.test', ${JSON.stringify({ expired_url: 'https://b.example.com/gone' })}::jsonb)`

  await runMigrations(url, SCHEMA)
  const owners = await sql`select host, workspace_id, not_found_url, expired_url from domains order by host`
  t.same(owners.map(r => ({ ...r })), [
    { host: 'b-only.test', workspace_id: wb, not_found_url: null, expired_url: null },
    { host: 'contested.test', workspace_id: wa, not_found_url: 'https://a.example.com/404', expired_url: null },
    { host: 'pages-only.test', workspace_id: wb, not_found_url: null, expired_url: 'https://b.example.com/gone' }
  ])
  t.equal((await sql`select count(*)::int as n from settings where key like 'domain:%'`)[0].n, 0, 'the old settings rows are gone')

  const built = await build(t, { databaseUrl: url })
  t.equal((await inject(built.app, 'GET', '/a-first', { headers: { host: 'contested.test' } })).status, 302, "the owner's link is served")
  const loser = await inject(built.app, 'GET', '/b-later', { headers: { host: 'contested.test' } })
  t.equal(loser.headers.location, 'https://a.example.com/404', "the other workspace's link is not served there: the owner's not-found page is")
})
