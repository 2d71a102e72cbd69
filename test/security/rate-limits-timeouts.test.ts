// Issue 14 item 6: on 3e68a40 nothing was rate limited, requestTimeout and connectionTimeout were 0
// (a slow client held its socket forever) and a workspace could open any number of live streams.
import { connect } from 'node:net'
import t from 'tap'
import { build, listen } from '../helper.js'
import { openStream } from './sse-client.js'
import { addTenant, inject } from './util.js'

t.test('the REST API is limited per credential: 429 + Retry-After in the error envelope', async t => {
  const built = await build(t, { env: { GA_RATE_LIMIT_API: '5' } })
  const b = await addTenant(built)
  for (let i = 0; i < 5; i++) t.equal((await inject(built.app, 'GET', '/ga/api/links', { headers: built.auth })).status, 200)
  const limited = await inject(built.app, 'GET', '/ga/api/links', { headers: built.auth })
  t.equal(limited.status, 429)
  t.equal(limited.json.code, 'RATE_LIMITED')
  t.match(limited.json.error, /Too many requests/)
  t.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60, `Retry-After ${String(limited.headers['retry-after'])}`)
  t.equal((await inject(built.app, 'GET', '/ga/api/links', { headers: b.auth })).status, 200, 'another key has its own budget')
})

t.test('public routes are limited per client IP; the redirect only when configured', async t => {
  const built = await build(t, { env: { GA_RATE_LIMIT_PUBLIC: '3', GA_TRUST_PROXY: 'true', GA_LINK_DOMAINS: 'go.example.com' } })
  const { app, auth } = built
  t.equal((await inject(app, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', key: 'k' } })).status, 201)
  const beacon = async (ip: string): Promise<number> => (await app.inject({
    method: 'POST', url: '/ga/t/event', headers: { 'content-type': 'text/plain', 'x-forwarded-for': ip }, payload: JSON.stringify({ event_type: 'pageview', url: 'https://shop.example.com/' })
  })).statusCode
  for (let i = 0; i < 3; i++) t.not(await beacon('203.0.113.7'), 429)
  t.equal(await beacon('203.0.113.7'), 429, 'the 4th beacon from one IP')
  t.not(await beacon('203.0.113.8'), 429, 'another IP')
  t.equal((await inject(app, 'GET', '/k/qr', { headers: { host: 'go.example.com', 'x-forwarded-for': '203.0.113.7' } })).status, 429, 'QR codes share the public budget')
  for (let i = 0; i < 20; i++) t.equal((await inject(app, 'GET', '/k', { headers: { host: 'go.example.com', 'x-forwarded-for': '203.0.113.7' } })).status, 302, `redirect ${i}: not limited by default`)

  const limited = await build(t, { env: { GA_RATE_LIMIT_REDIRECT: '2', GA_LINK_DOMAINS: 'go.example.com' } })
  t.equal((await inject(limited.app, 'POST', '/ga/api/links', { headers: limited.auth, body: { url: 'https://example.com/', key: 'k' } })).status, 201)
  const go = async (): Promise<number> => (await inject(limited.app, 'GET', '/k', { headers: { host: 'go.example.com' } })).status
  t.same([await go(), await go(), await go()], [302, 302, 429], 'GA_RATE_LIMIT_REDIRECT=2')
})

async function rawExchange (port: number, send: (socket: ReturnType<typeof connect>) => void, waitMs: number): Promise<{ closed: boolean, data: string }> {
  return await new Promise(resolve => {
    let data = ''
    const socket = connect(port, '127.0.0.1', () => { send(socket) })
    const timer = setTimeout(() => { socket.destroy(); resolve({ closed: false, data }) }, waitMs)
    socket.on('data', chunk => { data += chunk.toString() })
    socket.on('close', () => { clearTimeout(timer); resolve({ closed: true, data }) })
    socket.on('error', () => {})
  })
}

t.test('slow clients: headers and bodies must arrive in time', async t => {
  const built = await listen(t, { env: { GA_HEADERS_TIMEOUT_MS: '400', GA_REQUEST_TIMEOUT_MS: '800' } })
  const port = Number(new URL(built.baseUrl).port)
  // Generous waits: the server must close well before them, even on a busy machine.
  const headers = await rawExchange(port, s => { s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ') }, 8000)
  t.ok(headers.closed, 'a request whose headers never finish is closed')
  t.match(headers.data, /^HTTP\/1\.1 408/)
  const body = await rawExchange(port, s => {
    s.write(`POST /ga/api/links HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${built.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"url":`)
  }, 8000)
  t.ok(body.closed, 'a body that never finishes is closed')
  t.match(body.data, /^HTTP\/1\.1 408/)
  t.equal(built.app.server.requestTimeout, 800)
  t.ok(built.app.server.keepAliveTimeout > 0 && built.app.server.timeout > 0, 'keep-alive and idle timeouts are set')
})

t.test('live streams are capped per workspace', async t => {
  const built = await listen(t, { env: { GA_STREAMS_PER_WORKSPACE: '2' } })
  const b = await addTenant(built)
  const one = await openStream(built.baseUrl, built.auth)
  const two = await openStream(built.baseUrl, built.auth)
  t.same([one.status, two.status], [200, 200])
  const three = await openStream(built.baseUrl, built.auth)
  t.equal(three.status, 429)
  t.match(await three.body, /"code":"TOO_MANY_STREAMS"/)
  const theirs = await openStream(built.baseUrl, b.auth)
  t.equal(theirs.status, 200, 'another workspace has its own cap')
  one.req.destroy()
  await one.ended
  let again = await openStream(built.baseUrl, built.auth)
  for (let i = 0; again.status !== 200 && i < 20; i++) { // the server notices the closed socket asynchronously
    await new Promise(resolve => setTimeout(resolve, 100))
    again = await openStream(built.baseUrl, built.auth)
  }
  t.equal(again.status, 200, 'a closed stream frees its place')
  for (const s of [two, theirs, again]) s.req.destroy()
})
