// Guards the processes users run: the CLI (every command, --json), the server's start-up errors,
// the first key printed once, /readyz and the API while the database goes away and comes back,
// and graceful shutdown with requests in flight.
import { spawn, type ChildProcess } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createTestDatabase, TEST_SECRET } from '../helper.js'
import { freePort, startEmbeddedDatabase } from '../../src/db/embedded.js'

// Real servers started from source: on a busy machine this file needs more than tap's 120 s.
t.setTimeout(360_000)

const ROOT = new URL('../..', import.meta.url).pathname

interface Run { code: number | null, stdout: string, stderr: string }

function run (script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('exit', code => { resolve({ code, stdout, stderr }) })
  })
}

/** `group`: the server leads a process group of its own, like `npm start` in a terminal. */
function startServer (env: Record<string, string>, group = false): { child: ChildProcess, output: () => string, ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT, detached: group })
  let out = ''
  child.stdout?.on('data', d => { out += d })
  child.stderr?.on('data', d => { out += d })
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('Server listening')) { clearInterval(timer); resolve() }
      if (child.exitCode !== null) { clearInterval(timer); reject(new Error(`server exited: ${out}`)) }
    }, 50)
  })
  return { child, output: () => out, ready }
}

t.test('CLI: migrate, workspaces, keys (with --json)', async t => {
  const url = await createTestDatabase(t, { migrated: false })
  const env = { DATABASE_URL: url, GA_SECRET: TEST_SECRET }
  const migrate = await run('src/cli.ts', ['migrate', '--json'], env)
  t.equal(migrate.code, 0, migrate.stderr)
  t.same(JSON.parse(migrate.stdout), { ok: true })
  const ws = await run('src/cli.ts', ['workspaces', 'create', 'Acme', '--json'], env)
  t.equal(ws.code, 0)
  const wsId = JSON.parse(ws.stdout).id
  const list = await run('src/cli.ts', ['workspaces', 'list', '--json'], env)
  t.same(JSON.parse(list.stdout).map((w: { name: string }) => w.name), ['Acme'])
  const key = await run('src/cli.ts', ['keys', 'create', wsId, '--name', 'ci', '--json'], env)
  t.equal(key.code, 0)
  t.match(JSON.parse(key.stdout).key, /^gak_/)
  const keys = await run('src/cli.ts', ['keys', 'list', wsId], env)
  t.match(keys.stdout, /ci/)
  t.notMatch(keys.stdout, JSON.parse(key.stdout).key)
  const revoke = await run('src/cli.ts', ['keys', 'revoke', JSON.parse(key.stdout).id, '--json'], env)
  t.same(JSON.parse(revoke.stdout), { id: JSON.parse(key.stdout).id, revoked: true })
  const bad = await run('src/cli.ts', ['keys', 'create', 'not-a-uuid'], env)
  t.equal(bad.code, 2)
  t.match(bad.stderr, /workspace id/)
  const unknown = await run('src/cli.ts', ['frobnicate'], env)
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /usage/)
  const parts = await run('src/cli.ts', ['partitions', '--json'], env)
  t.equal(JSON.parse(parts.stdout).months.length, 3)
})

t.test('start-up errors are one clear line and a non-zero exit', async t => {
  const port = await run('src/server.ts', [], { PORT: 'abc', DATABASE_URL: 'postgres://x@127.0.0.1:1/x', GA_SECRET: TEST_SECRET })
  t.equal(port.code, 1)
  t.equal(port.stderr.trim(), 'Invalid configuration: PORT must be an integer from 0 to 65535 (got "abc")')
  const nope = await run('src/server.ts', [], { DATABASE_URL: 'nope', GA_SECRET: TEST_SECRET })
  t.equal(nope.code, 1)
  t.match(nope.stderr, /^Invalid configuration: DATABASE_URL/)
  const closed = await freePort()
  const unreachable = await run('src/server.ts', [], { DATABASE_URL: `postgres://postgres:x@127.0.0.1:${closed}/db`, GA_SECRET: TEST_SECRET })
  t.equal(unreachable.code, 1)
  t.match(unreachable.stderr, /^Cannot start: /)
  t.notMatch(unreachable.stderr, /\n\s+at /, 'no stack trace')
})

t.test('database lost and back: /readyz and the API answer 503, then recover by themselves', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'ga-outage-'))
  chmodSync(dir, 0o755)
  const pgPort = await freePort()
  let cluster = await startEmbeddedDatabase({ dataDir: dir, port: pgPort })
  t.teardown(async () => { await cluster.stop(); rmSync(dir, { recursive: true, force: true }) })
  const port = await freePort()
  const server = startServer({ DATABASE_URL: cluster.url('postgres'), GA_SECRET: TEST_SECRET, PORT: String(port), HOST: '127.0.0.1', GA_DATA_DIR: dir })
  t.teardown(() => { server.child.kill('SIGKILL') })
  await server.ready
  const key = /(gak_[0-9A-Za-z]{32})/.exec(server.output())?.[1]
  t.ok(key, 'the first key is printed')
  const base = `http://127.0.0.1:${port}`
  const auth = { authorization: `Bearer ${key}` }
  t.equal((await fetch(`${base}/readyz`)).status, 200)
  t.equal((await fetch(`${base}/ga/api/me`, { headers: auth })).status, 200)

  await cluster.stop()
  const ready = await fetch(`${base}/readyz`).catch(err => { throw new Error(String(err) + server.output().slice(-1500)) })
  t.equal(ready.status, 503, await ready.clone().text())
  // A key not yet in the 5 s key cache needs the database.
  const api = await fetch(`${base}/ga/api/me`, { headers: { authorization: 'Bearer gak_unknownunknownunknownunknown0000' } })
  t.equal(api.status, 503, await api.clone().text() + server.output().slice(-800))
  t.equal((await api.json()).code, 'DATABASE_UNAVAILABLE')
  t.equal((await fetch(`${base}/healthz`)).status, 200, 'the process is still up')

  cluster = await startEmbeddedDatabase({ dataDir: dir, port: pgPort })
  let status = 0
  for (let i = 0; i < 50 && status !== 200; i++) {
    status = (await fetch(`${base}/ga/api/me`, { headers: auth })).status
    if (status !== 200) await new Promise(resolve => setTimeout(resolve, 100))
  }
  t.equal(status, 200, 'recovered without a restart')
  t.equal((await fetch(`${base}/readyz`)).status, 200)
  t.equal(server.output().split(key!).length - 1, 1, 'the key is printed once and never logged')
})

t.test('SIGTERM: in-flight requests finish, the process exits 0 within 10 s; a restart prints no new key', async t => {
  const url = await createTestDatabase(t)
  const port = await freePort()
  const admin = 'admin-token-0123456789abcdef'
  const env = { DATABASE_URL: url, GA_SECRET: TEST_SECRET, PORT: String(port), HOST: '127.0.0.1', GA_DATA_DIR: tmpdir(), GA_ADMIN_TOKEN: admin }
  const server = startServer(env)
  t.teardown(() => { server.child.kill('SIGKILL') })
  await server.ready
  // A request whose body is still arriving is in flight for as long as we like.
  const body = JSON.stringify({ name: 'in-flight' })
  const inflight = new Promise<number>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/ga/admin/workspaces', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, res => { res.resume(); resolve(res.statusCode ?? 0) })
    req.on('error', reject)
    req.write(body.slice(0, 5))
    setTimeout(() => { server.child.kill('SIGTERM') }, 200)
    setTimeout(() => { req.end(body.slice(5)) }, 600)
  })
  const started = Date.now()
  t.equal(await inflight, 201, 'the in-flight request completed')
  const code = await new Promise<number | null>(resolve => { if (server.child.exitCode !== null) resolve(server.child.exitCode); else server.child.on('exit', c => { resolve(c) }) })
  t.equal(code, 0)
  t.ok(Date.now() - started < 10_000)
  await t.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'no longer accepting')

  const again = startServer({ ...env })
  t.teardown(() => { again.child.kill('SIGKILL') })
  await again.ready
  t.notMatch(again.output(), /gak_[0-9A-Za-z]{32}/, 'no second first key')
  again.child.kill('SIGTERM')
})

t.test('Ctrl-C on the embedded database (SIGINT to the whole process group): every answered click is stored', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'ga-ctrl-c-'))
  chmodSync(dir, 0o755)
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const port = await freePort()
  // No DATABASE_URL: the server starts its own PostgreSQL. A long flush interval keeps the clicks
  // in the buffer when the signal arrives.
  const env = { GA_SECRET: TEST_SECRET, PORT: String(port), HOST: '127.0.0.1', GA_DATA_DIR: dir, GA_LINK_DOMAINS: 'go.example.com', GA_INGEST_FLUSH_MS: '1000' }
  const server = startServer(env, true)
  t.teardown(() => { try { process.kill(-(server.child.pid as number), 'SIGKILL') } catch { /* gone */ } })
  await server.ready
  const key = /(gak_[0-9A-Za-z]{32})/.exec(server.output())?.[1] as string
  const base = `http://127.0.0.1:${port}`
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
  const link = await (await fetch(`${base}/ga/api/links`, { method: 'POST', headers: auth, body: JSON.stringify({ url: 'https://example.com/', key: 'ctrlc' }) })).json() as { id: string }
  let answered = 0
  for (let i = 0; i < 40; i++) {
    const res = await fetch(`${base}/ctrlc`, { headers: { host: 'go.example.com', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0 Safari/537.36' }, redirect: 'manual' })
    if (res.status === 302) answered++
  }
  t.equal(answered, 40)
  process.kill(-(server.child.pid as number), 'SIGINT') // what the terminal does on Ctrl-C
  const code = await new Promise<number | null>(resolve => { if (server.child.exitCode !== null) resolve(server.child.exitCode); else server.child.on('exit', c => { resolve(c) }) })
  t.equal(code, 0, 'the service drained and exited cleanly')
  t.notMatch(server.output(), /click_flush_failed|clicks_dropped/, 'no click flush failed on the way out')

  const again = startServer(env, true)
  t.teardown(() => { try { process.kill(-(again.child.pid as number), 'SIGKILL') } catch { /* gone */ } })
  await again.ready
  const stats = await (await fetch(`${base}/ga/api/links/${link.id}/stats`, { headers: auth })).json() as { total_clicks: number }
  t.equal(stats.total_clicks, 40, 'all 40 answered clicks were written before PostgreSQL stopped')
  process.kill(-(again.child.pid as number), 'SIGTERM')
  await new Promise(resolve => { if (again.child.exitCode !== null) resolve(null); else again.child.on('exit', resolve) })
})
