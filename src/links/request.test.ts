// The request facts the redirect reads: the remembered Host parse must answer like a fresh parse, and
// the pre-formatted identity cookie line must be byte-for-byte what @fastify/cookie would send.
import t from 'tap'
import Fastify, { type FastifyRequest } from 'fastify'
import cookie, { sign } from '@fastify/cookie'
import { parseHost } from './host.js'
import { GA_COOKIE, GA_COOKIE_OPTIONS, gaCookieFromRequest, gaCookieLine, requestHost } from './request.js'

const asRequest = (host: string | undefined): FastifyRequest => ({ host }) as unknown as FastifyRequest

t.test('requestHost answers like parseHost, also when remembered', async t => {
  const hosts = ['go.example.com', 'GO.Example.com.', 'go.example.com:8080', '[::1]:3000', 'bad host', 'Bücher.example', ' x.test ']
  for (const host of hosts) {
    for (let i = 0; i < 2; i++) t.same(requestHost(asRequest(host)), parseHost(host), `${JSON.stringify(host)} #${i}`)
  }
  t.equal(requestHost(asRequest(undefined)), null, 'no Host header')
  t.equal(requestHost(asRequest('')), null, 'empty Host header')
})

t.test('requestHost takes X-Forwarded-Host only from a trusted proxy (Fastify req.host)', async t => {
  for (const [trustProxy, want] of [[false, 'a.test'], [(_a: string, i: number) => i < 1, 'c.test']] as const) {
    const app = Fastify({ trustProxy })
    app.get('/', async req => requestHost(req))
    const res = await app.inject({ url: '/', headers: { host: 'a.test', 'x-forwarded-host': 'b.test, c.test' } })
    t.same(res.json(), { host: want, port: null }, `trustProxy ${String(trustProxy)}`)
    await app.close()
  }
})

t.test('the identity cookie line equals the plugin\'s Set-Cookie', async t => {
  const app = Fastify()
  await app.register(cookie, { secret: 'test-secret-0123456789abcdefghijklmnop' })
  app.get('/', async (req, reply) => {
    const q = req.query as { v: string, secure: string, domain?: string }
    return reply.setCookie(GA_COOKIE, q.v, { ...GA_COOKIE_OPTIONS, signed: true, secure: q.secure === '1', domain: q.domain }).send('')
  })
  await app.ready()
  t.teardown(async () => { await app.close() })
  const values = ['0193a1b2-c3d4-7e5f-8a9b-0123456789ab', 'ga.1:2_3-4', 'x']
  for (const domain of [undefined, '.example.com', 'links.example.com']) {
    const line = gaCookieLine(app.serializeCookie, domain)
    for (const value of values) {
      for (const secure of [false, true]) {
        const res = await app.inject({ url: '/', query: { v: value, secure: secure ? '1' : '0', ...(domain === undefined ? {} : { domain }) } })
        t.equal(line(app.signCookie(value), secure), res.headers['set-cookie'], `${value} secure=${secure} domain=${domain}`)
      }
    }
    t.equal(line('needs encoding; yes', false), null, 'a value the serializer would encode is left to the plugin')
  }
})

t.test('a returning browser\'s signed cookie is re-used only when signing would give it again', async t => {
  const app = Fastify()
  // Rotated secrets: the first signs, the second still verifies.
  await app.register(cookie, { secret: ['new-secret-0123456789abcdefghijklmnop', 'old-secret-0123456789abcdefghijklmnop'] })
  app.get('/', async req => ({ found: gaCookieFromRequest(req) }))
  await app.ready()
  t.teardown(async () => { await app.close() })
  const id = '0193a1b2-c3d4-7e5f-8a9b-0123456789ab'
  const current = app.signCookie(id)
  const cases: Array<[string, string | undefined, unknown]> = [
    ['current secret: value re-used', `${GA_COOKIE}=${current}`, { gaId: id, signed: current }],
    ['percent-encoded in the request: re-sent canonical', `${GA_COOKIE}=${encodeURIComponent(current)}`, { gaId: id, signed: current }],
    ['old secret: valid, but re-signed', `${GA_COOKIE}=${sign(id, 'old-secret-0123456789abcdefghijklmnop')}`, { gaId: id, signed: null }],
    ['forged signature', `${GA_COOKIE}=${id}.bad`, null],
    ['unsigned', `${GA_COOKIE}=${id}`, null],
    ['not a ga_id', `${GA_COOKIE}=${app.signCookie('a b')}`, null],
    ['no cookie', undefined, null]
  ]
  for (const [name, header, want] of cases) {
    const res = await app.inject({ url: '/', headers: header === undefined ? {} : { cookie: header } })
    t.same(res.json().found, want, name)
  }
})
