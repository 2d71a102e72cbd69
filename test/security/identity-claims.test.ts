// Issue 14 item 3: a beacon cannot take over an identity. Guards that person_external_id /
// person_email from a browser reach the identity graph only with a valid identity token (hex
// HMAC-SHA256 of the external id with the workspace's identity secret); without one they stay
// unverified hints on the event, and the identified customer is neither merged nor modified. Also
// the identity secret's REST/admin/CLI management, its encryption at rest and rotation.
import { spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { createApiKey, DEFAULT_WORKSPACE_ID as WS } from '../../src/auth/service.js'
import { build, TEST_SECRET } from '../helper.js'
import { call, identify, resolve } from '../identity/util.js'
import { beacon as send, beaconEvent, cookieJar, type Beacon, type Json } from './beacon-util.js'

const PAGE = 'https://shop.example.com'
const ADMIN = 'admin-token-0123456789abcdef0123456789'
const ROOT = new URL('../..', import.meta.url).pathname
type Tap = Test

/** What a host backend computes (the README's Node example). */
const sign = (secret: string, externalId: string): string => createHmac('sha256', secret).update(externalId).digest('hex')

async function beacon (app: FastifyInstance, body: Json, headers: Record<string, string> = {}): Promise<Beacon> {
  return await send(app, body, { origin: PAGE, ...headers })
}

async function cli (args: string[], env: Record<string, string>): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return await new Promise(resolve => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('exit', code => { resolve({ code, stdout, stderr }) })
  })
}

t.test('beacon identity claims', async t => {
  const { app, auth, database, config, databaseUrl } = await build(t, { env: { GA_ADMIN_TOKEN: ADMIN } })
  const sql = database.sql
  const c = { app, auth }
  const admin = { authorization: `Bearer ${ADMIN}` }
  const { key: pk } = await createApiKey(database.db, config.secret, { workspaceId: WS, name: 'site', type: 'publishable', allowedOrigins: [PAGE] })

  // The identified customer: a click id from an ad, then identified by the host backend.
  const customer = await resolve(c, { ga_id: 'customer-ga', url: `${PAGE}/?gclid=CUSTOMER-GCLID` })
  const ident = await identify(c, customer.id, { person_external_id: 'cust-1', person_email: 'cust@example.com', person_name: 'Real Customer' })
  t.equal(ident.status, 200, JSON.stringify(ident.body))
  const customerRow = async (): Promise<Json> => (await sql`select * from visitors where id = ${customer.id}`)[0]
  const original = await customerRow()
  t.equal(original.person_external_id, 'cust-1')

  // The attacker's own browser: a first pageview gives it its cookies.
  const first = await beacon(app, { event_type: 'pageview', url: `${PAGE}/`, pk })
  t.equal(first.status, 200)
  const attacker = cookieJar(first.res)
  const visitorOfEvent = async (id: string): Promise<string | null> => (await beaconEvent(sql, id))?.visitor_id ?? null
  const merges = async (): Promise<number> => (await sql`select count(*)::int as n from visitors where status = 'merged' or merged_into_id is not null`)[0].n

  const attacks = (label: string, secret: string | null): Array<[string, Json]> => [
    [`${label}: identify without a token`, { event_type: 'identify', person_external_id: 'cust-1', person_email: 'cust@example.com', fbclid: 'ATTACKER-FBCLID' }],
    [`${label}: pageview without a token`, { event_type: 'pageview', person_external_id: 'cust-1', gclid: 'ATTACKER-GCLID' }],
    [`${label}: a token that is not a digest`, { event_type: 'identify', person_external_id: 'cust-1', identity_token: 'trust-me' }],
    [`${label}: 64 hex chars of nothing`, { event_type: 'identify', person_external_id: 'cust-1', identity_token: 'a'.repeat(64) }],
    [`${label}: the attacker's own valid token, someone else's id`, { event_type: 'identify', person_external_id: 'cust-1', identity_token: secret === null ? 'b'.repeat(64) : sign(secret, 'attacker-account') }],
    [`${label}: signed with a guessed secret`, { event_type: 'identify', person_external_id: 'cust-1', identity_token: sign('gais_guess', 'cust-1') }],
    [`${label}: email only, even "signed"`, { event_type: 'identify', person_email: 'cust@example.com', identity_token: secret === null ? sign('x', 'cust@example.com') : sign(secret, 'cust@example.com') }],
    [`${label}: custom event`, { event_type: 'custom', event_name: 'signup', person_external_id: 'cust-1', person_email: 'cust@example.com' }]
  ]

  async function expectNoTakeover (t: Tap, cases: Array<[string, Json]>): Promise<void> {
    for (const [name, claim] of cases) {
      const id = crypto.randomUUID()
      const r = await beacon(app, { event_id: id, url: `${PAGE}/account`, pk, ...claim }, { cookie: attacker })
      t.equal(r.status, 200, `${name}: accepted as a hint (${JSON.stringify(r.json)})`)
      const visitorId = await visitorOfEvent(id)
      t.not(visitorId, customer.id, `${name}: the event stays on the attacker's visitor`)
      const [own] = visitorId === null ? [{ person_external_id: null, person_email: null }] : await sql`select person_external_id, person_email from visitors where id = ${visitorId}`
      t.same([own.person_external_id, own.person_email], [null, null], `${name}: the attacker's visitor (if any) gains no identity`)
      const ev = await beaconEvent(sql, id) as Json
      if (claim.person_external_id !== undefined) t.equal(ev.properties.unverified_person_external_id, claim.person_external_id, `${name}: kept as a hint`)
      if (claim.person_email !== undefined) t.equal(ev.properties.unverified_person_email, claim.person_email, `${name}: email kept as a hint`)
    }
    // reconcile_only: the identity update of a pageview, without an event row
    const r = await beacon(app, { event_type: 'pageview', reconcile_only: true, url: `${PAGE}/`, pk, person_external_id: 'cust-1', person_email: 'cust@example.com' }, { cookie: attacker })
    t.equal(r.status, 200)
    t.same(await customerRow(), original, 'the customer is unchanged: same ga_id, click ids, person fields, status, updated_at')
    t.equal(await merges(), 0, 'nobody was merged')
  }

  await t.test('before the workspace has an identity secret, no claim is believed', async t => {
    await expectNoTakeover(t, attacks('no secret', null))
  })

  let secret = ''
  await t.test('the identity secret: created, read back, encrypted at rest, secret keys only', async t => {
    const before = await call(c, 'GET', '/ga/api/trust/identity-secret')
    t.equal(before.status, 404)
    t.equal(before.body.code, 'NOT_FOUND')
    const created = await call(c, 'POST', '/ga/api/trust/identity-secret')
    t.equal(created.status, 201, JSON.stringify(created.body))
    secret = created.body.identity_secret
    t.match(secret, /^gais_[A-Za-z0-9_-]{43}$/)
    t.same((await call(c, 'GET', '/ga/api/trust/identity-secret')).body, created.body)
    t.match((await call(c, 'GET', '/ga/api/trust')).body, { identity_secret_set: true, identity_secret_created_at: created.body.created_at })
    const [stored] = await sql`select value from settings where workspace_id = ${WS} and key = 'trust'`
    t.match(stored.value.identity_secret, /^v1\.[0-9a-f]{8}\./, 'sealed with the AES-GCM envelope')
    t.notMatch(JSON.stringify(stored.value), secret.slice(5), 'the plain secret is not stored')
    const adminRead = await app.inject({ method: 'GET', url: `/ga/admin/workspaces/${WS}/identity-secret`, headers: admin })
    t.equal(adminRead.json().identity_secret, secret, 'the admin API reads the same secret')
    for (const [name, headers, status] of [['no credentials', {}, 401], ['a publishable key', { authorization: `Bearer ${pk}` }, 403]] as const) {
      const res = await app.inject({ method: 'GET', url: '/ga/api/trust/identity-secret', headers })
      t.equal(res.statusCode, status, name)
      t.notMatch(res.body, secret.slice(5), `${name}: never shown`)
    }
    const unknownWs = await app.inject({ method: 'POST', url: '/ga/admin/workspaces/00000000-0000-7000-8000-000000000999/identity-secret', headers: admin })
    t.equal(unknownWs.statusCode, 404)
  })

  await t.test('with a secret: an invalid or missing token still changes nothing', async t => {
    await expectNoTakeover(t, attacks('with secret', secret))
  })

  await t.test('a valid token identifies: the browser joins the customer', async t => {
    const own = await beacon(app, { event_type: 'pageview', url: `${PAGE}/`, pk })
    const jar = cookieJar(own.res)
    const id = crypto.randomUUID()
    const r = await beacon(app, { event_id: id, event_type: 'identify', url: `${PAGE}/account`, pk, person_external_id: 'cust-1', identity_token: sign(secret, 'cust-1') }, { cookie: jar })
    t.equal(r.status, 200)
    t.equal(await visitorOfEvent(id), customer.id, 'the identify event lands on the customer')
    const ev = await beaconEvent(sql, id) as Json
    t.equal(ev.properties?.unverified_person_external_id, undefined, 'no hint: the claim was verified')
    t.equal(ev.trust, 'client')
    const later = crypto.randomUUID()
    await beacon(app, { event_id: later, event_type: 'pageview', url: `${PAGE}/next`, pk }, { cookie: jar })
    t.equal(await visitorOfEvent(later), customer.id, 'the browser\'s later pageviews belong to the customer')

    const fresh = crypto.randomUUID()
    const newUser = await beacon(app, { event_id: fresh, event_type: 'identify', url: `${PAGE}/welcome`, pk, person_external_id: 'new-user-7', person_email: 'new7@example.com', identity_token: sign(secret, 'new-user-7') })
    t.equal(newUser.status, 200)
    const [v] = await sql`select person_external_id, person_email from visitors where id = ${await visitorOfEvent(fresh)}`
    t.same([v.person_external_id, v.person_email], ['new-user-7', 'new7@example.com'], 'a signed new user is identified with the email sent beside the token')
  })

  await t.test('rotation: a new secret; the previous one verifies for the grace period', async t => {
    const rotated = await app.inject({ method: 'POST', url: `/ga/admin/workspaces/${WS}/identity-secret`, headers: admin })
    t.equal(rotated.statusCode, 201)
    const next = rotated.json().identity_secret
    t.not(next, secret)
    t.equal((await call(c, 'GET', '/ga/api/trust/identity-secret')).body.identity_secret, next)
    for (const [name, key] of [['old secret', secret], ['new secret', next]]) {
      const id = crypto.randomUUID()
      const r = await beacon(app, { event_id: id, event_type: 'identify', url: `${PAGE}/`, pk, person_external_id: `rot-${name}`, identity_token: sign(key, `rot-${name}`) })
      t.equal(r.status, 200)
      t.equal((await sql`select person_external_id from visitors where id = ${await visitorOfEvent(id)}`)[0].person_external_id, `rot-${name}`, `${name} verifies`)
    }
    secret = next
  })

  await t.test('the CLI reads and rotates the same secret', async t => {
    const env = { DATABASE_URL: databaseUrl, GA_SECRET: TEST_SECRET }
    const shown = await cli(['identity-secret', 'show', WS, '--json'], env)
    t.equal(shown.code, 0, shown.stderr)
    t.equal(JSON.parse(shown.stdout).identity_secret, secret)
    const bad = await cli(['identity-secret', 'show', 'not-a-uuid'], env)
    t.equal(bad.code, 2)
    t.match(bad.stderr, /workspace id/)
  })
})
