// Where a short-link click goes (reference §5.3 step 3 and §5.5), as one pure function:
// device target (iOS/Android) → country target (overrides) → link UTMs → bounded pass-through of the
// visitor's query → `ga_id=<clickId>`. Parameters are set through URLSearchParams, never concatenated.

export interface RedirectLink {
  url: string
  iosUrl?: string | null
  androidUrl?: string | null
  // Upper-case ISO 3166-1 alpha-2 → destination, as written by normalizeGeoTargeting.
  geoTargeting?: Readonly<Record<string, string>> | null
  utmSource?: string | null
  utmMedium?: string | null
  utmCampaign?: string | null
  utmContent?: string | null
  utmTerm?: string | null
}

export interface RedirectVisitor {
  // OS name from the UA parser (bowser: 'iOS', 'Android', …); when absent the raw UA is inspected.
  os?: string | null
  userAgent?: string | null
  // ISO country code from the geo lookup; null when unknown or when country routing is off.
  country?: string | null
}

export type RequestQuery = URLSearchParams | Readonly<Record<string, unknown>>

export const CLICK_ID_PARAM = 'ga_id'

// Our own tracking parameters and ad click ids: consumed by the classifier, never forwarded (§5.5.4).
export const PASSTHROUGH_EXCLUDED = [
  'ga_id', 'via', 'ref', 'qr', 's', 'gclid', 'gbraid', 'wbraid', 'msclkid', 'fbclid', 'ttclid',
  'twclid', 'li_fat_id', 'sccid', 'dclid', 'epik', 'irclickid'
] as const
const EXCLUDED_SET: ReadonlySet<string> = new Set(PASSTHROUGH_EXCLUDED)

// Bounds on what a visitor can add to the destination: upstream's per-parameter limits and count,
// plus a total so a 10 KB query string still yields a sane Location header.
export const MAX_PASSTHROUGH_PARAMS = 10
export const MAX_PASSTHROUGH_KEY_LENGTH = 64
export const MAX_PASSTHROUGH_VALUE_LENGTH = 512
export const MAX_PASSTHROUGH_BYTES = 2048

const UTM_FIELDS = [
  ['utm_source', 'utmSource'], ['utm_medium', 'utmMedium'], ['utm_campaign', 'utmCampaign'],
  ['utm_content', 'utmContent'], ['utm_term', 'utmTerm']
] as const

export const DEVICE_PLATFORMS = ['ios', 'android', 'other'] as const
export type DevicePlatform = typeof DEVICE_PLATFORMS[number]

// Returns the final URL, or null when not even the link's main URL is a usable http(s) URL
// (data written before validation existed) — the caller answers 400 `Invalid destination URL`.
export function resolveTarget (
  link: RedirectLink,
  visitor: RedirectVisitor,
  query: RequestQuery,
  clickId: string
): string | null {
  const target = chooseDestination(link, visitor)
  if (target === null) return null

  for (const [param, field] of UTM_FIELDS) {
    const value = link[field]
    if (typeof value === 'string' && value !== '') target.searchParams.set(param, value)
  }
  for (const [key, value] of passthroughParams(query)) target.searchParams.set(key, value)
  target.searchParams.set(CLICK_ID_PARAM, clickId)
  // Sorted keys, as upstream emits them; the sort is stable, so repeated destination keys keep their order.
  target.searchParams.sort()
  return target.href
}

export function chooseDestination (link: RedirectLink, visitor: RedirectVisitor): URL | null {
  const platform = devicePlatform(visitor)
  const deviceUrl = platform === 'ios' ? link.iosUrl : platform === 'android' ? link.androidUrl : null
  const country = visitor.country?.toUpperCase()
  const countryUrl = country === undefined ? undefined : ownValue(link.geoTargeting, country)
  // Country beats device beats the main URL; an unusable target falls through to the next one.
  return parseHttpUrl(countryUrl) ?? parseHttpUrl(deviceUrl) ?? parseHttpUrl(link.url)
}

export function devicePlatform ({ os, userAgent }: RedirectVisitor): DevicePlatform {
  if (typeof os === 'string' && os !== '') {
    const name = os.toLowerCase()
    if (name === 'ios' || name === 'ipados') return 'ios'
    if (name === 'android') return 'android'
    return 'other'
  }
  const ua = userAgent ?? ''
  // Windows Phone UAs claim both "Android" and "like iPhone".
  if (ua.includes('Windows Phone')) return 'other'
  if (ua.includes('iPhone') || ua.includes('iPad') || ua.includes('iPod')) return 'ios'
  if (ua.includes('Android')) return 'android'
  return 'other'
}

// `?qr=1` marks a scan of the link's QR code; only the exact value counts (§5.3 step 4).
export function isQrScan (query: RequestQuery): boolean {
  return lastString(query instanceof URLSearchParams ? query.getAll('qr') : query.qr) === '1'
}

export function passthroughParams (query: RequestQuery): Array<[string, string]> {
  const latest = new Map<string, string>()
  const entries = query instanceof URLSearchParams ? groupSearchParams(query) : Object.entries(query)
  for (const [key, raw] of entries) {
    const value = lastString(raw)
    if (value === undefined || key === '' || key.length > MAX_PASSTHROUGH_KEY_LENGTH) continue
    if (value.length > MAX_PASSTHROUGH_VALUE_LENGTH || EXCLUDED_SET.has(key.toLowerCase())) continue
    latest.set(key, value)
  }

  const kept: Array<[string, string]> = []
  let bytes = 0
  for (const key of [...latest.keys()].sort()) {
    if (kept.length === MAX_PASSTHROUGH_PARAMS) break
    const value = latest.get(key) as string
    const size = new URLSearchParams([[key, value]]).toString().length + 1
    if (bytes + size > MAX_PASSTHROUGH_BYTES) continue
    bytes += size
    kept.push([key, value])
  }
  return kept
}

function parseHttpUrl (candidate: string | null | undefined): URL | null {
  if (typeof candidate !== 'string' || candidate === '') return null
  let url: URL
  try {
    url = new URL(candidate)
  } catch {
    return null
  }
  const httpish = url.protocol === 'http:' || url.protocol === 'https:'
  return httpish && url.username === '' && url.password === '' ? url : null
}

function ownValue (map: Readonly<Record<string, string>> | null | undefined, key: string): string | undefined {
  return map != null && Object.hasOwn(map, key) ? map[key] : undefined
}

// Repeated keys collapse to their last value (as upstream's query map does); arrays come from
// Fastify's parser for `?a=1&a=2`. Anything that is not a string (nested objects) is ignored.
function lastString (value: unknown): string | undefined {
  const last = Array.isArray(value) ? value[value.length - 1] : value
  return typeof last === 'string' ? last : undefined
}

function groupSearchParams (params: URLSearchParams): Array<[string, string[]]> {
  return [...new Set(params.keys())].map(key => [key, params.getAll(key)])
}
