// Row locks taken in different orders by concurrent merges can deadlock; PostgreSQL then aborts
// one transaction (40P01). Its work is all-or-nothing, so running it again is safe.
import type postgres from 'postgres'

const RETRYABLE = new Set(['40P01', '40001'])

export async function inRetriedTransaction<T> (sql: postgres.Sql, work: (tx: postgres.TransactionSql) => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sql.begin(work) as T
    } catch (err) {
      const code = (err as { code?: string }).code
      if (attempt >= attempts || code === undefined || !RETRYABLE.has(code)) throw err
    }
  }
}
