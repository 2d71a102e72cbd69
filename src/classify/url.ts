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
  const verbatim = verbatimHref(s)
  if (verbatim !== null) return verbatim.length > maxLength ? null : verbatim
  let url: URL
  try { url = new URL(s) } catch { return null }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null
  return url.href.length > maxLength ? null : url.href
}

// `http(s)://` + a plain lower-case DNS name (last label starting with a letter, so never an
// IPv4 form; no punycode, port or user-info) + a rest made only of characters that WHATWG
// serialisation keeps as they are and without dot segments: its href is the input itself (plus
// the `/` an empty path gets). Saves a full URL parse on the hot beacon path; anything else falls
// through to the parser. url.test.ts checks it against `new URL` on generated URLs.
const VERBATIM = /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*(?=[/?#]|$)/
const VERBATIM_REST = /^[A-Za-z0-9\-._~!$&()*+,;=:@/?#%]*$/

export function verbatimHref (s: string): string | null {
  const m = VERBATIM.exec(s)
  if (m === null || m[0].includes('xn--')) return null
  const rest = s.slice(m[0].length)
  if (!VERBATIM_REST.test(rest)) return null
  const hash = rest.indexOf('#')
  const q = rest.indexOf('?')
  const pathEnd = Math.min(hash === -1 ? rest.length : hash, q === -1 ? rest.length : q)
  const path = rest.slice(0, pathEnd)
  if (path.includes('/.') || /%2e/i.test(path) || rest.indexOf('#', hash + 1) > hash && hash !== -1) return null
  return rest.startsWith('/') ? s : `${m[0]}/${rest}`
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
