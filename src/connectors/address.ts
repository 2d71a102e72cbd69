// A person's address (city, region, postal code, country) for the conversion APIs' match keys:
// where it comes from (the conversion, the person, the visitor's geo), the platforms' length
// limits (over-long values are cut, with a note for the dispatch), and each platform's documented
// normal form before hashing (reference ad-platforms-and-delivery.md §1.1–1.5):
//   Meta  ct: lower-case, no spaces/punctuation/digits · st: 2-letter code for US states (else the
//         name, letters only) · zp: lower-case, no spaces or dashes, US: first 5 digits ·
//         country: ISO 3166-1 alpha-2, lower-case — all SHA-256.
//   Google (Ads addressInfo / Data Manager address): names hashed, postal code and country code
//         plain (upper-case, single spaces; US: 5 digits); city/state plain (Ads only).
//   TikTok zip_code hashed like Meta's zp; city like Meta's ct, state and country lower-case, plain.
//   LinkedIn userInfo.countryCode: alpha-2, upper-case, plain.
// Every value is NFC-normalised first, so a decomposed "Zu\u0308rich" hashes like "Zürich".
import { ISO_COUNTRY_CODES } from '../links/iso-3166.data.js'
import { sha256Hex } from './normalize.js'

export interface Address {
  city?: string | null
  region?: string | null
  postalCode?: string | null
  country?: string | null
}

export const ADDRESS_FIELDS = ['city', 'region', 'postalCode', 'country'] as const
export type AddressField = (typeof ADDRESS_FIELDS)[number]

/** Request field names (identify, lead, sale) → Address field. */
export const ADDRESS_INPUT_FIELDS: Readonly<Record<string, AddressField>> = {
  person_city: 'city',
  person_region: 'region',
  person_postal_code: 'postalCode',
  person_country: 'country'
}

/**
 * Longest value sent for each field. The platforms publish no per-field maximum for these
 * match keys beyond "a city / a region / a postal code", so these are generous real-world bounds
 * (the longest city names are under 60 letters; postal codes under 12 characters).
 */
export const ADDRESS_LIMITS: Readonly<Record<Exclude<AddressField, 'country'>, number>> = {
  city: 64,
  region: 64,
  postalCode: 16
}

const CONTROL = /[\u0000-\u001F\u007F-\u009F]/ // eslint-disable-line no-control-regex

function clean (value: unknown): string | null {
  if (typeof value !== 'string') return null
  const text = value.normalize('NFC').replace(/\s+/g, ' ').trim()
  return text === '' || CONTROL.test(text) ? null : text
}

/** Field by field: the first source that has a value wins. */
export function mergeAddress (...sources: ReadonlyArray<Address | null | undefined>): Address {
  const out: Address = {}
  for (const field of ADDRESS_FIELDS) {
    for (const source of sources) {
      const value = clean(source?.[field])
      if (value !== null) { out[field] = value; break }
    }
  }
  return out
}

/** Cuts over-long values to ADDRESS_LIMITS; each cut is described in `notes`. */
export function limitAddress (address: Address): { address: Address, notes: string[] } {
  const out: Address = { ...address }
  const notes: string[] = []
  for (const field of ['city', 'region', 'postalCode'] as const) {
    const value = out[field]
    const max = ADDRESS_LIMITS[field]
    if (typeof value === 'string' && [...value].length > max) {
      out[field] = [...value].slice(0, max).join('').trim()
      notes.push(`address ${field} truncated from ${[...value].length} to ${max} characters`)
    }
  }
  return { address: out, notes }
}

// ---- country names and codes -------------------------------------------------------------

const LOCALES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl', 'sv', 'da', 'nb', 'fi', 'cs', 'tr', 'ru', 'ja', 'zh', 'ko']

/** Lower-case, accents dropped, letters and digits only: "Côte d’Ivoire" → "cotedivoire". */
function key (text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
}

const ALIASES: Readonly<Record<string, string>> = {
  usa: 'US', us: 'US', unitedstatesofamerica: 'US', america: 'US', uk: 'GB', greatbritain: 'GB', england: 'GB',
  scotland: 'GB', wales: 'GB', northernireland: 'GB', britain: 'GB', holland: 'NL', russia: 'RU', southkorea: 'KR',
  korea: 'KR', northkorea: 'KP', czechia: 'CZ', czechrepublic: 'CZ', ivorycoast: 'CI', turkey: 'TR', vietnam: 'VN',
  laos: 'LA', syria: 'SY', iran: 'IR', bolivia: 'BO', venezuela: 'VE', tanzania: 'TZ', moldova: 'MD', taiwan: 'TW',
  // ISO alpha-3 codes people type most.
  deu: 'DE', gbr: 'GB', fra: 'FR', esp: 'ES', ita: 'IT', nld: 'NL', che: 'CH', aut: 'AT', bel: 'BE', can: 'CA',
  aus: 'AU', bra: 'BR', mex: 'MX', jpn: 'JP', chn: 'CN', ind: 'IN', swe: 'SE', nor: 'NO', dnk: 'DK', fin: 'FI',
  pol: 'PL', prt: 'PT', irl: 'IE', nzl: 'NZ', zaf: 'ZA', kor: 'KR', rus: 'RU', tur: 'TR', arg: 'AR'
}

function buildCountryIndex (): Map<string, string> {
  const index = new Map<string, string>()
  for (const locale of LOCALES) {
    let names: Intl.DisplayNames
    try { names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' }) } catch { continue }
    for (const code of ISO_COUNTRY_CODES) {
      const name = names.of(code)
      if (name !== undefined) {
        const k = key(name)
        if (k !== '' && !index.has(k)) index.set(k, code)
      }
    }
  }
  for (const [alias, code] of Object.entries(ALIASES)) index.set(alias, code)
  return index
}

const CODES: ReadonlySet<string> = new Set(ISO_COUNTRY_CODES)
let countryIndex: Map<string, string> | null = null

/** ISO 3166-1 alpha-2 (upper-case) of a code ("de", "DE"), an alpha-3 or a name in a common language; null when unknown. */
export function countryCode (raw: string | null | undefined): string | null {
  const text = clean(raw)
  if (text === null) return null
  const upper = text.toUpperCase()
  if (/^[A-Z]{2}$/.test(upper)) return CODES.has(upper) ? upper : upper === 'UK' ? 'GB' : null
  countryIndex ??= buildCountryIndex()
  return countryIndex.get(key(text)) ?? null
}

// ---- US states (Meta's `st` is the 2-letter code for them) ---------------------------------

const US_STATES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries({
  AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado', CT: 'Connecticut',
  DE: 'Delaware', FL: 'Florida', GA: 'Georgia', HI: 'Hawaii', ID: 'Idaho', IL: 'Illinois', IN: 'Indiana', IA: 'Iowa',
  KS: 'Kansas', KY: 'Kentucky', LA: 'Louisiana', ME: 'Maine', MD: 'Maryland', MA: 'Massachusetts', MI: 'Michigan',
  MN: 'Minnesota', MS: 'Mississippi', MO: 'Missouri', MT: 'Montana', NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire',
  NJ: 'New Jersey', NM: 'New Mexico', NY: 'New York', NC: 'North Carolina', ND: 'North Dakota', OH: 'Ohio', OK: 'Oklahoma',
  OR: 'Oregon', PA: 'Pennsylvania', RI: 'Rhode Island', SC: 'South Carolina', SD: 'South Dakota', TN: 'Tennessee',
  TX: 'Texas', UT: 'Utah', VT: 'Vermont', VA: 'Virginia', WA: 'Washington', WV: 'West Virginia', WI: 'Wisconsin',
  WY: 'Wyoming', DC: 'District of Columbia', PR: 'Puerto Rico'
}).map(([code, name]) => [key(name), code.toLowerCase()]))

const lowerNfc = (s: string): string => s.normalize('NFC').toLocaleLowerCase('und')

/** Meta `ct` / TikTok `city`: lower-case, without spaces, punctuation, symbols or digits ("São Paulo" → "sãopaulo"). */
export function normalizeCity (raw: string | null | undefined): string | null {
  const text = clean(raw)
  if (text === null) return null
  const city = lowerNfc(text).replace(/[\s\p{P}\p{S}\p{N}]/gu, '')
  return city === '' ? null : city
}

/** Meta `st`: the 2-letter code for a US state (by code or name), else the region's letters, lower-case. */
export function normalizeRegion (raw: string | null | undefined, country: string | null): string | null {
  const text = clean(raw)
  if (text === null) return null
  const letters = lowerNfc(text).replace(/[\s\p{P}\p{S}\p{N}]/gu, '')
  if (letters === '') return null
  if (country === null || country === 'US') {
    const byName = US_STATES[key(text)]
    if (byName !== undefined) return byName
    if (country === 'US' && /^[a-z]{2}$/.test(letters)) return letters
  }
  return letters
}

/** Meta `zp` / TikTok `zip_code`: lower-case without spaces or dashes; a US ZIP+4 keeps its first 5 digits. */
export function normalizePostalCode (raw: string | null | undefined, country: string | null): string | null {
  const text = clean(raw)
  if (text === null) return null
  if (country === 'US' || (country === null && /^\d{5}(?:\s*[-+]\s*\d{4})?$/.test(text))) {
    const zip = /^(\d{5})/.exec(text.replace(/\s/g, ''))
    if (zip !== null) return zip[1]
  }
  const code = lowerNfc(text).replace(/[\s\p{P}\p{S}]/gu, '')
  return code === '' ? null : code
}

/** Google's plain postal code: upper-case, single spaces kept ("sw1a  1aa" → "SW1A 1AA"); US: 5 digits. */
export function googlePostalCode (raw: string | null | undefined, country: string | null): string | null {
  const text = clean(raw)
  if (text === null) return null
  if (country === 'US') {
    const zip = /^(\d{5})/.exec(text.replace(/\s/g, ''))
    if (zip !== null) return zip[1]
  }
  return text.toLocaleUpperCase('und')
}

const hash = (value: string | null): string | null => (value === null ? null : sha256Hex(value))

/** Meta user_data address keys, hashed. */
export function metaAddress (address: Address): Record<string, string | null> {
  const country = countryCode(address.country)
  return {
    ct: hash(normalizeCity(address.city)),
    st: hash(normalizeRegion(address.region, country)),
    zp: hash(normalizePostalCode(address.postalCode, country)),
    country: hash(country === null ? null : country.toLowerCase())
  }
}

/** TikTok user address keys: zip_code hashed, the rest plain and normalised. */
export function tiktokAddress (address: Address): Record<string, string | null> {
  const country = countryCode(address.country)
  return {
    city: normalizeCity(address.city),
    state: normalizeRegion(address.region, country),
    country: country === null ? null : country.toLowerCase(),
    zip_code: hash(normalizePostalCode(address.postalCode, country))
  }
}
