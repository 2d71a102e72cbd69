// Guards issue 8 item 3 (stale URLs): a redirect burst against instance B while the link's URL is
// PATCHed through instance A (two app instances on one database). Once the PATCH has returned (its
// commit time), no redirect that started more than 1 s later may be served the old URL.
import t from 'tap'
import { createTestDatabase, listen } from '../helper.js'
import { click, clientPool, createLink, LINK_DOMAIN, send, sleep, Tally } from './harness.js'

const env = { GA_LINK_DOMAINS: LINK_DOMAIN }

interface Served { startedAt: number, location: string }

t.test('a click burst during a link PATCH: no stale URL more than 1 s after the commit', async t => {
  const databaseUrl = await createTestDatabase(t)
  const a = await listen(t, { env, databaseUrl })
  const b = await listen(t, { env, databaseUrl })
  const link = await createLink(a.baseUrl, a.apiKey, { url: 'https://example.com/old', key: 'burst' })

  const served: Served[] = []
  const tally = new Tally()
  let running = true
  const burst = clientPool(20, () => running, async () => {
    const startedAt = Date.now()
    try {
      const res = await click(b.baseUrl, 'burst')
      tally.add(res.status)
      if (res.status === 302) served.push({ startedAt, location: String(res.headers.location) })
    } catch {
      tally.add('error')
    }
  })

  await sleep(700)
  const patch = await send(a.baseUrl, 'PATCH', `/ga/api/links/${link.id}`, {
    headers: { ...a.auth, 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://example.com/new' })
  })
  const committedAt = Date.now()
  t.equal(patch.status, 200, 'the PATCH committed')
  await sleep(2500)
  running = false
  await burst

  t.same(tally.toJSON(), { 302: served.length }, 'every burst request redirected')
  const old = (s: Served): boolean => s.location.startsWith('https://example.com/old')
  const before = served.filter(s => s.startedAt < committedAt)
  const late = served.filter(s => s.startedAt > committedAt + 1000)
  t.ok(before.some(old), `the old URL was served before the PATCH (${before.length} redirects)`)
  t.ok(late.length >= 50, `a real burst after the grace second (${late.length} redirects)`)
  const stale = late.filter(old)
  t.same(stale.map(s => s.startedAt - committedAt), [], 'no redirect started > 1 s after the commit got the old URL')
  t.ok(late.every(s => s.location.startsWith('https://example.com/new')), 'they all got the new URL')
  const lastStale = Math.max(0, ...served.filter(old).map(s => s.startedAt - committedAt))
  t.comment(`last old-URL redirect started ${lastStale} ms after the commit; ${served.length} redirects in all`)
})
