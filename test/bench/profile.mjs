// Opt-in profiling for `npm run bench`, the two views that found this project's slow paths:
//   BENCH_PG_STATS=1      pg_stat_statements per suite: the statements by total execution time
//   BENCH_CPU_PROF=<dir>  the service runs with --cpu-prof; its .cpuprofile (open it in Chrome
//                         DevTools or speedscope) lands in <dir> when the bench stops, and the
//                         functions with the most self time are printed.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import postgres from 'postgres'

export const pgStatsWanted = process.env.BENCH_PG_STATS === '1'
export const cpuProfDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : null

export const clusterSettings = pgStatsWanted ? { shared_preload_libraries: 'pg_stat_statements' } : {}

export function serviceNodeArgs () {
  if (cpuProfDir === null) return []
  mkdirSync(cpuProfDir, { recursive: true })
  return ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`]
}

/** Around each suite: reset the statement statistics before, print the top statements after. */
export async function statementStats (cluster) {
  if (!pgStatsWanted) return { before: async () => {}, after: async () => {}, close: async () => {} }
  const sql = postgres(cluster.url('postgres'), { max: 1, onnotice: () => {} })
  await sql`create extension if not exists pg_stat_statements`
  return {
    before: async () => { await sql`select pg_stat_statements_reset()` },
    after: async (suite) => {
      const top = await sql`
        select calls, round(total_exec_time)::int as ms, rows, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 110) as q
        from pg_stat_statements where query not like '%pg_stat_statements%' order by total_exec_time desc limit 8`
      console.log(`\n[pg_stat_statements] ${suite}: total ms | calls | rows | statement`)
      for (const r of top) console.log(`  ${String(r.ms).padStart(6)} | ${String(r.calls).padStart(6)} | ${String(r.rows).padStart(7)} | ${r.q}`)
    },
    close: async () => { await sql.end() }
  }
}

/** After the service stopped (the profile is written on exit): its self-time leaders. */
export function printCpuProfile () {
  if (cpuProfDir === null) return
  const files = readdirSync(cpuProfDir).filter(f => f.endsWith('.cpuprofile')).sort()
  if (files.length === 0) return
  const file = join(cpuProfDir, files[files.length - 1])
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const selfUs = new Map()
  const byNode = new Map(profile.nodes.map(n => [n.id, n]))
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    total += dt
    const { functionName, url, lineNumber } = byNode.get(id).callFrame
    const where = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '')}:${lineNumber + 1}`
    selfUs.set(where, (selfUs.get(where) ?? 0) + dt)
  })
  console.log(`\n[cpu profile] ${file}: functions by self time`)
  for (const [where, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${(us / total * 100).toFixed(1).padStart(5)} %  ${where}`)
}
