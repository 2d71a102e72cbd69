// Real local HTTP servers standing in for Meta, Google (Data Manager and Google Ads), LinkedIn,
// TikTok and a webhook receiver. Each checks the request the way the platform would (path,
// headers, body shape, hash format, signature), records it, and answers as scripted.
//   const fake = await startFakePlatform('meta', { accessToken: 'tok' })
//   fake.respondWith('rate_limited')        // or { kind: 'rate_limited', retryAfterSeconds: 5 }
//   ... send to fake.baseUrl ...; fake.requests[0].accepted
//   await fake.close()
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkGoogleAds, checkGoogleDataManager, checkLinkedin, checkMeta, checkTiktok, checkWebhook, type Incoming } from './checks.js'
import { answerFor, rejectionFor, type FakePlatformKind, type FakeScript } from './responses.js'

export type { FakePlatformKind, FakeScript } from './responses.js'

export interface RecordedRequest extends Incoming {
  /** Problems the platform would reject the request for; empty when it is well formed. */
  problems: string[]
  /** Well formed (and correctly authenticated when a token/secret was configured). */
  accepted: boolean
  /** Status the fake answered with; undefined while it hangs. */
  answeredStatus?: number
}

export interface FakePlatformOptions {
  /** When set, any other token is answered as the platform answers a bad token. */
  accessToken?: string
  /** Webhook: the whsec_ secret signatures must verify against. */
  webhookSecret?: string
  /** Webhook clock, for the timestamp tolerance check (default: real time). */
  nowSeconds?: () => number
}

export interface FakePlatform {
  kind: FakePlatformKind
  baseUrl: string
  requests: RecordedRequest[]
  /** Sets the answer for every following request until changed (well-formed requests only). */
  respondWith(script: FakeScript | FakeScript['kind']): void
  /** Answers only after this many milliseconds (a slow platform). */
  delay(ms: number): void
  close(): Promise<void>
}

function eventCount (body: unknown): number {
  if (body === null || typeof body !== 'object') return 1
  const b = body as Record<string, unknown>
  const list = b.data ?? b.events ?? b.elements ?? b.conversions
  return Array.isArray(list) ? list.length : 1
}

function checksFor (kind: FakePlatformKind, options: FakePlatformOptions): (req: Incoming) => string[] {
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000))
  switch (kind) {
    case 'meta': return (req) => checkMeta(req, options.accessToken)
    case 'google': return (req) => checkGoogleDataManager(req, options.accessToken)
    case 'google_ads': return (req) => checkGoogleAds(req, options.accessToken)
    case 'linkedin': return (req) => checkLinkedin(req, options.accessToken)
    case 'tiktok': return (req) => checkTiktok(req, options.accessToken)
    case 'webhook': return (req) => checkWebhook(req, options.webhookSecret, now())
  }
}

async function readBody (req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function startFakePlatform (kind: FakePlatformKind, options: FakePlatformOptions = {}): Promise<FakePlatform> {
  const requests: RecordedRequest[] = []
  const checks = checksFor(kind, options)
  let script: FakeScript = { kind: 'success' }
  let delayMs = 0

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const bodyText = await readBody(req)
      let body: unknown
      try { body = JSON.parse(bodyText) } catch { body = undefined }
      const url = new URL(req.url ?? '/', 'http://fake')
      const incoming: Incoming = { method: req.method ?? '', path: url.pathname, query: url.search, headers: req.headers, body, bodyText }
      const problems = checks(incoming)
      const record: RecordedRequest = { ...incoming, problems, accepted: problems.length === 0 }
      requests.push(record)
      const answer = problems.length > 0 ? rejectionFor(kind, problems) : answerFor(kind, script, eventCount(body))
      if (answer === 'hang') return // never answered; close() destroys the socket
      if (delayMs > 0) await new Promise(resolve => setTimeout(resolve, delayMs))
      record.answeredStatus = answer.status
      res.writeHead(answer.status, answer.headers)
      res.end(answer.body)
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    kind,
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    respondWith (next) {
      script = typeof next === 'string' ? ({ kind: next } as FakeScript) : next
    },
    delay (ms) { delayMs = ms },
    async close () {
      server.closeAllConnections()
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
    }
  }
}
