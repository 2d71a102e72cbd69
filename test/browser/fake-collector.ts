// A stand-in for the GoodAnalytics service in browser tests: serves test pages and the built
// snippet, records every beacon POSTed to /ga/t/*, and answers /ga/t/click like the real one.
// Kept apart from the tests so they can later be pointed at the real server instead.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'

export const SNIPPET_PATH = '/ga/js/good-analytics.js'
export const TRACK_PREFIX = '/ga/t'

export interface Beacon {
  /** `/event` or `/click` (path below the tracking prefix). */
  readonly route: string
  readonly contentType: string
  readonly origin: string | undefined
  readonly body: Record<string, unknown>
  /** What the collector answered (the minted ga_id of a click). */
  readonly reply: Record<string, unknown>
}

export interface Collector {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly port: number
  readonly beacons: readonly Beacon[]
  /** Serves `html` at `path` (any query string) and returns the page URL on `origin`. */
  page(path: string, html: string): string
  /** Resolves with the beacons once `done(beacons)` holds; rejects after `timeoutMs`. */
  waitFor(done: (beacons: readonly Beacon[]) => boolean, timeoutMs?: number): Promise<readonly Beacon[]>
  clear(): void
  close(): Promise<void>
}

export interface CollectorOptions {
  /** Delay before answering /click, to test what happens while a click is pending. */
  readonly clickDelayMs?: number
}

const MAX_BODY_BYTES = 64 * 1024

export async function startFakeCollector(snippetFile: string, options: CollectorOptions = {}): Promise<Collector> {
  const snippet = await readFile(snippetFile, 'utf8')
  const pages = new Map<string, string>()
  const beacons: Beacon[] = []

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.statusCode = 500
      res.end(String(err))
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://collector.invalid')
    const origin = req.headers.origin
    if (url.pathname.startsWith(`${TRACK_PREFIX}/`)) {
      // Credentialed cross-origin requests need the reflected origin, never `*`.
      if (origin) {
        res.setHeader('access-control-allow-origin', origin)
        res.setHeader('access-control-allow-credentials', 'true')
        res.setHeader('vary', 'origin')
      }
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'POST, OPTIONS')
        res.setHeader('access-control-allow-headers', 'content-type')
        res.statusCode = 204
        res.end()
        return
      }
      if (req.method !== 'POST') return notFound(res)
      const route = url.pathname.slice(TRACK_PREFIX.length)
      const body = parseObject(await readBody(req))
      const isClick = route === '/click'
      const reply: Record<string, unknown> = isClick ? { status: 'ok', ga_id: randomUUID() } : { status: 'ok' }
      if (isClick && options.clickDelayMs) await new Promise((r) => setTimeout(r, options.clickDelayMs))
      beacons.push({ route, contentType: req.headers['content-type'] ?? '', origin, body, reply })
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(reply))
      return
    }
    if (req.method === 'GET' && url.pathname === SNIPPET_PATH) {
      res.setHeader('content-type', 'text/javascript; charset=utf-8')
      res.end(snippet)
      return
    }
    const html = req.method === 'GET' ? pages.get(url.pathname) : undefined
    if (html === undefined) return notFound(res)
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(html)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${port}`

  return {
    origin,
    port,
    beacons,
    page(path, html) {
      pages.set(path, html)
      return origin + path
    },
    async waitFor(done, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs
      while (!done(beacons)) {
        if (Date.now() > deadline) {
          throw new Error(`collector: condition not met within ${timeoutMs} ms; got ${JSON.stringify(beacons, null, 1)}`)
        }
        await new Promise((r) => setTimeout(r, 20))
      }
      return beacons
    },
    clear() {
      beacons.length = 0
    },
    close() {
      server.closeAllConnections()
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
    },
  }
}

function notFound(res: ServerResponse): void {
  res.statusCode = 404
  res.end('not found')
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new Error('body too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}
