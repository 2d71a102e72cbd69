// Keys are kept as long as a retry can plausibly arrive: beacon event ids 24 h (the snippet retries
// within minutes), REST idempotency keys 7 days (Stripe keeps ≥ 24 h; 7 d covers Meta's window).
import type postgres from 'postgres'

export async function pruneEventKeys (sql: postgres.Sql, now = new Date()): Promise<number> {
  const day = 86_400_000
  const rows = await sql`
    delete from event_keys
    where (kind = 'client_event' and created_at < ${new Date(now.getTime() - day)})
       or (kind = 'idempotency' and created_at < ${new Date(now.getTime() - 7 * day)})`
  return rows.count
}
