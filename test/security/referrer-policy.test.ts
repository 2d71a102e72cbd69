// Issue 14 item 16: redirects sent `Referrer-Policy: no-referrer-when-downgrade` on 3e68a40, so a
// destination learned the full short-link URL. Now strict-origin-when-cross-origin, unless the link asks otherwise.
import t from 'tap'
import { build } from '../helper.js'
import { inject } from './util.js'

t.test('Referrer-Policy on redirects', async t => {
  const { app, auth } = await build(t, { env: { GA_LINK_DOMAINS: 'go.example.com' } })
  const host = { host: 'go.example.com' }
  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', key: 'plain' } })).status, 201)
  const plain = await inject(app, 'GET', '/plain', { headers: host })
  t.equal(plain.status, 302)
  t.equal(plain.headers['referrer-policy'], 'strict-origin-when-cross-origin')
  t.equal((await inject(app, 'GET', '/nothing', { headers: host })).headers['referrer-policy'], 'strict-origin-when-cross-origin', 'on 404 too')

  const own = await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', key: 'private', referrer_policy: 'no-referrer' } })
  t.equal(own.status, 201)
  t.equal(own.json.referrer_policy, 'no-referrer')
  t.equal((await inject(app, 'GET', '/private', { headers: host })).headers['referrer-policy'], 'no-referrer', "the link's own policy")
  const patched = await inject(app, 'PATCH', `/ga/api/links/${own.json.id as string}`, { headers: auth, body: { referrer_policy: null } })
  t.equal(patched.json.referrer_policy, null)
  t.equal((await inject(app, 'GET', '/private', { headers: host })).headers['referrer-policy'], 'strict-origin-when-cross-origin', 'cleared → default')

  const bad = await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', key: 'bad', referrer_policy: 'always-everything' } })
  t.equal(bad.status, 422)
  t.match(bad.json.errors.referrer_policy, /must be one of/)
})
