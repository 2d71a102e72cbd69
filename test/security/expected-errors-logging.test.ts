// Issue 14 item 7: on 3e68a40 every 404/410/400 of the redirector logged a level-50 TypeError
// ("Cannot use 'in' operator …"). Expected answers log at most at info, and never a stack.
import t from 'tap'
import { build } from '../helper.js'
import { captureLogs } from './log-capture.js'
import { inject } from './util.js'

t.test('404, 410 and 400 on the short-link host log nothing above info and no stack', async t => {
  const logs = captureLogs('trace')
  const { app, auth, database } = await build(t, { env: { GA_LINK_DOMAINS: 'go.example.com' }, logger: logs.logger })
  const link = await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', key: 'soon', expires_at: new Date(Date.now() + 60_000).toISOString() } })
  t.equal(link.status, 201)
  await database.sql`update links set expires_at = now() - interval '1 second' where id = ${link.json.id}`
  app.links.cache.clear()

  const answers = [
    [await inject(app, 'GET', '/missing', { headers: { host: 'go.example.com' } }), 404],
    [await inject(app, 'GET', '/a..b', { headers: { host: 'go.example.com' } }), 404],
    [await inject(app, 'GET', '/soon', { headers: { host: 'go.example.com' } }), 410],
    [await inject(app, 'GET', '/soon/qr', { headers: { host: 'go.example.com' } }), 410],
    [await inject(app, 'GET', '/missing', { headers: { host: 'bad host!' } }), 400],
    [await inject(app, 'POST', '/missing', { headers: { host: 'go.example.com', 'content-type': 'application/x-www-form-urlencoded' }, body: 'password=x' }), 404]
  ] as const
  for (const [res, status] of answers) t.equal(res.status, status)

  const loud = logs.lines().filter(l => (l.level as number) > 30)
  t.same(loud, [], 'nothing at warn or above')
  t.notMatch(logs.text(), /"stack"/, 'no stack anywhere')
  t.notMatch(logs.text(), /TypeError/)
})
