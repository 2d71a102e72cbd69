// Link-specific errors; rendered by the root error handler as {"error", "code"}.
import createError from '@fastify/error'

export const LinkNotFound = createError('LINK_NOT_FOUND', 'Link not found', 404)
export const LinkExpired = createError('LINK_EXPIRED', 'Link expired', 410)
export const LinkKeyTaken = createError('LINK_KEY_TAKEN', 'A link with this domain/key already exists', 409)
export const ExternalIdTaken = createError('EXTERNAL_ID_TAKEN', 'A link with this external_id already exists', 409)
export const KeySpaceCrowded = createError('LINK_KEY_UNAVAILABLE', 'Could not generate a free key, retry or pass one', 503)

export const UNIQUE_VIOLATION = '23505'
export const DOMAIN_KEY_CONSTRAINT = 'links_domain_key_live_idx'
export const EXTERNAL_ID_CONSTRAINT = 'links_workspace_external_id_live_idx'

/** The unique index a failed write ran into, unwrapping drizzle's query error; null for anything else. */
export function violatedUniqueIndex (err: unknown): string | null {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint_name: name } = e as { code?: string, constraint_name?: string }
    if (code === UNIQUE_VIOLATION) return name ?? ''
  }
  return null
}
export const LinkTakesNoPassword = createError('METHOD_NOT_ALLOWED', 'This link has no password: follow it with GET', 405)
