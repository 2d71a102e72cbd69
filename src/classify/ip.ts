// IP helpers: canonical form, non-public ranges (never geo-located) and storage anonymisation
// (security §3.11: IPv4 → /24, IPv6 → /48, derive geo first, then drop the full address).
import { BlockList, isIPv4, isIPv6 } from 'node:net'

export const IP_MODES = ['full', 'truncate', 'none'] as const
export type IpMode = typeof IP_MODES[number]

export function isIpMode (value: unknown): value is IpMode {
  return typeof value === 'string' && (IP_MODES as readonly string[]).includes(value)
}

// WHATWG URL serialises IPv6 in RFC 5952 form with hex groups, so a mapped IPv4 reads `::ffff:102:304`.
const MAPPED_V4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/

/** Canonical textual IP (IPv4-mapped IPv6 unwrapped, IPv6 compressed lower-case), or null if invalid. */
export function canonicalIp (ip: string | null | undefined): string | null {
  if (typeof ip !== 'string') return null
  const s = ip.trim().replace(/%.*$/, '') // a zone id (`fe80::1%eth0`) is local routing detail
  if (isIPv4(s)) return s
  if (!isIPv6(s)) return null
  const v6 = new URL(`http://[${s}]/`).hostname.slice(1, -1)
  const mapped = MAPPED_V4.exec(v6)
  if (mapped === null) return v6
  const [hi, lo] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)]
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
}

const NON_PUBLIC = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4]
] as const) NON_PUBLIC.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]
] as const) NON_PUBLIC.addSubnet(net, prefix, 'ipv6')

/** True for loopback, private, link-local, CGNAT, documentation, multicast and reserved ranges. */
export function isNonPublicIp (canonical: string): boolean {
  return NON_PUBLIC.check(canonical, isIPv4(canonical) ? 'ipv4' : 'ipv6')
}

function expandIpv6 (canonical: string): number[] {
  const [head, tail] = canonical.includes('::') ? canonical.split('::') : [canonical, undefined]
  const groups = (part: string | undefined): number[] => (part === undefined || part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)))
  const left = groups(head)
  const right = groups(tail)
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
}

function truncate (canonical: string): string {
  if (isIPv4(canonical)) return canonical.replace(/\.\d+$/, '.0')
  const kept = expandIpv6(canonical).slice(0, 3).map((g) => g.toString(16)).join(':')
  return canonicalIp(`${kept}::`) ?? '::'
}

/**
 * The IP as it may be stored: `full` keeps it (canonicalised), `truncate` keeps the network
 * (IPv4 /24, IPv6 /48), `none` stores nothing. Invalid input → null.
 */
export function anonymizeIp (ip: string | null | undefined, mode: IpMode): string | null {
  if (mode === 'none') return null
  const canonical = canonicalIp(ip)
  if (canonical === null) return null
  return mode === 'full' ? canonical : truncate(canonical)
}
