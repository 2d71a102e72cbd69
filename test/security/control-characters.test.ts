// Issue 14 item 9: on 3e68a40 a NUL in og_title, tags or metadata (and other stored text) ended in
// a 500 from PostgreSQL. Control characters are refused with a 422 naming the field; nothing is stored.
import t from 'tap'
import { build } from '../helper.js'
import { inject } from './util.js'

t.test('control characters in stored text → 422, nothing written', async t => {
  const built = await build(t, { env: { GA_LINK_DOMAINS: 'go.example.com' } })
  const { app, auth, database } = built
  const count = async (table: string): Promise<number> => (await database.sql.unsafe(`select count(*)::int as n from ${table}`))[0].n as number
  const visitor = await inject(app, 'POST', '/ga/api/visitors/resolve', { headers: auth, body: { ga_id: 'ctl-test-visitor' } })
  t.equal(visitor.status, 200)
  const links = await count('links')

  const linkBodies: Array<[string, Record<string, unknown>, string]> = [
    ['NUL in og_title', { og_title: 'Big\u0000Sale' }, 'og_title'],
    ['NUL in a tag', { tags: ['ok', 'b\u0000d'] }, 'tags.1'],
    ['NUL in a metadata value', { metadata: { note: 'x\u0000y' } }, 'metadata.note'],
    ['NUL in a metadata key', { metadata: { 'k\u0000': 1 } }, 'metadata.k\u0000'],
    ['escape sequence in og_description', { og_description: 'red \u001b[31m text' }, 'og_description'],
    ['newline in a tag (an identifier)', { tags: ['two\nlines'] }, 'tags'],
    ['tab in external_id', { external_id: 'a\tb' }, 'external_id'],
    ['DEL in utm_source', { utm_source: 'news\u007fletter' }, 'utm_source']
  ]
  for (const [name, extra, field] of linkBodies) {
    const res = await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', ...extra } })
    t.equal(res.status, 422, name)
    t.equal(res.json?.code, 'VALIDATION_FAILED', name)
    t.match(res.json?.errors?.[field], /control characters/, `${name}: names ${field}`)
  }
  t.equal(await count('links'), links, 'no link written')
  const ok = await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', og_description: 'line 1\nline 2\twith a tab' } })
  t.equal(ok.status, 201, 'newlines and tabs stay allowed in free text')

  const other: Array<[string, string, string, Record<string, unknown>]> = [
    ['event properties', 'POST', '/ga/api/events', { event_type: 'custom', visitor_id: visitor.json.id, properties: { plan: 'pro\u0000' } }],
    ['event name', 'POST', '/ga/api/events', { event_type: 'custom', visitor_id: visitor.json.id, event_name: 'sign\u0000up' }],
    ['identify', 'POST', `/ga/api/visitors/${visitor.json.id as string}/identify`, { person_name: 'Ann\u0000' }],
    ['webhook description', 'POST', '/ga/api/webhooks', { url: 'https://hooks.example.com/x', description: 'a\u0000b' }],
    ['domain page', 'POST', '/ga/api/domains', { domain: 'ctl.example.com', root_url: 'https://example.com/\u0000' }]
  ]
  const events = await count('events')
  for (const [name, method, url, body] of other) {
    const res = await inject(app, method, url, { headers: auth, body })
    t.equal(res.status, 422, name)
    t.equal(res.json?.code, 'VALIDATION_FAILED', name)
  }
  t.equal(await count('events'), events, 'no event written')
  t.equal(await count('webhooks'), 0)
  t.equal(await count('domains'), 0, 'no domain written')

  const search = await inject(app, 'GET', '/ga/api/links?search=a%00b', { headers: auth })
  t.equal(search.status, 422, 'a NUL in a query parameter is bad input too, not a 500')
})
