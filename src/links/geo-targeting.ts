// Country targeting map of a link: `{ "DE": "https://example.de/" }`. Keys are upper-cased and must be
// real ISO 3166-1 alpha-2 codes (what the geo database reports); values are destination URLs under the
// same rules as the link's main URL. null/undefined mean "no targeting".
import { isCountryCode } from './iso-3166.data.js'
import { validateDestinationUrl, type DestinationRules } from './url-validation.js'

export type GeoTargeting = Record<string, string>

export type GeoTargetingCheck = { ok: true, value: GeoTargeting } | { ok: false, errors: string[] }

export const GEO_TARGETING_NOT_A_MAP = 'must be a map of country code to URL'

export function normalizeGeoTargeting (input: unknown, rules: DestinationRules): GeoTargetingCheck {
  if (input === null || input === undefined) return { ok: true, value: {} }
  if (!isPlainObject(input)) return { ok: false, errors: [GEO_TARGETING_NOT_A_MAP] }

  const value: GeoTargeting = {}
  const errors: string[] = []
  for (const [rawKey, rawUrl] of Object.entries(input)) {
    const code = rawKey.trim().toUpperCase()
    if (!isCountryCode(code)) {
      errors.push(`${JSON.stringify(rawKey)}: must be an ISO 3166-1 alpha-2 country code`)
      continue
    }
    if (Object.hasOwn(value, code)) {
      errors.push(`${JSON.stringify(rawKey)}: country ${code} is listed more than once`)
      continue
    }
    const url = validateDestinationUrl(rawUrl, rules)
    if (!url.ok) {
      errors.push(`${code}: ${url.reason}`)
      continue
    }
    value[code] = url.url
  }
  return errors.length === 0 ? { ok: true, value: sortedByKey(value) } : { ok: false, errors }
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

// Stable key order so equal maps serialise identically (jsonb does not care, diffs and caches do).
function sortedByKey (map: GeoTargeting): GeoTargeting {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1)))
}
