// Guards the links REST API over real HTTP and Postgres: create/list/get/PATCH/DELETE, the
// per-field 422s for every bad input the issue lists (and that they change nothing), 409s,
// workspace isolation, stats/clicks/share.
import t from 'tap'
import { listen } from '../helper.js'
import { createApiKey, createWorkspace } from '../../src/auth/service.js'
import { KEY_ALPHABET } from '../../src/links/keys.js'
import { call } from './http.js'

const env = { GA_LINK_DOMAINS: 'go.example.com,links.example.org' }

t.test('links REST API', async t => {
  const { baseUrl, auth, database, config } = await listen(t, { env })
  const api = async (method: string, path: string, body?: unknown) => await call(baseUrl, method, path, { headers: auth, body })
  const linkCount = async (): Promise<number> => Number((await database.sql`select count(*)::int as n from links`)[0].n)

  t.test('create with only a url: default domain, generated key, zero counters, no secrets', async t => {
    const res = await api('POST', '/ga/api/links', { url: 'https://example.com/page' })
    t.equal(res.status, 201)
    t.equal(res.json.domain, 'go.example.com')
    t.match(res.json.key, new RegExp(`^[${KEY_ALPHABET}]{7}$`))
    t.equal(res.json.short_url, `https://go.example.com/${res.json.key}`)
    t.equal(res.json.url, 'https://example.com/page')
    t.equal(res.json.link_type, 'short')
    t.same([res.json.total_clicks, res.json.unique_clicks, res.json.bot_clicks, res.json.total_leads, res.json.total_sales, res.json.total_revenue_cents], [0, 0, 0, 0, 0, 0])
    t.equal(res.json.password_protected, false)
    t.notOk('password_hash' in res.json)
    t.notOk('workspace_id' in res.json)
  })

  t.test('create with every field', async t => {
    const res = await api('POST', '/ga/api/links', {
      url: 'https://example.com/full',
      domain: 'LINKS.example.org',
      key: 'Full_Link-1',
      link_type: 'campaign',
      utm_source: 'news', utm_medium: 'email', utm_campaign: 'spring', utm_content: 'a', utm_term: 'b',
      ios_url: 'https://apps.apple.com/app/x', android_url: 'https://play.google.com/store/x',
      geo_targeting: { de: 'https://example.de/', FR: 'https://example.fr/' },
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      expired_url: 'https://example.com/gone',
      password: 'sesame',
      og_title: 'T', og_description: 'D', og_image: 'https://example.com/i.png',
      tags: ['spring', 'email', 'spring'],
      external_id: 'ext-1',
      metadata: { owner: 'me', n: 1 }
    })
    t.equal(res.status, 201, res.text)
    t.equal(res.json.domain, 'links.example.org')
    t.equal(res.json.key, 'Full_Link-1')
    t.same(res.json.geo_targeting, { DE: 'https://example.de/', FR: 'https://example.fr/' })
    t.same(res.json.tags, ['spring', 'email'])
    t.equal(res.json.password_protected, true)
    t.same(res.json.metadata, { owner: 'me', n: 1 })
    t.equal(res.json.link_type, 'campaign')
    const [row] = await database.sql`select password_hash from links where id = ${res.json.id}`
    t.match(row.password_hash, /^scrypt\$/)
  })

  t.test('409 on a live duplicate domain+key or external_id; the same key on another domain is fine', async t => {
    t.equal((await api('POST', '/ga/api/links', { url: 'https://example.com/', key: 'dup' })).status, 201)
    const again = await api('POST', '/ga/api/links', { url: 'https://example.com/2', key: 'dup' })
    t.equal(again.status, 409)
    t.equal(again.json.code, 'LINK_KEY_TAKEN')
    t.equal((await api('POST', '/ga/api/links', { url: 'https://example.com/', key: 'dup', domain: 'links.example.org' })).status, 201)
    t.equal((await api('POST', '/ga/api/links', { url: 'https://example.com/', external_id: 'x-1' })).status, 201)
    const ext = await api('POST', '/ga/api/links', { url: 'https://example.com/', external_id: 'x-1' })
    t.equal(ext.status, 409)
    t.equal(ext.json.code, 'EXTERNAL_ID_TAKEN')
  })

  t.test('keys differing only in case are different links', async t => {
    t.equal((await api('POST', '/ga/api/links', { url: 'https://example.com/lower', key: 'casey' })).status, 201)
    t.equal((await api('POST', '/ga/api/links', { url: 'https://example.com/upper', key: 'CASEY' })).status, 201)
  })

  const badUrls: Array<[string, string]> = [
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['tab in scheme', 'java\tscript:alert(1)'],
    ['newline in host', 'https://exa\nmple.com'],
    ['backslashes', 'https:\\\\evil.com'],
    ['userinfo', 'https://user:pw@evil.com'],
    ['ftp', 'ftp://x'],
    ['scheme-relative', '//evil.com'],
    ['5,000 characters', 'https://example.com/' + 'a'.repeat(4980)],
    ['the short domain itself', 'https://go.example.com/other'],
    ['another short domain', 'https://LINKS.example.org/x'],
    ['empty', ''],
    ['loopback', 'http://127.0.0.1/admin']
  ]
  for (const [name, url] of badUrls) {
    t.test(`422 url: ${name}`, async t => {
      const before = await linkCount()
      const res = await api('POST', '/ga/api/links', { url })
      t.equal(res.status, 422, res.text)
      t.equal(res.json.code, 'VALIDATION_FAILED')
      t.type(res.json.errors?.url, 'string')
      t.equal(await linkCount(), before, 'nothing created')
    })
  }

  const badKeys: Array<[string, string]> = [
    ['slash', 'a/b'], ['dot-dot', '..'], ['space', 'a b'], ['emoji', 'hi😀'], ['300 chars', 'k'.repeat(300)],
    ['reserved api', 'api'], ['reserved ga', 'ga'], ['reserved, other case', 'HealthZ'], ['empty', '']
  ]
  for (const [name, key] of badKeys) {
    t.test(`422 key: ${name}`, async t => {
      const before = await linkCount()
      const res = await api('POST', '/ga/api/links', { url: 'https://example.com/', key })
      t.equal(res.status, 422, res.text)
      t.type(res.json.errors?.key, 'string')
      t.equal(await linkCount(), before)
    })
  }

  const badFields: Array<[string, Record<string, unknown>, string]> = [
    ['expires_at in the past', { expires_at: new Date(Date.now() - 60_000).toISOString() }, 'expires_at'],
    ['expires_at not a date', { expires_at: 'tomorrow' }, 'expires_at'],
    ['geo_targeting USA', { geo_targeting: { USA: 'https://example.com/us' } }, 'geo_targeting'],
    ['geo_targeting non-URL value', { geo_targeting: { DE: 'not a url' } }, 'geo_targeting'],
    ['geo_targeting javascript value', { geo_targeting: { DE: 'javascript:alert(1)' } }, 'geo_targeting'],
    ['geo_targeting number value', { geo_targeting: { DE: 5 } }, 'geo_targeting'],
    ['geo_targeting not a map', { geo_targeting: 'DE' }, 'geo_targeting'],
    ['domain not configured', { domain: 'evil.example.net' }, 'domain'],
    ['domain garbage', { domain: 'not a host!' }, 'domain'],
    ['link_type', { link_type: 'weird' }, 'link_type'],
    ['ios_url', { ios_url: 'myapp://open' }, 'ios_url'],
    ['counters cannot be set', { total_clicks: 5 }, 'body'],
    ['tags too long', { tags: ['x'.repeat(65)] }, 'tags']
  ]
  for (const [name, extra, field] of badFields) {
    t.test(`422 ${name}`, async t => {
      const before = await linkCount()
      const res = await api('POST', '/ga/api/links', { url: 'https://example.com/', ...extra })
      t.equal(res.status, 422, res.text)
      t.ok(Object.keys(res.json.errors ?? {}).some(k => k.startsWith(field)), `error on ${field}: ${res.text}`)
      t.equal(await linkCount(), before)
    })
  }

  t.test('without a configured domain and none given, domain is required', async t => {
    const other = await listen(t, {})
    const res = await call(other.baseUrl, 'POST', '/ga/api/links', { headers: other.auth, body: { url: 'https://example.com/' } })
    t.equal(res.status, 422)
    t.type(res.json.errors.domain, 'string')
    const ok = await call(other.baseUrl, 'POST', '/ga/api/links', { headers: other.auth, body: { url: 'https://example.com/', domain: 'any.example.net' } })
    t.equal(ok.status, 201)
  })

  t.test('list: newest first, limit/offset bounds, filters', async t => {
    const a = await api('POST', '/ga/api/links', { url: 'https://shop.example.com/alpha', key: 'list-alpha', tags: ['red'], link_type: 'referral' })
    const b = await api('POST', '/ga/api/links', { url: 'https://shop.example.com/beta', key: 'list-beta', tags: ['red', 'blue'] })
    const page = await api('GET', '/ga/api/links?limit=2&offset=0')
    t.equal(page.status, 200)
    t.same(page.json.links.map((l: { id: string }) => l.id), [b.json.id, a.json.id])
    t.equal(page.json.limit, 2)
    t.equal(page.json.offset, 0)
    t.same((await api('GET', '/ga/api/links?tag=blue')).json.links.map((l: { key: string }) => l.key), ['list-beta'])
    t.same((await api('GET', '/ga/api/links?link_type=referral')).json.links.map((l: { key: string }) => l.key), ['list-alpha'])
    t.same((await api('GET', '/ga/api/links?search=SHOP.example.com%2Fbe')).json.links.map((l: { key: string }) => l.key), ['list-beta'])
    t.same((await api('GET', '/ga/api/links?search=list-al')).json.links.map((l: { key: string }) => l.key), ['list-alpha'])
    t.same((await api('GET', '/ga/api/links?search=%25')).json.links, [], 'LIKE wildcards are literal')
    for (const q of ['limit=0', 'limit=201', 'limit=abc', 'offset=-1', 'link_type=other']) {
      t.equal((await api('GET', `/ga/api/links?${q}`)).status, 422, q)
    }
  })

  t.test('get / patch / delete', async t => {
    const created = await api('POST', '/ga/api/links', {
      url: 'https://example.com/p', key: 'patchme', utm_source: 'x', tags: ['a'], geo_targeting: { DE: 'https://example.de/' }, password: 'pw', external_id: 'p-1'
    })
    const id = created.json.id as string
    t.equal((await api('GET', `/ga/api/links/${id}`)).json.key, 'patchme')

    const patched = await api('PATCH', `/ga/api/links/${id}`, { url: 'https://example.com/q', utm_source: null, tags: null, geo_targeting: null, password: null, external_id: null, og_title: 'New' })
    t.equal(patched.status, 200, patched.text)
    t.equal(patched.json.url, 'https://example.com/q')
    t.equal(patched.json.utm_source, null)
    t.same(patched.json.tags, [])
    t.same(patched.json.geo_targeting, {})
    t.equal(patched.json.password_protected, false)
    t.equal(patched.json.external_id, null)
    t.equal(patched.json.og_title, 'New')
    t.equal(patched.json.key, 'patchme', 'absent fields are kept')

    for (const body of [{ url: null }, { key: null }, { url: 'javascript:alert(1)' }, { key: 'a/b' }, { link_type: null }, { domain: 'nope.example.net' }]) {
      const res = await api('PATCH', `/ga/api/links/${id}`, body)
      t.equal(res.status, 422, JSON.stringify(body))
    }
    t.equal((await api('GET', `/ga/api/links/${id}`)).json.url, 'https://example.com/q', 'rejected patches change nothing')

    await api('POST', '/ga/api/links', { url: 'https://example.com/', key: 'taken-key' })
    t.equal((await api('PATCH', `/ga/api/links/${id}`, { key: 'taken-key' })).status, 409)
    t.equal((await api('PATCH', `/ga/api/links/${id}`, { key: 'renamed' })).json.key, 'renamed')

    t.equal((await api('DELETE', `/ga/api/links/${id}`)).status, 204)
    const archived = await api('GET', `/ga/api/links/${id}`)
    t.equal(archived.status, 200)
    t.type(archived.json.archived_at, 'string')
    t.notOk((await api('GET', '/ga/api/links?limit=200')).json.links.some((l: { id: string }) => l.id === id))
    t.equal((await api('DELETE', `/ga/api/links/${id}`)).status, 404)
    t.equal((await api('PATCH', `/ga/api/links/${id}`, { url: 'https://example.com/' })).status, 404)
    t.equal((await api('POST', '/ga/api/links', { url: 'https://example.com/', key: 'renamed' })).status, 201, 'archive frees domain+key')
  })

  t.test('ids that are not UUIDs, unknown ids and other workspaces answer 404', async t => {
    const mine = await api('POST', '/ga/api/links', { url: 'https://example.com/mine' })
    const ws = await createWorkspace(database.db, 'other')
    const { key } = await createApiKey(database.db, config.secret, { workspaceId: ws?.id ?? '', name: 'k', type: 'secret' })
    const theirs = { authorization: `Bearer ${key}` }
    for (const path of [`/ga/api/links/${mine.json.id}`, `/ga/api/links/${mine.json.id}/stats`, `/ga/api/links/${mine.json.id}/clicks`, `/ga/api/links/${mine.json.id}/share`]) {
      t.equal((await call(baseUrl, 'GET', path, { headers: theirs })).status, 404, path)
    }
    t.equal((await call(baseUrl, 'PATCH', `/ga/api/links/${mine.json.id}`, { headers: theirs, body: { url: 'https://evil.example.net/' } })).status, 404)
    t.equal((await call(baseUrl, 'DELETE', `/ga/api/links/${mine.json.id}`, { headers: theirs })).status, 404)
    for (const id of ['not-a-uuid', '123', "1'--", '00000000-0000-0000-0000-00000000000g', '00000000-0000-7000-8000-000000000001']) {
      for (const suffix of ['', '/stats', '/clicks', '/share']) {
        const res = await api('GET', `/ga/api/links/${encodeURIComponent(id)}${suffix}`)
        t.equal(res.status, 404, `${id}${suffix}`)
        t.equal(res.json.code, 'LINK_NOT_FOUND')
      }
      t.equal((await api('PATCH', `/ga/api/links/${encodeURIComponent(id)}`, { url: 'https://example.com/' })).status, 404)
      t.equal((await api('DELETE', `/ga/api/links/${encodeURIComponent(id)}`)).status, 404)
    }
    t.equal((await call(baseUrl, 'GET', '/ga/api/links')).status, 401, 'credentials required')
  })

  t.test('stats, clicks and share of a fresh link', async t => {
    const link = await api('POST', '/ga/api/links', { url: 'https://example.com/s', key: 'sharing' })
    const stats = await api('GET', `/ga/api/links/${link.json.id}/stats`)
    t.same(stats.json, { total_clicks: 0, unique_clicks: 0, bot_clicks: 0, total_leads: 0, total_sales: 0, total_revenue_cents: 0 })
    const clicks = await api('GET', `/ga/api/links/${link.json.id}/clicks?limit=5`)
    t.same(clicks.json, { clicks: [], limit: 5, offset: 0 })
    const share = await api('GET', `/ga/api/links/${link.json.id}/share?text=Check%20this!&via=agoodway`)
    t.equal(share.json.copy, 'https://go.example.com/sharing')
    t.equal(share.json.twitter, 'https://twitter.com/intent/tweet?text=Check+this%21&url=https%3A%2F%2Fgo.example.com%2Fsharing&via=agoodway')
    t.equal(share.json.facebook, 'https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fgo.example.com%2Fsharing')
    t.same(Object.keys(share.json).sort(), ['copy', 'email', 'facebook', 'linkedin', 'reddit', 'telegram', 'twitter', 'whatsapp'])
  })

  t.test('the OpenAPI document describes the link routes', async t => {
    const doc = await call(baseUrl, 'GET', '/api/docs/openapi.json')
    const paths = Object.keys(doc.json?.paths ?? {})
    for (const p of ['/ga/api/links', '/ga/api/links/{id}', '/ga/api/links/{id}/stats', '/ga/api/links/{id}/clicks', '/ga/api/links/{id}/share', '/{key}', '/{key}/qr']) {
      t.ok(paths.includes(p), p)
    }
  })
})
