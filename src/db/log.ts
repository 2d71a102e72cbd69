// How errors appear in logs (issue 14 item 8). A PostgreSQL error's message and detail quote the
// values involved ("Key (email)=(ann@example.com) already exists"), and drizzle's wrapper quotes
// the whole statement with its parameters (a password hash, personal data): for those only the
// code, constraint, table and column are logged, never a value. Other errors keep type, message,
// code and stack, with their cause summarised the same way.
const SQLSTATE = /^[0-9A-Z]{5}$/
const MAX_DEPTH = 4

interface PgErrorFields { code?: unknown, severity?: unknown, constraint_name?: unknown, table_name?: unknown, column_name?: unknown, routine?: unknown }

/** The PostgreSQL server error in `err` or its causes (drizzle wraps it), or null. */
export function databaseErrorOf (err: unknown, depth = 0): PgErrorFields | null {
  if (typeof err !== 'object' || err === null || depth > MAX_DEPTH) return null
  const e = err as PgErrorFields & { cause?: unknown }
  if (typeof e.code === 'string' && SQLSTATE.test(e.code) && typeof e.severity === 'string') return e
  return databaseErrorOf(e.cause, depth + 1)
}

function isDrizzleQueryError (err: object): boolean {
  return (err as { name?: unknown }).name === 'DrizzleQueryError' || /^Failed query: /.test(String((err as { message?: unknown }).message))
}

export function serializeError (err: unknown, depth = 0): Record<string, unknown> {
  if (typeof err !== 'object' || err === null) return { message: String(err) }
  const db = databaseErrorOf(err)
  if (db !== null) {
    const out: Record<string, unknown> = { type: 'DatabaseError', code: db.code }
    for (const [field, name] of [['constraint', db.constraint_name], ['table', db.table_name], ['column', db.column_name], ['routine', db.routine]] as const) {
      if (typeof name === 'string') out[field] = name
    }
    return out
  }
  if (isDrizzleQueryError(err)) return { type: 'DatabaseError', code: 'QUERY_FAILED' }
  const e = err as { name?: unknown, message?: unknown, code?: unknown, statusCode?: unknown, stack?: unknown, cause?: unknown }
  const out: Record<string, unknown> = { type: typeof e.name === 'string' ? e.name : err.constructor?.name ?? 'Error', message: typeof e.message === 'string' ? e.message : String(e.message) }
  if (e.code !== undefined) out.code = e.code
  if (e.statusCode !== undefined) out.statusCode = e.statusCode
  if (typeof e.stack === 'string') out.stack = e.stack
  if (e.cause !== undefined && depth < MAX_DEPTH) out.cause = serializeError(e.cause, depth + 1)
  return out
}
