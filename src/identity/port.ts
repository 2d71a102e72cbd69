// The seam other features use to reach the identity graph. The identity plugin (fp 'identity')
// decorates `app.identity` with an implementation; features that record events call it inside
// their own write transaction so the event and its visitor commit together.
import type postgres from 'postgres'
import type { Source } from '../classify/index.js'

export interface ResolveInput {
  ga_id?: string | null
  anonymous_id?: string | null
  fingerprint?: string | null
  person_external_id?: string | null
  person_email?: string | null
  /** A link click id (UUIDv7) this visit came through. */
  click_id?: string | null
  /** Ad-platform click ids seen on this visit: { gclid: '...', fbclid: '...' }. */
  click_id_params?: Record<string, string>
  source?: Source | null
  geo?: Record<string, unknown> | null
  device?: Record<string, unknown> | null
  occurred_at: Date
}

export interface IdentityPort {
  /**
   * Resolves one visitor per input (creating or merging as the identity rules say), inside the
   * caller's transaction; race-safe across processes. Returns visitor ids in input order.
   */
  resolveMany: (tx: postgres.TransactionSql, workspaceId: string, inputs: ResolveInput[]) => Promise<string[]>
}

declare module 'fastify' {
  interface FastifyInstance { identity: IdentityPort }
}
