// Beacon bodies arrive as `application/json` (already parsed by Fastify) or `text/plain` holding
// JSON (sendBeacon's CORS-safelisted type; parsed here). Either way the body must be ONE object.
// Pure: a string or a parsed value in, a plain object out, or an InvalidBeacon (400).
import { InvalidBeacon } from './errors.js'

/** Nesting deeper than this is refused (security §3.7): a beacon has no business being deep. */
export const MAX_JSON_DEPTH = 10

function depthOf (value: unknown, limit: number): number {
  if (typeof value !== 'object' || value === null) return 0
  if (limit <= 0) return 1
  let max = 0
  for (const v of Object.values(value)) max = Math.max(max, depthOf(v, limit - 1))
  return max + 1
}

// JSON.parse with the prototype-poisoning keys refused, like Fastify's own JSON parser.
function parseJson (text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)) {
      throw new SyntaxError('forbidden key')
    }
    return value
  })
}

/** The beacon as a plain object, or InvalidBeacon: empty, not JSON, an array, a scalar, too deep. */
export function beaconObject (body: unknown): Record<string, unknown> {
  let value = body
  if (typeof body === 'string' || body === undefined || body === null) {
    const text = typeof body === 'string' ? body.trim() : ''
    if (text === '') throw new InvalidBeacon('Empty body: send one JSON object')
    try { value = parseJson(text) } catch { throw new InvalidBeacon('Body is not valid JSON') }
  }
  if (Array.isArray(value)) throw new InvalidBeacon('Body is a JSON array: send one JSON object per beacon')
  if (typeof value !== 'object' || value === null) throw new InvalidBeacon('Body must be a JSON object')
  if (depthOf(value, MAX_JSON_DEPTH + 1) > MAX_JSON_DEPTH) throw new InvalidBeacon(`Body is nested deeper than ${MAX_JSON_DEPTH} levels`)
  return value as Record<string, unknown>
}
