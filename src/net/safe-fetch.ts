// Outbound HTTP to URLs a customer chose (webhook connector, webhooks feature): the SSRF guard of
// security.md §3.3 enforced at CONNECT time, after DNS, for every resolved address (a check at
// registration alone loses to DNS rebinding). IP literals never reach `lookup`, so the connector
// checks them itself. No redirects are followed, every request has a timeout and the response
// body read is capped.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP } from 'node:net'
import { Agent, buildConnector, request, type Dispatcher } from 'undici'

export class BlockedAddressError extends Error {
  readonly code = 'ERR_BLOCKED_ADDRESS'
  constructor (readonly address: string) {
    super(`refusing to connect to non-public address ${address}`)
    this.name = 'BlockedAddressError'
  }
}

// Everything that is not public unicast (security.md §3.3 table). NAT64 and 6to4 embed IPv4
// addresses we cannot vet cheaply, so they are refused outright; IPv4-mapped IPv6 is unwrapped.
const V4_BLOCKED: readonly [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4]
]
const V6_BLOCKED: readonly [string, number][] = [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['2001:db8::', 32],
  ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['2002::', 16], ['100::', 64]
]
const blocked = new BlockList()
for (const [net, prefix] of V4_BLOCKED) blocked.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of V6_BLOCKED) blocked.addSubnet(net, prefix, 'ipv6')
const mapped = new BlockList()
mapped.addSubnet('::ffff:0:0', 96, 'ipv6')

/** "::ffff:7f00:1" / "::ffff:127.0.0.1" → "127.0.0.1". */
function unwrapMappedV4 (ip: string): string {
  const host = new URL(`http://[${ip}]/`).hostname.slice(1, -1) // WHATWG normalises to hex groups
  const [hi, lo] = host.split(':').slice(-2).map((g) => parseInt(g, 16))
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
}

/** True for any address that is not public unicast (loopback, private, link-local, metadata, multicast, reserved). */
export function isBlockedAddress (address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  const family = isIP(ip)
  if (family === 4) return blocked.check(ip, 'ipv4')
  if (family !== 6) return true // not an address at all: refuse rather than guess
  if (mapped.check(ip, 'ipv6')) return isBlockedAddress(unwrapMappedV4(ip))
  return blocked.check(ip, 'ipv6')
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/** Every address of a name (dns.lookup with all: true); injectable so tests can make a name resolve anywhere. */
export type ResolveAll = (hostname: string, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void

export const systemResolve: ResolveAll = (hostname, callback) => { dnsLookup(hostname, { all: true, verbatim: true }, callback) }

/** dns.lookup that fails when ANY resolved address is blocked (a name must not mix public and private). */
export function safeLookup (hostname: string, options: { all?: boolean, family?: number | string }, callback: LookupCallback): void {
  guardedLookup(systemResolve, true)(hostname, options, callback)
}

/** A net.connect `lookup` over `resolve`; with `vet` false it only resolves (allowPrivate). */
export function guardedLookup (resolve: ResolveAll, vet: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => resolve(hostname, (err, addresses) => {
    if (err !== null) { callback(err, []); return }
    const bad = vet ? addresses.find((a) => isBlockedAddress(a.address)) : undefined
    if (bad !== undefined) { callback(new BlockedAddressError(bad.address) as unknown as NodeJS.ErrnoException, []); return }
    if (addresses.length === 0) { callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []); return }
    if (options.all === true) callback(null, addresses)
    else callback(null, addresses[0].address, addresses[0].family)
  })
}

export interface SafeDispatcherOptions {
  /** Development/tests only (GA_WEBHOOK_ALLOW_PRIVATE): skip the address checks. */
  allowPrivate?: boolean
  connectTimeoutMs?: number
  /** DNS resolution (default: the system resolver); tests inject one to simulate rebinding. */
  resolve?: ResolveAll
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000

/** An undici Agent whose every connection is vetted after DNS; share one per process. */
export function createSafeDispatcher (options: SafeDispatcherOptions = {}): Dispatcher {
  const timeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  const resolve = options.resolve ?? systemResolve
  if (options.allowPrivate === true) return new Agent({ connect: { timeout, lookup: guardedLookup(resolve, false) as never } })
  const connector = buildConnector({ timeout, lookup: guardedLookup(resolve, true) as never })
  return new Agent({
    connect: (opts, callback) => {
      const host = opts.hostname.replace(/^\[|\]$/g, '')
      if (isIP(host) !== 0 && isBlockedAddress(host)) {
        callback(new BlockedAddressError(host), null)
        return
      }
      connector(opts, callback)
    }
  })
}

export const DEFAULT_SAFE_TIMEOUT_MS = 15_000
export const DEFAULT_SAFE_MAX_BYTES = 64 * 1024

export interface SafeRequest {
  method?: 'POST' | 'GET' | 'PUT'
  headers?: Record<string, string>
  body?: string
  timeoutMs?: number
  maxBytes?: number
}

export interface SafeResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** At most maxBytes of the body, decoded as UTF-8. */
  bodyText: string
}

async function readCapped (body: AsyncIterable<Buffer>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    if (size >= maxBytes) continue // drain without keeping
    chunks.push(chunk.subarray(0, maxBytes - size))
    size += Math.min(chunk.length, maxBytes - size)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** One request through a safe dispatcher: http(s) only, no redirects (3xx is returned as is), timeout, capped body. */
export async function safeRequest (url: string, dispatcher: Dispatcher, init: SafeRequest = {}): Promise<SafeResponse> {
  const parsed = new URL(url)
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`refusing ${parsed.protocol} URL`)
  if (parsed.username !== '' || parsed.password !== '') throw new Error('refusing URL with credentials')
  const timeoutMs = init.timeoutMs ?? DEFAULT_SAFE_TIMEOUT_MS
  const response = await request(parsed, {
    method: init.method ?? 'POST',
    headers: { 'accept-encoding': 'identity', ...init.headers },
    body: init.body,
    dispatcher,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs)
  })
  return { status: response.statusCode, headers: response.headers, bodyText: await readCapped(response.body, init.maxBytes ?? DEFAULT_SAFE_MAX_BYTES) }
}
