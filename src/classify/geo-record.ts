// Maps one MMDB record to our flat Geo shape. Two record layouts exist in the wild:
// MaxMind GeoIP2/GeoLite2 (and DB-IP), nested with localised `names`; and ip-location-db,
// flat (`country_code`, `state1`, `city`, `timezone`, `latitude`, `longitude`).

export interface Geo {
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string
  /** First-level subdivision, English name (ISO code when the database has no name). */
  region?: string
  /** City, English name. */
  city?: string
  /** IANA time zone, e.g. `Europe/London`. */
  timezone?: string
  latitude?: number
  longitude?: number
}

type Rec = Record<string, unknown>

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
const englishName = (v: unknown): string | undefined => (isRec(v) && isRec(v.names) ? str(v.names.en) : undefined)

function countryCode (v: unknown): string | undefined {
  const code = str(v)?.toUpperCase()
  return code !== undefined && /^[A-Z]{2}$/.test(code) ? code : undefined
}

function fromMaxMind (r: Rec): Geo {
  const place = isRec(r.country) ? r.country : r.registered_country
  const subdivision = Array.isArray(r.subdivisions) ? r.subdivisions[0] : undefined
  const location = isRec(r.location) ? r.location : {}
  return {
    country: isRec(place) ? countryCode(place.iso_code) : undefined,
    region: englishName(subdivision) ?? (isRec(subdivision) ? str(subdivision.iso_code) : undefined),
    city: englishName(r.city),
    timezone: str(location.time_zone),
    latitude: num(location.latitude),
    longitude: num(location.longitude)
  }
}

function fromFlat (r: Rec): Geo {
  return {
    country: countryCode(r.country_code),
    region: str(r.state1),
    city: str(r.city),
    timezone: str(r.timezone),
    latitude: num(r.latitude),
    longitude: num(r.longitude)
  }
}

/** The known fields of a record (absent ones omitted), or null when it carries none. */
export function geoFromRecord (record: unknown): Geo | null {
  if (!isRec(record)) return null
  const nested = isRec(record.country) || isRec(record.registered_country) || isRec(record.location) || isRec(record.city)
  const geo = nested ? fromMaxMind(record) : fromFlat(record)
  const present = Object.entries(geo).filter(([, v]) => v !== undefined)
  return present.length === 0 ? null : Object.freeze(Object.fromEntries(present)) as Geo
}
