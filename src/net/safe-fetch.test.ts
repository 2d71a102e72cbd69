import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { BlockedAddressError, createSafeDispatcher, isBlockedAddress, safeRequest, type ResolveAll } from './safe-fetch.js'

const CASES: [string, boolean][] = [
  ['127.0.0.1', true], ['10.1.2.3', true], ['172.20.0.1', true], ['192.168.1.1', true], ['169.254.169.254', true],
  ['100.64.0.1', true], ['0.0.0.0', true], ['224.0.0.1', true], ['255.255.255.255', true], ['198.18.0.1', true],
  ['::1', true], ['::', true], ['fd00:ec2::254', true], ['fe80::1', true], ['ff02::1', true], ['2001:db8::1', true],
  ['::ffff:127.0.0.1', true], ['::ffff:7f00:1', true], ['::ffff:10.0.0.1', true], ['64:ff9b::a00:1', true], ['2002:7f00:1::', true],
  ['[::1]', true], ['not-an-ip', true],
  ['8.8.8.8', false], ['1.1.1.1', false], ['93.184.216.34', false], ['2606:4700:4700::1111', false], ['::ffff:8.8.8.8', false],
  ['172.32.0.1', false], ['100.128.0.1', false]
]

t.test('isBlockedAddress', async (t) => {
  for (const [ip, want] of CASES) t.equal(isBlockedAddress(ip), want, ip)
})

t.test('connect-time refusal of loopback by literal and by name; allowPrivate lets it through', async (t) => {
  const server = createServer((_req, res) => { res.writeHead(302, { location: 'http://example.com/' }); res.end('moved') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const port = (server.address() as AddressInfo).port
  const safe = createSafeDispatcher()
  for (const host of ['127.0.0.1', 'localhost']) {
    const err = await safeRequest(`http://${host}:${port}/x`, safe, { body: '{}' }).then(() => null, (e: unknown) => e)
    t.ok(err instanceof BlockedAddressError, `${host}: ${String(err)}`)
  }
  const open = createSafeDispatcher({ allowPrivate: true })
  const res = await safeRequest(`http://127.0.0.1:${port}/x`, open, { body: '{}' })
  t.equal(res.status, 302, 'redirect returned, not followed')
  t.equal(res.bodyText, 'moved')
  const capped = await safeRequest(`http://127.0.0.1:${port}/x`, open, { body: '{}', maxBytes: 2 })
  t.equal(capped.bodyText, 'mo')
  await t.rejects(safeRequest('file:///etc/passwd', open))
})

t.test('an injected resolver: rebinding to a private address, mixed answers, literals, timeouts', async (t) => {
  let hits = 0
  const server = createServer((req, res) => {
    hits++
    if (req.url === '/slow') { setTimeout(() => { res.end('late') }, 1000).unref(); return }
    res.end('ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  const port = (server.address() as AddressInfo).port
  const toLoopback: ResolveAll = (_h, cb) => { cb(null, [{ address: '127.0.0.1', family: 4 }]) }
  const mixed: ResolveAll = (_h, cb) => { cb(null, [{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }]) }
  const strict = createSafeDispatcher({ resolve: toLoopback })
  for (const url of [`http://rebind.example:${port}/`, `http://[::1]:${port}/`, 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', `http://[::ffff:127.0.0.1]:${port}/`]) {
    await t.rejects(safeRequest(url, strict, { timeoutMs: 2000 }), BlockedAddressError, url)
  }
  await t.rejects(safeRequest('http://mixed.example/', createSafeDispatcher({ resolve: mixed }), { timeoutMs: 2000 }), BlockedAddressError, 'one private address refuses the name')
  t.equal(hits, 0, 'nothing reached the server')
  const open = createSafeDispatcher({ allowPrivate: true, resolve: toLoopback })
  t.equal((await safeRequest(`http://rebind.example:${port}/`, open, { timeoutMs: 2000 })).bodyText, 'ok', 'the injected resolver is the one used')
  const started = Date.now()
  await t.rejects(safeRequest(`http://127.0.0.1:${port}/slow`, open, { timeoutMs: 100 }))
  t.ok(Date.now() - started < 800, 'timeout honoured')
})
