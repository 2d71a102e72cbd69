// Where a short-link click goes (reference §5.3 step 3 and §5.5), as one pure function:
// device target (iOS/Android) → country target (overrides) → link UTMs → bounded pass-through of the
// visitor's query → `ga_id=<clickId>`. Merge order of the query (issue 14 item 11, README): the
// destination's own parameters, overlaid by the link's UTM fields; the visitor's parameters only
// ADD keys the link does not set (the link's values win, unlike reference §5.5 step 4); ga_id last. Parameters are set through URLSearchParams, never concatenated;
// the one exception is splicing a form-safe click id into a URL URLSearchParams already serialised.

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
  const destination = chooseDestination(link, visitor)
  if (destination === null) return null
  const extra = passthroughParams(query)
  // The usual click adds nothing to the destination: the finished URL is the prepared one with the click id in its slot.
  if (extra.length === 0 && destination.beforeClickId !== null && FORM_SAFE.test(clickId)) {
    return destination.beforeClickId + clickId + destination.afterClickId
  }
  const target = new URL(destination.href)
  // The link's values win: a visitor's parameter only fills a key the destination and UTMs leave unset.
  for (const [key, value] of extra) if (!target.searchParams.has(key)) target.searchParams.set(key, value)
  target.searchParams.set(CLICK_ID_PARAM, clickId)
  // Sorted keys, as upstream emits them; the sort is stable, so repeated destination keys keep their order.
  target.searchParams.sort()
  return target.href
}

/**
 * A usable destination with the link's UTMs set (`href`), and the URL a click without pass-through
 * parameters gets, split around its ga_id value (null when that split is ambiguous).
 */
export interface PreparedDestination {
  href: string
  beforeClickId: string | null
  afterClickId: string
}

export function chooseDestination (link: RedirectLink, visitor: RedirectVisitor): PreparedDestination | null {
  const platform = devicePlatform(visitor)
  const deviceUrl = platform === 'ios' ? link.iosUrl : platform === 'android' ? link.androidUrl : null
  const country = visitor.country?.toUpperCase()
  const countryUrl = country === undefined ? undefined : ownValue(link.geoTargeting, country)
  // Country beats device beats the main URL; an unusable target falls through to the next one.
  return prepared(countryUrl, link) ?? prepared(deviceUrl, link) ?? prepared(link.url, link)
}

// Preparing parses and re-serialises the URL, the costly part of a redirect; it depends only on the
// destination string and the link's UTMs, so it is memoised on exactly those (bounded; cleared when
// full). Links without UTMs, the usual case, are keyed by the bare destination.
const MAX_PREPARED = 10_000
const preparedPlain = new Map<string, PreparedDestination | null>()
const preparedWithUtms = new Map<string, PreparedDestination | null>()
// Characters the form encoder leaves as they are, so a click id made of them can be spliced in verbatim.
const FORM_SAFE = /^[A-Za-z0-9*._-]+$/
const CLICK_ID_SLOT = 'GA0CLICK0ID0SLOT'

function prepared (candidate: string | null | undefined, link: RedirectLink): PreparedDestination | null {
  if (typeof candidate !== 'string' || candidate === '') return null
  const hasUtms = UTM_FIELDS.some(([, field]) => typeof link[field] === 'string' && link[field] !== '')
  const utms = hasUtms ? UTM_FIELDS.map(([, field]) => link[field] ?? '') : null
  const cache = utms === null ? preparedPlain : preparedWithUtms
  const id = utms === null ? candidate : JSON.stringify([candidate, ...utms])
  let hit = cache.get(id)
  if (hit === undefined) {
    hit = prepare(candidate, utms ?? [])
    if (cache.size >= MAX_PREPARED) cache.clear()
    cache.set(id, hit)
  }
  return hit
}

function prepare (candidate: string, utms: readonly string[]): PreparedDestination | null {
  const target = parseHttpUrl(candidate)
  if (target === null) return null
  for (const [i, [param]] of UTM_FIELDS.entries()) {
    const value = utms[i]
    if (value !== undefined && value !== '') target.searchParams.set(param, value)
  }
  const href = target.href
  target.searchParams.set(CLICK_ID_PARAM, CLICK_ID_SLOT)
  target.searchParams.sort()
  const full = target.href
  const at = full.indexOf(CLICK_ID_SLOT)
  // The slot text appearing twice (the destination carries it too) would make the split ambiguous.
  const unique = at !== -1 && full.indexOf(CLICK_ID_SLOT, at + 1) === -1
  return { href, beforeClickId: unique ? full.slice(0, at) : null, afterClickId: unique ? full.slice(at + CLICK_ID_SLOT.length) : '' }
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
  if (latest.size === 0) return kept
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
