// Outbound HTTP to customer-supplied URLs (webhooks), SSRF-safe (security.md §3.3):
//  * every address a host name resolves to is checked AT CONNECT TIME, inside the socket's own DNS
//    lookup, so a name that flips to 127.0.0.1 after validation (DNS rebinding) is still refused;
//  * IP-literal hosts (which skip DNS) are checked before the socket opens, and the connected
//    peer address is checked again as a last line of defence;
//  * redirects are never followed; connect, header and body timeouts; the response body is capped.
// `allowPrivate` turns the address checks off (GA_WEBHOOK_ALLOW_PRIVATE, development and tests).
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns'
import { isIP, type Socket } from 'node:net'
import { Agent, buildConnector, request, type Dispatcher } from 'undici'
import { isPublicAddress, unbracket } from './address-policy.js'

export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError'
  readonly code = 'BLOCKED_ADDRESS'
  constructor (readonly host: string, readonly address: string) {
    super(`refusing to connect to ${host}: ${address} is not a public address`)
  }
}

export class ResponseTooSlowError extends Error {
  override name = 'ResponseTooSlowError'
  readonly code = 'TIMEOUT'
}

/** Same shape as dns.lookup with {all: true}; tests inject one to make a name resolve anywhere. */
export type LookupAll = (hostname: string, callback: (err: Error | null, addresses: LookupAddress[]) => void) => void

export interface SafeAgentOptions {
  allowPrivate: boolean
  connectTimeoutMs?: number
  /** DNS resolution; defaults to the system resolver (dns.lookup, all addresses). */
  lookup?: LookupAll
  /** Keep-alive sockets per origin (small: one endpoint rarely needs more). */
  connectionsPerOrigin?: number
}

export const systemLookup: LookupAll = (hostname, callback) => {
  dnsLookup(hostname, { all: true, verbatim: true } satisfies LookupAllOptions, callback)
}

type NetLookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void

/** A net.connect `lookup` that resolves every address and refuses the host if ANY is not public. */
export function guardedLookup (resolve: LookupAll, allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: NetLookupCallback): void => {
    resolve(hostname, (err, addresses) => {
      if (err !== null) { callback(err, []); return }
      if (addresses.length === 0) { callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), []); return }
      if (!allowPrivate) {
        const bad = addresses.find(a => !isPublicAddress(a.address))
        if (bad !== undefined) { callback(new BlockedAddressError(hostname, bad.address), []); return }
      }
      if (options.all === true) callback(null, addresses)
      else callback(null, addresses[0].address, addresses[0].family)
    })
  }
}

/** An undici dispatcher whose every new connection passes the address policy. */
export function createSafeAgent (opts: SafeAgentOptions): Agent {
  const base = buildConnector({
    timeout: opts.connectTimeoutMs ?? 5_000,
    lookup: guardedLookup(opts.lookup ?? systemLookup, opts.allowPrivate) as never
  })
  const connect: buildConnector.connector = (options, callback) => {
    const host = unbracket(options.hostname)
    if (!opts.allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) {
      callback(new BlockedAddressError(host, host), null)
      return
    }
    base(options, (err, socket) => {
      if (err !== null) { callback(err, null); return }
      const peer = (socket as Socket).remoteAddress
      if (!opts.allowPrivate && (peer === undefined || !isPublicAddress(peer))) {
        (socket as Socket).destroy()
        callback(new BlockedAddressError(host, peer ?? 'unknown'), null)
        return
      }
      callback(null, socket)
    })
  }
  return new Agent({ connect, connections: opts.connectionsPerOrigin ?? 4, keepAliveTimeout: 10_000 })
}

export interface SafeRequest {
  method?: 'POST' | 'GET' | 'PUT'
  headers?: Record<string, string>
  body?: string | Buffer
  /** Whole exchange, from connect to the last body byte. */
  timeoutMs: number
  /** Bytes of response body kept; the rest is discarded (default 64 KiB). */
  maxBodyBytes?: number
}

export interface SafeResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** At most maxBodyBytes, decoded as UTF-8. */
  body: string
  truncated: boolean
  durationMs: number
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024

/**
 * One request through `agent`. Never follows redirects (a 3xx is returned as is). Throws
 * BlockedAddressError, ResponseTooSlowError or the network error.
 */
export async function safeFetch (agent: Dispatcher, url: string, req: SafeRequest): Promise<SafeResponse> {
  const parsed = new URL(url)
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('only http(s) URLs can be fetched')
  const started = performance.now()
  const signal = AbortSignal.timeout(req.timeoutMs)
  const cap = req.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  try {
    const res = await request(parsed, {
      dispatcher: agent,
      method: req.method ?? 'POST',
      headers: { 'accept-encoding': 'identity', ...req.headers },
      body: req.body,
      signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs
    })
    const chunks: Buffer[] = []
    let kept = 0
    let truncated = false
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (kept + chunk.length > cap) {
        chunks.push(chunk.subarray(0, cap - kept))
        kept = cap
        truncated = true
        res.body.destroy() // stop reading: a huge or endless body costs us nothing more
        break
      }
      chunks.push(chunk)
      kept += chunk.length
    }
    return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), truncated, durationMs: Math.round(performance.now() - started) }
  } catch (err) {
    if (signal.aborted || isTimeout(err)) throw new ResponseTooSlowError(`no complete answer within ${req.timeoutMs} ms`)
    throw err
  }
}

function isTimeout (err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
}
