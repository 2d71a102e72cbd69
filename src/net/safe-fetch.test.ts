import { createServer, type Server } from 'node:http'
import t, { type Test } from 'tap'
import { BlockedAddressError, createSafeAgent, ResponseTooSlowError, safeFetch, type LookupAll } from './safe-fetch.js'

async function serve (t: Test, handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server: Server = createServer(handler)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return (server.address() as { port: number }).port
}

const resolvesTo = (address: string, family = 4): LookupAll => (_host, cb) => { cb(null, [{ address, family }]) }

t.test('refused targets never get a connection', async t => {
  let hits = 0
  const port = await serve(t, (_req, res) => { hits++; res.end('ok') })
  const agent = createSafeAgent({ allowPrivate: false, lookup: resolvesTo('127.0.0.1') })
  t.teardown(async () => { await agent.close() })
  const targets = [
    `http://127.0.0.1:${port}/`,
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    `http://[::1]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://rebinding.example:${port}/` // the injected resolver answers 127.0.0.1
  ]
  for (const url of targets) {
    await t.rejects(safeFetch(agent, url, { timeoutMs: 2000, body: '{}' }), BlockedAddressError, url)
  }
  t.equal(hits, 0, 'the receiver saw nothing')
})

t.test('a name with one private address among public ones is refused', async t => {
  const lookup: LookupAll = (_h, cb) => { cb(null, [{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }]) }
  const agent = createSafeAgent({ allowPrivate: false, lookup })
  t.teardown(async () => { await agent.close() })
  await t.rejects(safeFetch(agent, 'http://mixed.example/', { timeoutMs: 2000 }), BlockedAddressError)
})

t.test('allowPrivate reaches local servers; redirects are not followed; body capped', async t => {
  const port = await serve(t, (req, res) => {
    if (req.url === '/redirect') { res.writeHead(302, { location: '/elsewhere' }); res.end(); return }
    if (req.url === '/big') { res.end('x'.repeat(200_000)); return }
    res.writeHead(201); res.end('created')
  })
  const agent = createSafeAgent({ allowPrivate: true })
  t.teardown(async () => { await agent.close() })
  const ok = await safeFetch(agent, `http://127.0.0.1:${port}/`, { timeoutMs: 2000, body: '{}' })
  t.equal(ok.status, 201)
  t.equal(ok.body, 'created')
  const redirect = await safeFetch(agent, `http://127.0.0.1:${port}/redirect`, { timeoutMs: 2000 })
  t.equal(redirect.status, 302)
  const big = await safeFetch(agent, `http://127.0.0.1:${port}/big`, { timeoutMs: 2000, maxBodyBytes: 1000 })
  t.equal(big.body.length, 1000)
  t.equal(big.truncated, true)
})

t.test('timeouts', async t => {
  const port = await serve(t, (_req, res) => { setTimeout(() => { res.end('late') }, 1000).unref() })
  const agent = createSafeAgent({ allowPrivate: true })
  t.teardown(async () => { await agent.close() })
  const started = Date.now()
  await t.rejects(safeFetch(agent, `http://127.0.0.1:${port}/`, { timeoutMs: 100 }), ResponseTooSlowError)
  t.ok(Date.now() - started < 800, 'gave up near the budget')
})
