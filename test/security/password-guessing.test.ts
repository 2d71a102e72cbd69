// Issue 14 item 5: on 3e68a40 password guesses on a protected link were unlimited, each costing
// an scrypt on the libuv pool. Attempts are limited per client IP and per link: 429 + Retry-After.
import t from 'tap'
import { build } from '../helper.js'
import { inject } from './util.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

t.test('password attempts are limited per client IP and per link', async t => {
  const { app, auth } = await build(t, { env: { GA_LINK_DOMAINS: 'go.example.com', GA_TRUST_PROXY: 'true', GA_PASSWORD_ATTEMPTS_PER_IP: '3', GA_PASSWORD_ATTEMPTS_PER_LINK: '5' } })
  for (const key of ['vault', 'other']) {
    t.equal((await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/secret', key, password: 'correct horse' } })).status, 201)
  }
  const attempt = async (key: string, password: string, ip: string) =>
    await app.inject({ method: 'POST', url: `/${key}`, headers: { host: 'go.example.com', 'x-forwarded-for': ip, ...FORM }, payload: `password=${encodeURIComponent(password)}` })

  for (let i = 0; i < 3; i++) t.equal((await attempt('vault', `guess${i}`, '198.51.100.1')).statusCode, 401, `guess ${i}`)
  const blocked = await attempt('vault', 'guess3', '198.51.100.1')
  t.equal(blocked.statusCode, 429, 'the client spent its budget')
  t.match(blocked.headers['retry-after'], /^\d+$/)
  t.ok(Number(blocked.headers['retry-after']) > 0 && Number(blocked.headers['retry-after']) <= 900)
  t.same(Object.keys(blocked.json()).sort(), ['code', 'error'])
  t.equal(blocked.json().code, 'RATE_LIMITED')
  t.equal((await attempt('vault', 'correct horse', '198.51.100.1')).statusCode, 429, 'even the right password waits: the limit is not an oracle')
  t.equal((await attempt('other', 'guess', '198.51.100.1')).statusCode, 429, 'the budget is per client IP, across links')

  // The link's own budget (5): two more clients get 2 guesses in, then everyone waits.
  t.equal((await attempt('vault', 'x', '198.51.100.2')).statusCode, 401)
  t.equal((await attempt('vault', 'y', '198.51.100.3')).statusCode, 401)
  const linkBlocked = await attempt('vault', 'correct horse', '198.51.100.4')
  t.equal(linkBlocked.statusCode, 429, 'the link spent its budget')
  t.ok(Number(linkBlocked.headers['retry-after']) > 0)
  t.equal((await attempt('other', 'correct horse', '198.51.100.4')).statusCode, 302, 'other links and clients are unaffected')
  t.equal((await app.inject({ url: '/vault', headers: { host: 'go.example.com' } })).statusCode, 200, 'the form itself is still shown')
})
