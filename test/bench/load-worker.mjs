// Runs one autocannon load in this (separate) process and prints its summary as JSON.
// argv[2] is a JSON config: { url, connections, duration, method, headers, body, paths?, bodies?, uniqueEventId?, warmup? }
//   paths: request paths picked round-robin (e.g. 10,000 short-link keys)
//   uniqueEventId: replaces "__EVENT_ID__" in the body with a fresh UUID per request
import autocannon from 'autocannon'
import { randomUUID } from 'node:crypto'

const cfg = JSON.parse(process.argv[2])
let i = 0
const request = {
  method: cfg.method ?? 'GET',
  headers: cfg.headers ?? {},
  setupRequest: req => {
    const out = { ...req }
    if (cfg.paths !== undefined) out.path = cfg.paths[i++ % cfg.paths.length]
    if (cfg.body !== undefined) out.body = cfg.uniqueEventId === true ? cfg.body.replaceAll('__EVENT_ID__', randomUUID()) : cfg.body
    return out
  }
}

async function run (duration) {
  return await autocannon({ url: cfg.url, connections: cfg.connections ?? 100, duration, requests: [request] })
}

if ((cfg.warmup ?? 1) > 0) await run(cfg.warmup ?? 1)
const r = await run(cfg.duration ?? 8)
const codes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]))
process.stdout.write(JSON.stringify({ rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts, total: r.requests.total, codes }) + '\n')
