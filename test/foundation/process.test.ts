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

function startServer (env: Record<string, string>): { child: ChildProcess, output: () => string, ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT })
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
