// Issue 14 item 12: on 3e68a40 the SSRF guard let through IPv4-compatible (::/96), Teredo
// (2001::/32) and the rest of the IANA special-purpose registry, and its errors named the
// resolved address. Every special-purpose block is refused now, and no message reveals the address.
import t from 'tap'
import { createSafeDispatcher, isBlockedAddress, safeRequest, type ResolveAll } from '../../src/net/safe-fetch.js'
import { validateDestinationUrl } from '../../src/links/url-validation.js'
import { build } from '../helper.js'
import { inject } from './util.js'

const REFUSED = [
  '::127.0.0.1', '::7f00:1', '::a00:1', // IPv4-compatible ::/96
  '::ffff:0:0', '::ffff:127.0.0.1', '::ffff:169.254.169.254', // IPv4-mapped ::ffff:0:0/96
  '2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo 2001::/32
  '2001:2::1', '2001:10::1', '2001:20::1', // benchmarking, ORCHID, ORCHIDv2 (2001::/23)
  '3fff::1', '5f00::1', '2620:4f:8000::1', '100:0:0:1::1', '64:ff9b:1::1', 'fec0::1',
  '192.88.99.1', '192.31.196.1', '192.52.193.1', '192.175.48.1', '255.255.255.255', '0.1.2.3'
]
const ALLOWED = ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001::1', '::ffff:8.8.8.8', '2620:4f:8001::1']

t.test('every IANA special-purpose block is refused; public unicast is not', async t => {
  for (const ip of REFUSED) t.equal(isBlockedAddress(ip), true, ip)
  for (const ip of ALLOWED) t.equal(isBlockedAddress(ip), false, ip)
})

t.test('short-link destinations refuse the same literals', async t => {
  for (const ip of ['::127.0.0.1', '2001::1', '3fff::1']) t.equal(validateDestinationUrl(`https://[${ip}]/`, { ownDomains: [] }).ok, false, ip)
  t.equal(validateDestinationUrl('https://[2606:4700:4700::1111]/', { ownDomains: [] }).ok, true)
})

t.test('a refused connection does not reveal the address a name resolved to', async t => {
  const resolve: ResolveAll = (_host, cb) => { cb(null, [{ address: '10.11.12.13', family: 4 }]) }
  const err = await safeRequest('http://internal.example/', createSafeDispatcher({ resolve }), { timeoutMs: 2000 }).catch((e: unknown) => e as Error)
  t.ok(err instanceof Error)
  t.notMatch(String((err as Error).message), /10\.11\.12\.13/)
  t.notMatch(JSON.stringify({ message: (err as Error).message, cause: String((err as { cause?: unknown }).cause ?? '') }), /10\.11\.12\.13/)
  const literal = await safeRequest('http://[::7f00:1]:9/', createSafeDispatcher(), { timeoutMs: 2000 }).catch((e: unknown) => e as Error)
  t.match(String((literal as Error).message), /non-public address/)
  t.notMatch(String((literal as Error).message), /7f00|127\.0\.0\.1/)
})

t.test('webhook registration: 422 without the resolved address', async t => {
  const { app, auth } = await build(t)
  const res = await inject(app, 'POST', '/ga/api/webhooks', { headers: auth, body: { url: 'http://localhost:9/hook', event_types: ['link.created'] } })
  t.equal(res.status, 422)
  t.match(res.json.error, /non-public address/)
  t.notMatch(res.body, /127\.0\.0\.1|::1\b/)
  const literal = await inject(app, 'POST', '/ga/api/webhooks', { headers: auth, body: { url: 'http://[::a00:1]/hook', event_types: ['link.created'] } })
  t.equal(literal.status, 422, 'an IPv4-compatible literal is refused at registration')
  t.notMatch(literal.body, /a00:1/)
})
