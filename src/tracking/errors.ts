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
/** A `sale` beacon on a key that does not allow client-side sales (issue 14 item 2). */
export const ClientSaleNotAllowed = createError('CLIENT_SALE_NOT_ALLOWED',
  'Sales are not accepted from browsers with this key: record them from your backend (POST /ga/api/conversions/sale with a secret key), ' +
  'or allow client-side sales on the publishable key (allow_client_sales)', 403)
/** A lead or sale beacon without an Origin that the key (or GA_ALLOWED_ORIGINS) allows. */
export const ConversionOriginRequired = createError('CONVERSION_ORIGIN_REQUIRED',
  'Leads and sales from a browser need an Origin header naming one of the allowed page origins (the publishable key\'s allowed_origins or GA_ALLOWED_ORIGINS)', 403)
