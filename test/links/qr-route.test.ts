// Guards GET /:key/qr over real HTTP: upstream's 400 messages in order, headers, the encoded URL
// (`https://<host>/<key>?qr=1`), byte-identical output, and the live check before the cache.
import t from 'tap'
import { listen } from '../helper.js'
import { qrContentUrl, renderQr, QR_DEFAULTS, QR_MESSAGES, type QrOptions } from '../../src/links/qr.js'
import { request } from 'undici'
import { call, header } from './http.js'

t.test('QR codes', async t => {
  const { baseUrl, auth } = await listen(t, { env: { GA_LINK_DOMAINS: 'go.example.com' } })
  const created = await call(baseUrl, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', key: 'qrcode' } })
  const get = async (path: string, host = 'go.example.com') => {
    const res = await request(baseUrl + path, { headers: { host } })
    return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) }
  }

  t.test('SVG by default, with the reference headers, encoding the short URL with ?qr=1', async t => {
    const res = await get('/qrcode/qr')
    t.equal(res.status, 200)
    t.equal(res.headers['content-type'], 'image/svg+xml')
    t.equal(res.headers['cache-control'], 'public, max-age=86400')
    t.match(res.headers.etag, /^"[A-Za-z0-9_-]{27}"$/)
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'")
    t.equal(res.headers['x-frame-options'], 'DENY')
    const expected = await renderQr(qrContentUrl({ host: 'go.example.com', key: 'qrcode' }), QR_DEFAULTS)
    t.equal(res.body.toString(), expected.body, 'same bytes as rendering https://go.example.com/qrcode?qr=1')
    t.match(res.body.toString(), /#000000/)
  })

  t.test('PNG with options; identical parameters give identical bytes, also concurrently', async t => {
    const path = '/qrcode/qr?format=png&size=4&fg=FF0000&bg=00ff00&ec=high'
    const answers = await Promise.all(Array.from({ length: 5 }, async () => await get(path)))
    t.equal(answers[0].headers['content-type'], 'image/png')
    t.same([...answers[0].body.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    for (const a of answers) t.ok(a.body.equals(answers[0].body))
    const opts: QrOptions = { format: 'png', size: 4, fg: 'ff0000', bg: '00ff00', ec: 'high' }
    const expected = await renderQr(qrContentUrl({ host: 'go.example.com', key: 'qrcode' }), opts)
    t.ok(answers[0].body.equals(expected.body as Buffer))
    const svgA = await get('/qrcode/qr?size=3')
    const svgB = await get('/qrcode/qr?size=3')
    t.ok(svgA.body.equals(svgB.body))
  })

  t.test('the port of a non-default Host is part of the encoded URL', async t => {
    const res = await get('/qrcode/qr', 'go.example.com:8443')
    const expected = await renderQr(qrContentUrl({ host: 'go.example.com:8443', key: 'qrcode' }), QR_DEFAULTS)
    t.equal(res.body.toString(), expected.body)
  })

  const bad: Array<[string, string]> = [
    ['size=0', QR_MESSAGES.size], ['size=51', QR_MESSAGES.size], ['size=abc', QR_MESSAGES.size], ['size=5x', QR_MESSAGES.size],
    ['fg=red', QR_MESSAGES.fg], ['bg=%23ffffff', QR_MESSAGES.bg], ['format=gif', QR_MESSAGES.format], ['ec=max', QR_MESSAGES.ec],
    ['format=gif&size=0', QR_MESSAGES.format], ['size=0&fg=red', QR_MESSAGES.size]
  ]
  for (const [query, message] of bad) {
    t.test(`400 ${query}`, async t => {
      const res = await get(`/qrcode/qr?${query}`)
      t.equal(res.status, 400)
      t.equal(res.body.toString(), message)
    })
  }

  t.test('unknown → 404, expired → 410, archived → 404 even when a rendering is cached', async t => {
    t.equal((await get('/nope/qr')).status, 404)
    t.equal((await get('/QRCODE/qr')).status, 404, 'case-sensitive')
    t.equal((await get('/a..b/qr')).status, 404)
    t.equal((await get('/qrcode/qr', 'bad host!')).status, 400)
    const exp = await call(baseUrl, 'POST', '/ga/api/links', { headers: auth, body: { url: 'https://example.com/', key: 'qrexp', expires_at: new Date(Date.now() + 60_000).toISOString() } })
    t.equal((await get('/qrexp/qr')).status, 200)
    await call(baseUrl, 'PATCH', `/ga/api/links/${exp.json.id}`, { headers: auth, body: { expires_at: new Date(Date.now() - 1000).toISOString() } })
    const expired = await get('/qrexp/qr')
    t.equal(expired.status, 410)
    t.equal(expired.body.toString(), 'Link expired')
    t.equal((await get('/qrcode/qr')).status, 200, 'cached now')
    t.equal((await call(baseUrl, 'DELETE', `/ga/api/links/${created.json.id}`, { headers: auth })).status, 204)
    const archived = await get('/qrcode/qr')
    t.equal(archived.status, 404)
    t.equal(archived.body.toString(), 'Link not found')
  })

  t.test('reserved first segments are never QR keys', async t => {
    const res = await call(baseUrl, 'GET', '/api/qr', { headers: { host: 'go.example.com' } })
    t.equal(res.status, 404)
    t.equal(header(res, 'content-type').startsWith('application/json'), true)
  })
})
