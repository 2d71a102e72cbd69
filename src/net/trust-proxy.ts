// GA_TRUST_PROXY as the trust function Fastify (proxy-addr) calls for each hop, nearest first:
// `(address, i)` → may this hop set X-Forwarded-*? The client IP is then the nearest address that
// is not trusted, so a client can never choose its own IP by prepending X-Forwarded-For entries.
// Fastify 5.12 treats a bare hop count as "trust nobody"; a function keeps the documented meaning.
import { BlockList, isIP } from 'node:net'
import type { TrustProxy } from '../config.js'

export type TrustFn = (address: string, hop: number) => boolean

const NAMED: Readonly<Record<string, ReadonlyArray<[string, number, 'ipv4' | 'ipv6']>>> = {
  loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  linklocal: [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']],
  uniquelocal: [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']]
}

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i

/** false when no proxy is trusted (Fastify's own default). */
export function trustFunction (trust: TrustProxy): TrustFn | false {
  if (trust.kind === 'none') return false
  if (trust.kind === 'hops') {
    const hops = trust.hops
    return (_address, hop) => hop < hops
  }
  const list = new BlockList()
  for (const entry of trust.addresses) {
    const named = NAMED[entry]
    if (named !== undefined) { for (const [net, prefix, family] of named) list.addSubnet(net, prefix, family); continue }
    const [ip, prefix] = entry.split('/')
    const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6'
    if (prefix === undefined) list.addAddress(ip, family)
    else list.addSubnet(ip, Number(prefix), family)
  }
  return address => {
    const v4 = MAPPED_V4.exec(address)?.[1] ?? address
    const family = isIP(v4)
    return family !== 0 && list.check(v4, family === 4 ? 'ipv4' : 'ipv6')
  }
}
