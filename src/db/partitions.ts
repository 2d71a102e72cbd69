// The partition keeper: keeps the current month and the next two as partitions of `events`,
// drops whole months past GA_RETENTION_MONTHS, and rescues rows that already landed in the DEFAULT
// partition for a month being created (reference §1.3). A singleton across processes through a
// session advisory lock; a process that does not get the lock skips the tick.
import type postgres from 'postgres'
import { advisoryKey } from './locks.js'

export interface MonthResult {
  partition_name: string
  month_start: string
  status: 'ok' | 'created' | 'recovered' | 'error'
  error?: string
}

export interface KeeperResult {
  ran: boolean
  months: MonthResult[]
  dropped: string[]
}

export function monthStart (d: Date, offset = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1))
}

export function partitionName (month: Date): string {
  return `events_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`
}

const PARTITION_RE = /^events_(\d{4})_(\d{2})$/

async function createMonth (sql: postgres.ReservedSql, month: Date): Promise<MonthResult> {
  const name = partitionName(month)
  const from = month.toISOString()
  const to = monthStart(month, 1).toISOString()
  const result: MonthResult = { partition_name: name, month_start: from, status: 'ok' }
  const [exists] = await sql`select to_regclass(${name}) is not null as e`
  if (exists.e === true) return result
  try {
    await sql.unsafe(`create table if not exists "${name}" partition of events for values from ('${from}') to ('${to}')`)
    return { ...result, status: 'created' }
  } catch (err) {
    if ((err as { code?: string }).code !== '23514') return { ...result, status: 'error', error: (err as Error).message }
  }
  // check_violation: rows for this month already sit in the default partition. Move them out.
  // A reserved connection has no sql.begin(): run the transaction by hand.
  try {
    await sql.unsafe('begin')
    await sql.unsafe("set local time zone 'UTC'")
    await sql.unsafe('lock table events in access exclusive mode')
    await sql.unsafe(`create temp table ga_rescue on commit drop as select * from events_default where occurred_at >= '${from}' and occurred_at < '${to}'`)
    await sql.unsafe(`delete from events_default where occurred_at >= '${from}' and occurred_at < '${to}'`)
    await sql.unsafe(`create table "${name}" partition of events for values from ('${from}') to ('${to}')`)
    await sql.unsafe('insert into events select * from ga_rescue')
    await sql.unsafe('commit')
    return { ...result, status: 'recovered' }
  } catch (err) {
    await sql.unsafe('rollback').catch(() => {})
    return { ...result, status: 'error', error: (err as Error).message }
  }
}

async function dropExpired (sql: postgres.ReservedSql, now: Date, retentionMonths: number): Promise<string[]> {
  const keepFrom = monthStart(now, -retentionMonths)
  const rows = await sql`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    join pg_namespace n on n.oid = p.relnamespace
    where p.relname = 'events' and n.nspname = current_schema()`
  const dropped: string[] = []
  for (const { name } of rows) {
    const m = PARTITION_RE.exec(name as string)
    if (m === null) continue
    const month = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))
    if (month < keepFrom) {
      await sql.unsafe(`drop table "${name as string}"`)
      dropped.push(name as string)
    }
  }
  return dropped.sort()
}

export async function runPartitionKeeper (sql: postgres.Sql, opts: { schema: string, now?: Date, monthsAhead?: number, retentionMonths: number | null }): Promise<KeeperResult> {
  const now = opts.now ?? new Date()
  const reserved = await sql.reserve()
  const key = advisoryKey('partitions', opts.schema)
  try {
    const [lock] = await reserved`select pg_try_advisory_lock(${key}) as ok`
    if (lock.ok !== true) return { ran: false, months: [], dropped: [] }
    try {
      const months: MonthResult[] = []
      for (let i = 0; i <= (opts.monthsAhead ?? 2); i++) months.push(await createMonth(reserved, monthStart(now, i)))
      const dropped = opts.retentionMonths === null ? [] : await dropExpired(reserved, now, opts.retentionMonths)
      return { ran: true, months, dropped }
    } finally {
      await reserved`select pg_advisory_unlock(${key})`
    }
  } finally {
    reserved.release()
  }
}
