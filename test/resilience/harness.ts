// Shared plumbing for the fault tests: the real server as a child process (`node --import tsx
// src/server.ts`), a dedicated embedded PostgreSQL that a test may stop and restart, beacons and
// redirects over undici (never following redirects), and closed-loop client pools bounded in time.
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { Agent, request } from 'undici'
import { TEST_SECRET } from '../helper.js'
import { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded.js'

const ROOT = new URL('../..', import.meta.url).pathname

interface Tap { teardown: (fn: () => unknown) => void }

export const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
export const LINK_DOMAIN = 'go.example.com'

export const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

export interface Server {
  child: ChildProcess
  baseUrl: string
  output: () => string
  /** The default workspace's first key, when this process created it. */
  key: string | null
  exited: Promise<number | null>
}

/** Starts src/server.ts on a free port; resolves once it logs that it listens. Killed at teardown. */
export async function startServer (t: Tap, env: Record<string, string>): Promise<Server> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], {
    env: { PATH: process.env.PATH ?? '', GA_SECRET: TEST_SECRET, PORT: String(port), HOST: '127.0.0.1', GA_DATA_DIR: tmpdir(), GA_WORKERS: 'false', LOG_LEVEL: 'info', ...env },
    cwd: ROOT
  })
  let out = ''
  child.stdout?.on('data', d => { out += d })
  child.stderr?.on('data', d => { out += d })
  const exited = new Promise<number | null>(resolve => { child.on('exit', code => { resolve(code) }) })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const started = Date.now()
  while (!out.includes('Server listening')) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${out.slice(-2000)}`)
    if (Date.now() - started > 90_000) throw new Error(`server did not start: ${out.slice(-2000)}`)
    await sleep(50)
  }
  return { child, baseUrl: `http://127.0.0.1:${port}`, output: () => out, key: /(gak_[0-9A-Za-z]{32})/.exec(out)?.[1] ?? null, exited }
}

export interface Cluster { url: (db: string) => string, stop: () => Promise<void>, restart: () => Promise<void> }

/** An embedded cluster of the test's own (on a fixed port so a restart keeps the URL). */
export async function dedicatedCluster (t: Tap): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ga-resilience-'))
  chmodSync(dir, 0o755)
  const port = await freePort()
  let db: EmbeddedDatabase | null = await startEmbeddedDatabase({ dataDir: dir, port })
  t.teardown(async () => { if (db !== null) await db.stop(); rmSync(dir, { recursive: true, force: true }) })
  const first = db
  return {
    url: name => first.url(name),
    stop: async () => { if (db !== null) { const d = db; db = null; await d.stop() } },
    restart: async () => { db ??= await startEmbeddedDatabase({ dataDir: dir, port }) }
  }
}

/** One pooled agent per test file, so the clients reuse connections as browsers would. */
export const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 })

export interface Answer { status: number, headers: Record<string, string | string[] | undefined>, text: string }

export async function send (baseUrl: string, method: string, path: string, opts: { headers?: Record<string, string>, body?: string } = {}): Promise<Answer> {
  const res = await request(baseUrl + path, { method: method as 'GET', headers: opts.headers, body: opts.body, dispatcher: agent, headersTimeout: 15_000, bodyTimeout: 15_000 })
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() }
}

export async function beacon (baseUrl: string, eventId: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Answer> {
  const body = JSON.stringify({ event_type: 'pageview', event_id: eventId, url: 'https://shop.example.com/p', referrer: '', ...extra })
  return await send(baseUrl, 'POST', '/ga/t/event', { headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': UA, ...headers }, body })
}

export async function click (baseUrl: string, key: string, userAgent = UA): Promise<Answer> {
  return await send(baseUrl, 'GET', `/${key}`, { headers: { host: LINK_DOMAIN, 'user-agent': userAgent } })
}

/** The click id a redirect carries: ga_id=<click id> in its Location. */
export function clickIdOf (answer: Answer): string | null {
  const location = answer.headers.location
  if (typeof location !== 'string') return null
  return new URL(location).searchParams.get('ga_id')
}

export async function createLink (baseUrl: string, apiKey: string, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await send(baseUrl, 'POST', '/ga/api/links', { headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ domain: LINK_DOMAIN, ...body }) })
  if (res.status !== 201 && res.status !== 200) throw new Error(`link create ${res.status}: ${res.text}`)
  return JSON.parse(res.text) as { id: string }
}

/** Counts answers by status ('error' for a failed connection). */
export class Tally {
  readonly counts = new Map<string, number>()
  add (status: number | 'error'): void { this.counts.set(String(status), (this.counts.get(String(status)) ?? 0) + 1) }
  get (status: number | 'error'): number { return this.counts.get(String(status)) ?? 0 }
  toJSON (): Record<string, number> { return Object.fromEntries(this.counts) }
}

/** `clients` concurrent loops calling `step` until `running()` turns false. */
export async function clientPool (clients: number, running: () => boolean, step: (client: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    while (running()) await step(c)
  }))
}

/** Polls `probe` until true or `timeoutMs`; throws with `what` on timeout. */
export async function waitUntil (probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now()
  while (!await probe()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(100)
  }
}

export const newId = (): string => randomUUID()
