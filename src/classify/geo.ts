// IP → geo lookup over an MMDB file. Zero-config default: the CC0 country database shipped in
// `@ip-location-db/geo-whois-asn-country-mmdb`; a MaxMind GeoLite2/GeoIP2 City file (or any
// compatible one) adds region, city, time zone and coordinates when its path is given.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { LRUCache } from 'lru-cache'
import { Reader, type Response } from 'mmdb-lib'
import { geoFromRecord, type Geo } from './geo-record.js'
import { canonicalIp, isNonPublicIp } from './ip.js'

export { geoFromRecord, type Geo } from './geo-record.js'
export { anonymizeIp, IP_MODES, isIpMode, type IpMode } from './ip.js'

export const DEFAULT_GEO_DB_MODULE = '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb'

export interface GeoLookup {
  /** Geo of a public IP; null for private/reserved/invalid addresses and for unknown ones. */
  lookup: (ip: string | null | undefined) => Geo | null
  /** Where the data came from: the file path read. */
  readonly path: string
  /** The database's own type label (e.g. `GeoLite2-City`, `country`). */
  readonly databaseType: string
}

/** Absolute path of the bundled zero-config country database. */
export function defaultGeoDbPath (): string {
  return createRequire(import.meta.url).resolve(DEFAULT_GEO_DB_MODULE)
}

/** A memoised lookup over an in-memory MMDB image; no I/O. */
export function createGeoLookup (db: Buffer, path = '(buffer)', cacheSize = 10_000): GeoLookup {
  const reader = new Reader<Response>(db)
  // `false` stands for "looked up, nothing found": lru-cache cannot hold null.
  const cache = new LRUCache<string, Geo | false>({ max: cacheSize })
  const lookup = (ip: string | null | undefined): Geo | null => {
    const canonical = canonicalIp(ip)
    if (canonical === null || isNonPublicIp(canonical)) return null
    const hit = cache.get(canonical)
    if (hit !== undefined) return hit === false ? null : hit
    const geo = geoFromRecord(reader.get(canonical))
    cache.set(canonical, geo ?? false)
    return geo
  }
  return { lookup, path, databaseType: reader.metadata.databaseType }
}

/**
 * Opens an MMDB file (whole file read once into memory, synchronously: call it at startup).
 * Without a path, the bundled country database. Throws when the file is missing or not an MMDB.
 */
export function openGeoReader (path?: string | null, cacheSize?: number): GeoLookup {
  const file = path === undefined || path === null || path.trim() === '' ? defaultGeoDbPath() : path
  return createGeoLookup(readFileSync(file), file, cacheSize)
}
