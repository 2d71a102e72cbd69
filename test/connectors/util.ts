// Shared set-up for the connector route/worker tests: an app whose platform origins point at
// real local fake platforms, helpers to configure a connector and to record a conversion
// through the public API (which plans the dispatch in the event's transaction).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { CREDENTIALS } from '../fakes/conversions.js'
import { startFakePlatform, type FakePlatform, type FakePlatformKind } from '../fakes/platforms.js'
import { build, type TestApp } from '../helper.js'

export const WS = '00000000-0000-0000-0000-000000000000'
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
interface Tap { teardown: (fn: () => unknown) => void }

export interface Client { app: FastifyInstance, auth: { authorization: string } }

export async function call (c: Client, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<{ status: number, body: Json }> {
  const res = await c.app.inject({ method, url, headers: c.auth, ...(payload === undefined ? {} : { payload: payload as Json }) })
  return { status: res.statusCode, body: res.body === '' ? {} : res.json() }
}

export const TOKENS = { meta: 'meta-token', google: 'google-token', linkedin: 'linkedin-token', tiktok: 'tiktok-token' } as const

export interface Platforms { fakes: Partial<Record<FakePlatformKind, FakePlatform>>, env: Record<string, string> }

/** One fake per platform, and the GA_*_API_BASE variables pointing at them. */
export async function startPlatforms (t: Tap, kinds: FakePlatformKind[]): Promise<Platforms> {
  const fakes: Partial<Record<FakePlatformKind, FakePlatform>> = {}
  const env: Record<string, string> = { GA_WEBHOOK_ALLOW_PRIVATE: 'true' }
  for (const kind of kinds) {
    const fake = await startFakePlatform(kind, { accessToken: (TOKENS as Record<string, string>)[kind], webhookSecret: CREDENTIALS.webhook.secret })
    t.teardown(async () => { await fake.close() })
    fakes[kind] = fake
    if (kind !== 'webhook') env[`GA_${kind.toUpperCase()}_API_BASE`] = fake.baseUrl
  }
  return { fakes, env }
}

export async function setup (t: Tap, kinds: FakePlatformKind[], opts: { env?: Record<string, string>, databaseUrl?: string } = {}): Promise<TestApp & Platforms & { c: Client }> {
  const platforms = await startPlatforms(t, kinds)
  const built = await build(t, { env: { ...platforms.env, ...opts.env }, ...(opts.databaseUrl === undefined ? {} : { databaseUrl: opts.databaseUrl }) })
  return { ...built, ...platforms, c: { app: built.app, auth: built.auth } }
}

export async function enable (c: Client, type: string, extra: Json = {}, webhookUrl?: string): Promise<Json> {
  const credentials = type === 'webhook' ? CREDENTIALS.webhook : (CREDENTIALS as Record<string, Json>)[type]
  const config = type === 'webhook' ? { options: { url: webhookUrl } } : {}
  const r = await call(c, 'PUT', `/ga/api/connectors/${type}`, { enabled: true, credentials, config, ...extra })
  if (r.status !== 200) throw new Error(`enable ${type}: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

export const SIGNALS = { fbclid: 'IwAR2xYz_AbC-123', _fbp: 'fb.1.1767000000000.1234567890', gclid: 'Cj0KCQiA_test-gclid', li_fat_id: 'a1b2c3d4-e5f6-4711-8899-aabbccddeeff', ttclid: 'E.C.P.abc123' }

let seq = 0
/** A visitor with an email, then a conversion through POST /ga/api/conversions/:kind. */
export async function convert (c: Client, kind: 'lead' | 'sale', body: Json = {}): Promise<{ event_id: string, dispatches: Array<{ id: string, connector: string, status: string }> }> {
  seq++
  const v = await call(c, 'POST', '/ga/api/visitors/resolve', { ga_id: `conv-${Date.now()}-${seq}` })
  if (v.status !== 200) throw new Error(`resolve ${v.status} ${JSON.stringify(v.body)}`)
  await call(c, 'POST', `/ga/api/visitors/${v.body.id as string}/identify`, { person_email: `Buyer${seq}@Example.com`, person_name: 'Ada Lovelace', person_phone: '+49 170 1234567' })
  const payload = { visitor_id: v.body.id, url: 'https://shop.example.com/thanks', connector_signals: SIGNALS, ...(kind === 'sale' ? { amount_cents: 4900, currency: 'EUR' } : {}), ...body }
  const r = await call(c, 'POST', `/ga/api/conversions/${kind}`, payload)
  if (r.status !== 201) throw new Error(`conversion ${r.status} ${JSON.stringify(r.body)}`)
  return r.body as never
}

export async function dispatchRow (app: FastifyInstance, id: string): Promise<Json> {
  const [row] = await app.database.sql`select * from connector_dispatches where id = ${id}`
  return row
}

/** Makes a scheduled retry due now (instead of waiting out the backoff). */
export async function makeDue (app: FastifyInstance, id: string): Promise<void> {
  await app.database.sql`update connector_dispatches set next_attempt_at = now() - interval '1 second' where id = ${id}`
}

/** A custom connector module (GA_CONNECTOR_MODULES): sale only, 1 s delivery window, posts event ids to options.url. */
export const VALID_MODULE = `export default {
  type: 'acme', supportedEventTypes: ['sale'], requiredSignals: [], credentialKeys: ['api_key'], configKeys: ['url'],
  maxBatchSize: 10, deliveryWindowMs: 1000,
  buildRequest: (input, ctx) => ({ method: 'POST', url: ctx.config.options.url, headers: { 'content-type': 'application/json', 'x-api-key': ctx.credentials.api_key }, body: JSON.stringify([input.connectorEventId]) }),
  buildBatchRequest: (inputs, ctx) => ({ method: 'POST', url: ctx.config.options.url, headers: { 'content-type': 'application/json', 'x-api-key': ctx.credentials.api_key }, body: JSON.stringify(inputs.map(i => i.connectorEventId)) }),
  parseResponse: (status) => status < 300 ? { ok: true } : { ok: false, kind: 'transient', reason: 'HTTP ' + status }
}
`

export function writeModule (source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ga-connector-'))
  const file = join(dir, 'acme.mjs')
  writeFileSync(file, source)
  return file
}
