// Outbound HTTP to URLs a customer chose (webhook connector, webhooks feature): the SSRF guard of
// security.md §3.3 enforced at CONNECT time, after DNS, for every resolved address (a check at
// registration alone loses to DNS rebinding). IP literals never reach `lookup`, so the connector
// checks them itself. No redirects are followed, every request has a timeout and the response
// body read is capped.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { isIP } from 'node:net'
import { Agent, buildConnector, request, type Dispatcher } from 'undici'
import { isSpecialPurpose } from './special-purpose.js'

/**
 * A connection refused by the address policy. The message never names the address: it reaches
 * tenants (dispatch and delivery logs, 422 answers), and what a name resolves to inside our network
 * is not theirs to learn. `address` stays on the object for our own logs.
 */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_BLOCKED_ADDRESS'
  constructor (readonly address: string) {
    super('refusing to connect to a non-public address')
    this.name = 'BlockedAddressError'
  }
}

/** True for any address that is not public unicast: the whole IANA special-purpose registry (special-purpose.ts). */
export function isBlockedAddress (address: string): boolean {
  return isSpecialPurpose(address)
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
