// The one place that opens database connections. `sql` (postgres.js) serves the hot paths and
// hand-written SQL; `db` (drizzle) the typed CRUD. Both see the configured schema first on the
// search path, so table names are never qualified in code or migrations.
import { Socket } from 'node:net'
import postgres from 'postgres'
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'

export type Sql = postgres.Sql
export type Db = PostgresJsDatabase

export interface Database {
  sql: Sql
  /**
   * Reads that may lag a little (analytics, lists, profiles): DATABASE_READ_URL's pool when set (a
   * read replica), else the same pool as `sql`. Never written through.
   */
  read: Sql
  db: Db
  url: string
  schema: string
  close: () => Promise<void>
}

/**
 * postgres.js leaves Nagle on; batched writes stall ~40 ms per round trip without this (STACK.md).
 * The socket is returned while still connecting, exactly like postgres.js' own: a factory that
 * rejects leaves the driver with no socket and crashes it on its next write.
 */
function noDelaySocket (host: string, port: number): Socket {
  const socket = new Socket()
  socket.setNoDelay(true)
  socket.connect(port, host)
  return socket
}

function pool (url: string, schema: string, max: number, onnotice?: (n: postgres.Notice) => void): Sql {
  return postgres(url, {
    max,
    idle_timeout: 30,
    connect_timeout: 5,
    prepare: true,
    onnotice: onnotice ?? (() => {}),
    // Prepared statements are planned with their actual parameters every time. A generic plan is
    // cached from the table's size when it was made: the identity lookups of a young, fast-growing
    // visitors table kept a sequential scan between two auto-analyzes (beacon ingest 1.5k → 2.9k
    // req/s once re-planned). Our statements are batch-sized, so planning each one is cheap.
    connection: { search_path: `${schema},public`, application_name: 'good-analytics', plan_cache_mode: 'force_custom_plan' },
    // TLS connections keep postgres.js' own socket handling.
    ...(/[?&](ssl|sslmode)=/.test(url) ? {} : { socket: ({ host, port }: { host: string[], port: number[] }) => noDelaySocket(host[0] ?? '127.0.0.1', port[0] ?? 5432) }),
    // int8 counters and cents as JS numbers: every value we store stays below 2^53.
    types: { bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) } }
  })
}

export function connect (url: string, schema: string, opts: { max?: number, readUrl?: string | null, onnotice?: (n: postgres.Notice) => void } = {}): Database {
  const sql = pool(url, schema, opts.max ?? 10, opts.onnotice)
  const read = opts.readUrl == null ? sql : pool(opts.readUrl, schema, opts.max ?? 10, opts.onnotice)
  // drizzle rewires its client's date parsers to strings; it gets a pool of its own so `sql` keeps Dates.
  const drizzleClient = pool(url, schema, Math.max(2, Math.ceil((opts.max ?? 10) / 2)), opts.onnotice)
  const db = drizzle({ client: drizzleClient })
  const pools = read === sql ? [sql, drizzleClient] : [sql, read, drizzleClient]
  return { sql, read, db, url, schema, close: async () => { await Promise.all(pools.map(async p => { await p.end({ timeout: 5 }) })) } }
}

/** Errors that mean "the database cannot answer right now", as opposed to a bad query. */
export function isDatabaseUnavailable (err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 3) return false
  // drizzle wraps driver errors (DrizzleQueryError) with the original as `cause`.
  if (isDatabaseUnavailable((err as { cause?: unknown }).cause, depth + 1)) return true
  const code = (err as { code?: string }).code
  if (code === undefined) return false
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006'].includes(code)
}
