// The link cache: coalesced loads, negative entries, invalidation by key across domains, and a
// load racing an invalidation is not cached.
import t from 'tap'
import { decodeInvalidation, encodeInvalidation, LinkCache, type CachedLink } from './cache.js'

const link = (key: string, url = 'https://example.com/'): CachedLink => ({
  id: key, workspaceId: 'w', domain: 'go.example.com', key, url, linkType: 'short', expiresAtMs: null,
  expiredUrl: null, passwordHash: null, referrerPolicy: null, hasGeoTargeting: false
})

t.test('coalesces concurrent misses and caches negatives', async t => {
  let loads = 0
  const cache = new LinkCache(async (_d, key) => { loads++; await new Promise(resolve => setTimeout(resolve, 5)); return key === 'a' ? link('a') : null })
  const answers = await Promise.all([cache.resolve('go.example.com', 'a'), cache.resolve('go.example.com', 'a'), cache.resolve('go.example.com', 'zz')])
  t.equal(answers[0]?.key, 'a')
  t.equal(answers[2], null)
  t.equal(loads, 2)
  t.equal(cache.peek('go.example.com', 'zz'), null, 'negative entry')
  t.equal(cache.peek('other.example.net', 'a'), undefined)
})

t.test('invalidation drops the key on every domain, keys are case-sensitive', async t => {
  const cache = new LinkCache(async (domain, key) => link(key, `https://${domain}.example/`))
  await cache.resolve('go.example.com', 'a')
  await cache.resolve('x.example.net', 'a')
  await cache.resolve('go.example.com', 'A')
  cache.invalidateKeys(['a'])
  t.equal(cache.peek('go.example.com', 'a'), undefined)
  t.equal(cache.peek('x.example.net', 'a'), undefined)
  t.not(cache.peek('go.example.com', 'A'), undefined)
})

t.test('a load that started before an invalidation is not cached', async t => {
  let release: () => void = () => {}
  const cache = new LinkCache(async (_domain, key) => { await new Promise<void>(resolve => { release = resolve }); return link(key) })
  const pending = cache.resolve('go.example.com', 'a')
  cache.invalidateKeys(['a'])
  release()
  t.equal((await pending)?.key, 'a', 'the caller still gets the answer')
  t.equal(cache.peek('go.example.com', 'a'), undefined)
})

t.test('notification payloads', async t => {
  t.same(decodeInvalidation(encodeInvalidation(['a', 'b', 'a'])), ['a', 'b'])
  t.equal(decodeInvalidation('garbage'), null)
  t.equal(decodeInvalidation('{"k":[1]}'), null)
})
