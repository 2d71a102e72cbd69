// Issue 14 item 13: on 3e68a40 GA_TRUST_PROXY=true trusted every hop, so the client IP was the
// left-most X-Forwarded-For entry — whatever the client wrote. Now true means one proxy; a hop
// count or a list of proxy CIDRs can be given, as Fastify's trustProxy takes them.
import t from 'tap'
import Fastify from 'fastify'
import { loadConfig } from '../../src/config.js'
import { trustFunction } from '../../src/net/trust-proxy.js'
import { build } from '../helper.js'

const CASES: Array<[string, string | undefined, string, string, string]> = [
  // name, GA_TRUST_PROXY, socket address, X-Forwarded-For, expected req.ip
  ['unset: the socket address', undefined, '10.0.0.5', '6.6.6.6, 203.0.113.9', '10.0.0.5'],
  ['true = one proxy: the entry it appended', 'true', '10.0.0.5', '6.6.6.6, 203.0.113.9', '203.0.113.9'],
  ['two hops', '2', '10.0.0.5', '6.6.6.6, 203.0.113.9, 10.0.0.4', '203.0.113.9'],
  ['CIDR list: trusted proxies skipped', '10.0.0.0/8', '10.0.0.5', '6.6.6.6, 203.0.113.9, 10.0.0.4', '203.0.113.9'],
  ['CIDR list: an untrusted peer is the client', '10.0.0.0/8', '198.51.100.7', '6.6.6.6', '198.51.100.7'],
  ['named range and IPv4-mapped socket address', 'loopback', '::ffff:127.0.0.1', '6.6.6.6, 203.0.113.9', '203.0.113.9'],
  ['IPv6 CIDR', 'fd00::/8', 'fd00::1', '2001:db8::1, 2606:4700::1', '2606:4700::1']
]

for (const [name, setting, remoteAddress, xff, want] of CASES) {
  t.test(name, async t => {
    const config = loadConfig({ GA_TRUST_PROXY: setting })
    const app = Fastify({ trustProxy: trustFunction(config.trustProxy) })
    app.get('/', async req => ({ ip: req.ip }))
    const res = await app.inject({ url: '/', remoteAddress, headers: { 'x-forwarded-for': xff } })
    t.equal(res.json().ip, want)
    await app.close()
  })
}

t.test('through the app: rotating a spoofed left-most entry does not reset a per-IP limit', async t => {
  const { app } = await build(t, { env: { GA_TRUST_PROXY: 'true', GA_RATE_LIMIT_PUBLIC: '1' } })
  const beacon = async (xff: string): Promise<number> => (await app.inject({
    method: 'POST', url: '/ga/t/event', headers: { 'content-type': 'text/plain', 'x-forwarded-for': xff }, payload: '{}'
  })).statusCode
  t.not(await beacon('6.6.6.1, 203.0.113.9'), 429)
  t.equal(await beacon('6.6.6.2, 203.0.113.9'), 429, 'the same client behind the same proxy')
  t.not(await beacon('6.6.6.3, 203.0.113.10'), 429, 'another client')
})
