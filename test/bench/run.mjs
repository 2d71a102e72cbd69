// npm run bench: every figure is a ratio to a baseline measured in this same run, with the
// absolute numbers beside it. Writes test/bench/results.json and prints a table.
// BENCH_DURATION (seconds per load, default 8) bounds the run. BENCH_PG_STATS=1 and
// BENCH_CPU_PROF=<dir> add the profiles of test/bench/profile.mjs.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, load, rssMb, startBaseline, startCluster, startService, table } from './lib.mjs'
import { SERVICE_ENV, suites } from './suites.mjs'
import { clusterSettings, printCpuProfile, serviceNodeArgs, statementStats } from './profile.mjs'

const duration = Number(process.env.BENCH_DURATION ?? 8)
const started = Date.now()
const cluster = await startCluster(clusterSettings)
// Ctrl-C reaches the service and the baseline too; exiting runs the embedded database's stop-on-exit.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { process.exit(130) })
const baseline = await startBaseline()
const service = await startService({ DATABASE_URL: cluster.url('postgres'), GA_SECRET: 'bench-secret-0123456789abcdefghijklmnop', GA_DATA_DIR: cluster.dir, ...SERVICE_ENV }, serviceNodeArgs())
const stats = await statementStats(cluster)
// BENCH_ONLY=redirect,beacon runs a subset.
const only = process.env.BENCH_ONLY?.split(',')
const rows = []
try {
  const ctx = { cluster, baseline, service, duration, load, rssMb }
  for (const suite of suites) {
    if (only !== undefined && !only.includes(suite.name)) continue
    const rssBefore = rssMb(service.pid)
    let suiteRows
    await stats.before()
    try { suiteRows = await suite.run(ctx) } catch (err) { suiteRows = [{ figure: `${suite.name} FAILED: ${String(err.message ?? err).slice(0, 160)}` }] }
    for (const row of suiteRows) rows.push({ suite: suite.name, ...row, rss_before_mb: rssBefore, rss_after_mb: rssMb(service.pid) })
    await stats.after(suite.name)
  }
} finally {
  await stats.close()
  await service.stop()
  baseline.stop()
  await cluster.stop()
}
const commit = await import('node:child_process').then(cp => cp.execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim()).catch(() => 'unknown')
writeFileSync(join(ROOT, 'test/bench/results.json'), JSON.stringify({ commit, date: new Date().toISOString(), duration_s: duration, rows }, null, 2) + '\n')
console.log(table(rows))
printCpuProfile()
console.log(`\nbench finished in ${Math.round((Date.now() - started) / 1000)} s (commit ${commit}); results in test/bench/results.json`)
