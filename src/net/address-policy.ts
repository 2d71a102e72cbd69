// Which IP addresses an outbound request to a customer-supplied URL may reach (security.md §3.3).
// Pure: parses the address itself, so IPv4-mapped, NAT64 and 6to4 forms are unwrapped and the
// embedded IPv4 address is judged by the IPv4 rules (no "::ffff:127.0.0.1" bypass).
import { isIPv4, isIPv6 } from 'node:net'

/** [first bytes, prefix length in bits] of every range that is not the public internet. */
const BLOCKED_V4: ReadonlyArray<readonly [readonly number[], number]> = [
  [[0, 0, 0, 0], 8], // "this network", includes 0.0.0.0 (unspecified)
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10], // CGNAT
  [[127, 0, 0, 0], 8], // loopback
  [[169, 254, 0, 0], 16], // link-local, cloud metadata 169.254.169.254
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // TEST-NET-1
  [[192, 88, 99, 0], 24], // 6to4 relay anycast
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24], // TEST-NET-2
  [[203, 0, 113, 0], 24], // TEST-NET-3
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4] // reserved, includes 255.255.255.255
]

const BLOCKED_V6: ReadonlyArray<readonly [readonly number[], number]> = [
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 128], // :: unspecified
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128], // ::1 loopback
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 96], // IPv4-compatible (deprecated)
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64], // discard-only
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0x20, 0x01, 0x00, 0x00], 23], // IETF protocol assignments (Teredo, ORCHID, ...)
  [[0xfc], 7], // unique local, includes AWS metadata fd00:ec2::254
  [[0xfe, 0x80], 10], // link-local
  [[0xfe, 0xc0], 10], // site-local (deprecated)
  [[0xff], 8] // multicast
]

function matches (bytes: readonly number[], prefix: readonly number[], bits: number): boolean {
  for (let i = 0; i < bits; i += 8) {
    const take = Math.min(8, bits - i)
    const mask = (0xff << (8 - take)) & 0xff
    if (((bytes[i / 8] ?? 0) & mask) !== ((prefix[i / 8] ?? 0) & mask)) return false
  }
  return true
}

function v4Bytes (ip: string): number[] {
  return ip.split('.').map(Number)
}

/** The 16 bytes of an IPv6 address (zone id ignored). Caller ensures isIPv6(ip). */
export function v6Bytes (ip: string): number[] {
  let text = ip.split('%')[0].toLowerCase()
  let tail: number[] = []
  const lastColon = text.lastIndexOf(':')
  if (text.slice(lastColon + 1).includes('.')) {
    // Dotted IPv4 tail ("::ffff:1.2.3.4"): two 16-bit groups.
    tail = v4Bytes(text.slice(lastColon + 1))
    text = text.slice(0, lastColon + 1) + '0:0'
  }
  const [head, rest] = text.split('::')
  const groups = (s: string | undefined): number[] => (s === undefined || s === '' ? [] : s.split(':').map(g => parseInt(g, 16)))
  const h = groups(head)
  const r = groups(rest)
  const all = rest === undefined ? h : [...h, ...new Array<number>(8 - h.length - r.length).fill(0), ...r]
  const bytes = all.flatMap(g => [g >> 8, g & 0xff])
  if (tail.length === 4) bytes.splice(12, 4, ...tail)
  return bytes
}

/** The IPv4 address carried inside an IPv6 one (mapped, NAT64, 6to4), or null. */
function embeddedV4 (b: readonly number[]): number[] | null {
  if (matches(b, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96)) return b.slice(12, 16)
  if (matches(b, [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96)) return b.slice(12, 16) // NAT64 64:ff9b::/96
  if (matches(b, [0x20, 0x02], 16)) return b.slice(2, 6) // 6to4 2002::/16
  return null
}

function v4Allowed (b: readonly number[]): boolean {
  return !BLOCKED_V4.some(([prefix, bits]) => matches(b, prefix, bits))
}

/** True only for a public unicast address; false for private, loopback, metadata, garbage, ... */
export function isPublicAddress (ip: string): boolean {
  if (isIPv4(ip)) return v4Allowed(v4Bytes(ip))
  if (!isIPv6(ip)) return false
  const b = v6Bytes(ip)
  const v4 = embeddedV4(b)
  if (v4 !== null) return v4Allowed(v4)
  return !BLOCKED_V6.some(([prefix, bits]) => matches(b, prefix, bits))
}

/** "[::1]" (URL hostname form) → "::1"; other hosts unchanged. */
export function unbracket (host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}
