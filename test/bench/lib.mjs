// Bench plumbing: an embedded PostgreSQL, the real service as a child process, the bare Fastify
// baseline as another, and autocannon as a third, so the load generator never shares a process
// with what it measures. Everything listens on 127.0.0.1 only and every run is bounded in time.
import { spawn } from 'node:child_process'
import { mkdtempSync, chmodSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export async function startCluster (settings = {}) {
  const { startEmbeddedDatabase } = await import(join(ROOT, 'dist/src/db/embedded.js'))
  const dir = mkdtempSync(join(tmpdir(), 'ga-bench-'))
  chmodSync(dir, 0o755)
  const cluster = await startEmbeddedDatabase({ dataDir: dir, settings })
  return { ...cluster, dir, stop: async () => { await cluster.stop(); rmSync(dir, { recursive: true, force: true }) } }
}

function waitFor (child, re, label) {
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => { reject(new Error(`${label} did not start: ${out.slice(-500)}`)) }, 30_000)
    const on = d => {
      out += d
      const m = re.exec(out)
      if (m !== null) { clearTimeout(timer); resolve({ match: m, output: () => out }) }
    }
    child.stdout.on('data', on)
    child.stderr.on('data', on)
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`${label} exited ${code}: ${out.slice(-500)}`)) })
  })
}

export async function startBaseline () {
  const child = spawn(process.execPath, [join(ROOT, 'test/bench/baseline-server.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] })
  const { match } = await waitFor(child, /listening (\d+)/, 'baseline')
  return { url: `http://127.0.0.1:${match[1]}`, pid: child.pid, stop: () => child.kill('SIGTERM') }
}

export async function startService (env, nodeArgs = []) {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/src/server.js')], {
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  child.stdout.on('data', d => { log += d })
  child.stderr.on('data', d => { log += d })
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break } catch { /* not up yet */ }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  const key = /(gak_[0-9A-Za-z]{32})/.exec(log)?.[1] ?? null
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    key,
    log: () => log,
    stop: () => new Promise(resolve => { child.on('exit', resolve); child.kill('SIGTERM') })
  }
}

export function rssMb (pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? null : Math.round(Number(m[1]) / 1024)
}

/** autocannon in its own process; returns req/s, latency percentiles, status codes and errors. */
export function load (url, opts = {}) {
  const cfg = { url, connections: 100, duration: 8, warmup: 1, ...opts }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'test/bench/load-worker.mjs'), JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', d => { out += d })
    child.stderr.on('data', d => { err += d })
    const killer = setTimeout(() => child.kill('SIGKILL'), (cfg.duration + cfg.warmup + 30) * 1000)
    child.on('exit', () => {
      clearTimeout(killer)
      try { resolve(JSON.parse(out.trim().split('\n').at(-1))) } catch { reject(new Error(`load worker failed: ${err.slice(-500)}`)) }
    })
  })
}

export function table (rows) {
  const cols = Object.keys(rows[0] ?? {})
  const width = cols.map(c => Math.max(c.length, ...rows.map(r => String(r[c] ?? '').length)))
  const line = r => cols.map((c, i) => String(r[c] ?? '').padEnd(width[i])).join('  ')
  return [line(Object.fromEntries(cols.map(c => [c, c]))), width.map(w => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}
