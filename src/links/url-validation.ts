// Destination URLs for short links (security.md §3.1): the only way a URL gets into a link, so the
// redirector can emit the stored value as `Location` without further checks. Order matters: raw-text
// checks run before `new URL`, because the WHATWG parser silently removes tab/CR/LF and turns `\` into `/`.
import { isIPv4 } from 'node:net'
import { isSpecialPurpose } from '../net/special-purpose.js'
import { normalizeHost } from './host.js'

// 2,048 is the cap security.md suggests and what browsers/CDNs handle everywhere; the stored
// destination plus our bounded pass-through (redirect-target.ts) still stays well under 8 KB.
export const MAX_URL_LENGTH = 2048

export const INVALID_URL_MESSAGE = 'must be a valid HTTP or HTTPS URL'

export type UrlCheck = { ok: true, url: string } | { ok: false, reason: string }

export interface DestinationRules {
  // The service's own short-link domains: linking to them would create loops and redirect chains.
  ownDomains: readonly string[]
}

// C0 controls, DEL, C1 controls and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
const HTTP_PREFIX = /^https?:\/\//i

export function validateDestinationUrl (raw: unknown, rules: DestinationRules): UrlCheck {
  if (typeof raw !== 'string' || raw === '') return fail(INVALID_URL_MESSAGE)
  if (raw.length > MAX_URL_LENGTH) return fail(`must be at most ${MAX_URL_LENGTH} characters`)
  if (CONTROL_CHARS.test(raw)) return fail('must not contain control characters')
  if (raw.trim() !== raw) return fail('must not start or end with whitespace')
  // Browsers read `https:\\evil.com` and `/\evil.com` as `//evil.com`; no legitimate URL needs a raw `\`.
  if (raw.includes('\\')) return fail('must not contain backslashes')
  // Requiring the literal `scheme://` also refuses scheme-relative `//host` and `https:host` shorthands.
  if (!HTTP_PREFIX.test(raw)) return fail(INVALID_URL_MESSAGE)

  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return fail(INVALID_URL_MESSAGE)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(INVALID_URL_MESSAGE)
  if (url.username !== '' || url.password !== '') return fail('must not contain a user name or password')

  const host = normalizeHost(url.hostname)
  if (host === null) return fail(INVALID_URL_MESSAGE)
  if (isLocalHost(host)) return fail('must not point to a local or private address')
  if (rules.ownDomains.some(domain => normalizeHost(domain) === host)) {
    return fail('must not point to a short-link domain of this service')
  }
  // Punycode and percent-encoding can make the serialised form longer than the input.
  if (url.href.length > MAX_URL_LENGTH) return fail(`must be at most ${MAX_URL_LENGTH} characters`)
  return { ok: true, url: url.href }
}

export function isValidDestinationUrl (raw: unknown, rules: DestinationRules): raw is string {
  return validateDestinationUrl(raw, rules).ok
}

function fail (reason: string): UrlCheck {
  return { ok: false, reason }
}

// A short link must not send browsers to the visitor's own network: IP literals in any IANA
// special-purpose block (net/special-purpose.ts, the list outbound requests use) are refused.
function isLocalHost (host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (host.startsWith('[')) return isSpecialPurpose(host.slice(1, -1))
  return isIPv4(host) && isSpecialPurpose(host)
}
