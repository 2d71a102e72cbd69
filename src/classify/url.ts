// URL normalisation (reference §4.3) and the http(s)-only gate for URL-valued event fields
// (security §3.2): page URLs and referrers are data, never navigation targets.

export const MAX_URL_LENGTH = 2048

// C0 controls, DEL and C1 controls. WHATWG parsing silently drops tabs/newlines, so `java\tscript:`
// would otherwise sneak past a scheme check done on the parsed value.
const CONTROL_CHARS = /[\u0000-\u001F\u007F-\u009F]/ // eslint-disable-line no-control-regex

/**
 * The canonical `href` of an absolute http(s) URL, or null for anything else: other schemes
 * (`javascript:`, `data:`), control characters, embedded credentials, a missing host, or more
 * than `maxLength` characters. Leading/trailing spaces are trimmed first.
 */
export function safeHttpUrl (value: unknown, maxLength: number = MAX_URL_LENGTH): string | null {
  if (typeof value !== 'string') return null
  const s = value.trim()
  if (s === '' || s.length > maxLength || CONTROL_CHARS.test(s)) return null
  let url: URL
  try { url = new URL(s) } catch { return null }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null
  return url.href.length > maxLength ? null : url.href
}

function parseAbsolute (url: string): URL | null {
  try { return new URL(url) } catch { return null }
}

/** Lower-cased `host[:port]` (default ports dropped), or null when the string has no host. */
export function urlHost (url: string | null | undefined): string | null {
  if (url === null || url === undefined) return null
  const parsed = parseAbsolute(url.trim())
  if (parsed === null || parsed.hostname === '') return null
  return parsed.host.toLowerCase()
}

// `scheme://authority` prefix; the rest is path + query + fragment, kept byte for byte.
const SCHEME_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/

/** Normalised path: query and fragment dropped, `/` runs collapsed, leading `/`, no trailing `/`. */
export function urlPath (url: string | null | undefined): string {
  if (url === null || url === undefined) return '/'
  const rest = url.trim().replace(SCHEME_AUTHORITY, '')
  const raw = rest.split(/[?#]/, 1)[0] ?? ''
  const collapsed = `/${raw}`.replace(/\/{2,}/g, '/')
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : '/'
}

/** `scheme://host[:port]` + normalised path when both exist, else just the normalised path. */
export function pathForGrouping (url: string | null | undefined): string {
  const host = urlHost(url)
  const scheme = url === null || url === undefined ? null : /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url.trim())?.[1]
  const path = urlPath(url)
  return host !== null && scheme !== undefined && scheme !== null ? `${scheme.toLowerCase()}://${host}${path}` : path
}

/**
 * The loose form the event-list URL filter compares (reference §4.3, "normalized_url"): cut at the
 * first `?`, collapse duplicate slashes except after `:`, drop one trailing `/`, empty → `/`.
 */
export function normalizeUrlForFilter (url: string | null | undefined): string {
  const base = (url ?? '/').split('?', 1)[0] ?? ''
  const collapsed = base.replace(/([^:])\/{2,}/g, '$1/').replace(/\/$/, '')
  return collapsed === '' ? '/' : collapsed
}
