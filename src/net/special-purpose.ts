// The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and successors, as of 2025),
// plus multicast and the deprecated site-local range: every block that is not ordinary public
// unicast. Outbound requests to customer-chosen URLs (security.md §3.3) must never reach them.
// Blocks are listed whole even where the registry marks a few addresses inside as globally
// reachable (192.0.0.9/10, 2001:1::1, 2001:3::/32 …): no webhook receiver lives there.
import { BlockList, isIP } from 'node:net'

export const SPECIAL_PURPOSE_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (CGNAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.31.196.0', 24], // AS112-v4
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['192.175.48.0', 24], // direct delegation AS112
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4] // reserved, including 255.255.255.255 (limited broadcast)
]

export const SPECIAL_PURPOSE_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated): reaches the embedded IPv4 address
  ['::ffff:0:0', 96], // IPv4-mapped: unwrapped and judged as IPv4 by isSpecialPurpose
  ['64:ff9b::', 96], // NAT64 well-known prefix
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['100:0:0:1::', 64], // dummy IPv6 prefix
  ['2001::', 23], // IETF protocol assignments: Teredo 2001::/32, benchmarking 2001:2::/48, ORCHID …
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: reaches an embedded IPv4 address
  ['2620:4f:8000::', 48], // direct delegation AS112
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing (SRv6) SIDs
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8] // multicast
]

const V4 = new BlockList()
for (const [net, prefix] of SPECIAL_PURPOSE_V4) V4.addSubnet(net, prefix, 'ipv4')
const V6 = new BlockList()
for (const [net, prefix] of SPECIAL_PURPOSE_V6) if (net !== '::ffff:0:0') V6.addSubnet(net, prefix, 'ipv6')
const MAPPED = new BlockList()
MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6')

/** "::ffff:7f00:1" / "::ffff:127.0.0.1" → "127.0.0.1". */
function unwrapMappedV4 (ip: string): string {
  const host = new URL(`http://[${ip}]/`).hostname.slice(1, -1) // WHATWG normalises to hex groups
  const [hi, lo] = host.split(':').slice(-2).map(g => parseInt(g, 16))
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
}

/** True for any address in a special-purpose block, and for anything that is not an IP address at all. */
export function isSpecialPurpose (address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  const family = isIP(ip)
  if (family === 4) return V4.check(ip, 'ipv4')
  if (family !== 6) return true
  if (MAPPED.check(ip, 'ipv6')) return isSpecialPurpose(unwrapMappedV4(ip))
  return V6.check(ip, 'ipv6')
}
