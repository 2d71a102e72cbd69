// The publisher writes in the CALLER's transaction, and callers hold either a postgres.js
// transaction (recorder and click flushes) or a drizzle one (link CRUD). Both accept a tagged
// template, so every query here is written once as a template with plain JSON/text parameters.
import { sql as drizzleSql, type SQL } from 'drizzle-orm'
import type postgres from 'postgres'

export interface DrizzleExecutor { execute: (query: SQL) => PromiseLike<unknown> }
export type Executor = postgres.Sql | postgres.TransactionSql | DrizzleExecutor

type Param = string | number | boolean | null

function isPostgresJs (exec: Executor): exec is postgres.Sql {
  return typeof (exec as { unsafe?: unknown }).unsafe === 'function'
}

/** `query(exec)\`select ...\``: one query on either kind of executor; resolves to its rows. */
export function query (exec: Executor) {
  return async <T = Record<string, unknown>>(strings: TemplateStringsArray, ...values: Param[]): Promise<T[]> => {
    if (isPostgresJs(exec)) return [...await exec(strings, ...values)] as T[]
    const rows = await (exec as DrizzleExecutor).execute(drizzleSql(strings, ...values))
    return (Array.isArray(rows) ? rows : (rows as { rows?: T[] }).rows ?? []) as T[]
  }
}
