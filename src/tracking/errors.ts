// Beacon-specific error codes (API.md envelope {error, code}). Thrown from hooks and handlers;
// the one error handler in src/errors.ts renders them.
import createError from '@fastify/error'

/** The body is not one JSON object (not JSON, a JSON array or scalar, or empty). */
export const InvalidBeacon = createError('INVALID_BEACON', '%s', 400)
/** `pk` names no live publishable key (unknown, revoked or expired). */
export const InvalidPublishableKey = createError('INVALID_PUBLISHABLE_KEY', '%s', 401)
/** `pk` is a secret key: it must never be embedded in pages. */
export const SecretKeyInPage = createError('SECRET_KEY_NOT_ALLOWED', '%s', 403)
/** The request's Origin is not among the workspace's allowed page origins. */
export const OriginNotAllowed = createError('ORIGIN_NOT_ALLOWED', "Origin '%s' is not allowed to send beacons", 403)
