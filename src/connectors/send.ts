// The one I/O step of a delivery: send a BuiltRequest with undici and turn whatever happens
// (answer, timeout, refused connection) into a DeliveryOutcome. No redirects are followed.
import { request, type Dispatcher } from 'undici'
import type { BuiltRequest, Connector, DeliveryOutcome, ResponseHeaders } from './types.js'

export const DEFAULT_SEND_TIMEOUT_MS = 10_000
/** Platform answers are small; we never buffer more than this of one. */
export const MAX_RESPONSE_BYTES = 256 * 1024

export interface SendOptions {
  timeoutMs?: number
  dispatcher?: Dispatcher
}

export interface RawResponse {
  status: number
  headers: ResponseHeaders
  bodyText: string
}

async function readCapped (body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const remaining = MAX_RESPONSE_BYTES - size
    if (remaining <= 0) continue // keep draining so the connection can be reused
    chunks.push(chunk.subarray(0, remaining))
    size += Math.min(chunk.length, remaining)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export async function sendBuiltRequest (built: BuiltRequest, options: SendOptions = {}): Promise<RawResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS
  const response = await request(built.url, {
    method: built.method,
    headers: built.headers,
    body: built.body,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher })
  })
  return { status: response.statusCode, headers: response.headers, bodyText: await readCapped(response.body) }
}

/** Transport failures (timeouts, resets, DNS) are transient; the reason never includes headers or body. */
export async function sendAndClassify (connector: Connector, built: BuiltRequest, options: SendOptions = {}): Promise<DeliveryOutcome> {
  let raw: RawResponse
  try {
    raw = await sendBuiltRequest(built, options)
  } catch (error) {
    const e = error as { name?: string, code?: string, message?: string }
    return { ok: false, kind: 'transient', reason: `transport: ${e.code ?? e.name ?? 'error'}${e.message ? ` ${e.message}` : ''}`.slice(0, 300) }
  }
  return connector.parseResponse(raw.status, raw.headers, raw.bodyText, Date.now())
}
