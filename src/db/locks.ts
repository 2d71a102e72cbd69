import { createHash } from 'node:crypto'

/** A stable 63-bit advisory lock key for a named job in a schema (bigint as string for postgres.js). */
export function advisoryKey (job: string, schema: string): string {
  const h = createHash('sha256').update(`${job}:${schema}`).digest()
  return (h.readBigInt64BE(0) & 0x7fffffffffffffffn).toString()
}
