// The referer rule (reference §3.4), plus the self-referral exclusion upstream lacks (§4.6 [TS-REC]):
// a referrer on the page's own host or on one of the configured own domains is no acquisition.
// Hosts are looked up in the dataset-backed table (referrer-table.ts); search engines also yield
// the search term when the referrer still carries it.
import { domainToASCII } from 'node:url'
import { lookupHost, type HostEntry } from './referrer-table.js'
import type { RefererCategory } from './source.data.js'
import { safeHttpUrl } from './url.js'

export type RefererMap = Readonly<Record<string, { platform: string, medium: string }>>

export interface RefererContext {
  pageHost?: string | null
  ownDomains?: readonly string[]
  /** Replaces (not extends) the built-in host table, like upstream's `referer_map` override. */
  refererMap?: RefererMap
}

export type RefererRule = `referrer:${RefererCategory}` | 'referrer:custom' | 'referrer:unlisted' | 'self_referral' | 'direct'

export interface RefererResult {
  platform: string
  medium: string
  confidence: 'medium' | 'low'
  referer_domain: string | null
  referer_url: string | null
  category: RefererCategory | undefined
  rule: RefererRule
  /** The table key that decided (`google.{}`, `facebook.com`, `mail.*`), null when none did. */
  match: string | null
  /** The search term a search-engine referrer still carries, else null. */
  search_term: string | null
}

export interface ParsedReferrer {
  /** Lower-cased ASCII (punycode) host without port or trailing dot; may start with `www.`. */
  host: string
  path: string
  query: string
}

const MAX_TERM = 255
const MAX_TERM_SOURCE = 2048
const CONTROL = /[\u0000-\u001F\u007F-\u009F]+/g // eslint-disable-line no-control-regex

// Fast path for the common `http(s)://host.tld/...` shape: the host is scanned, not parsed. Any
// other authority (port, user-info, upper case, IDN, IPv4, `\`) goes through WHATWG URL so the
// result is always what a browser would call the host.
const FAST_HOST = /^https?:\/\/([a-z0-9.-]+)(?=[/?#]|$)/

function fastParse (s: string): ParsedReferrer | undefined {
  const m = FAST_HOST.exec(s)
  if (m === null) return undefined
  let host = m[1]
  const last = host.charCodeAt(host.length - 1)
  if ((last >= 48 && last <= 57) || host.includes('xn--') || host.includes('..')) return undefined // IPv4 / punycode / odd: let URL decide
  if (last === 46) host = host.slice(0, -1)
  const end = m[0].length
  const hash = s.indexOf('#', end)
  const stop = hash === -1 ? s.length : hash
  const q = s.indexOf('?', end)
  if (q === -1 || q > stop) return { host, path: s.slice(end, stop), query: '' }
  return { host, path: s.slice(end, q), query: s.slice(q + 1, stop) }
}

/** Host, path and query of a referrer; null when it is not an absolute URL with a host. */
export function parseReferrer (referrer: string): ParsedReferrer | null {
  const s = referrer.trim()
  const fast = fastParse(s)
  if (fast !== undefined) return fast
  let url: URL
  try { url = new URL(s) } catch { return null }
  let host = url.hostname.toLowerCase()
  if (host !== '' && !host.startsWith('[') && /[^\x00-\x7f]/.test(host)) host = domainToASCII(host) // eslint-disable-line no-control-regex
  host = host.replace(/\.$/, '')
  if (host === '') return null
  return { host, path: url.pathname, query: url.search.slice(1) }
}

/** Lower-cased host without port, trailing dot or one leading `www.`; null when there is none. */
export function refererDomain (referrer: string | null | undefined): string | null {
  if (referrer === null || referrer === undefined) return null
  const parsed = parseReferrer(referrer)
  return parsed === null ? null : stripWww(parsed.host)
}

function stripWww (host: string): string {
  return host.startsWith('www.') && host.length > 4 ? host.slice(4) : host
}

function bareHost (host: string): string {
  const lower = host.trim().toLowerCase()
  const withoutPort = lower.startsWith('[') ? lower.replace(/\]:\d+$/, ']') : lower.replace(/:\d+$/, '')
  return withoutPort.replace(/\.$/, '').replace(/^www\./, '')
}

/** True when `domain` (already bare) is the page host or equal to / under one of the own domains. */
export function isOwnDomain (domain: string, pageHost?: string | null, ownDomains: readonly string[] = []): boolean {
  if (pageHost !== null && pageHost !== undefined && pageHost.trim() !== '' && bareHost(pageHost) === domain) return true
  return ownDomains.some((own) => {
    const d = bareHost(own).replace(/^\*?\./, '')
    return d !== '' && (domain === d || domain.endsWith(`.${d}`))
  })
}

function cleanTerm (raw: string): string | null {
  const term = raw.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_TERM)
  return term === '' ? null : term
}

function queryValue (query: string, name: string): string | null {
  if (!query.includes(`${name}=`)) return null
  for (const part of query.split('&')) {
    const eq = part.indexOf('=')
    if (eq === -1 || part.slice(0, eq) !== name) continue
    try { return decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' ')) } catch { return part.slice(eq + 1) }
  }
  return null
}

/** The search term a search-engine referrer carries, by the dataset's parameters, then its regexes. */
export function searchTerm (entry: HostEntry, parsed: ParsedReferrer): string | null {
  if (parsed.query !== '') {
    for (const param of entry.params) {
      const value = queryValue(parsed.query, param)
      if (value !== null) {
        const term = cleanTerm(value)
        if (term !== null) return term
      }
    }
  }
  if (entry.patterns.length === 0) return null
  // Bounded input: the dataset's regexes are simple, but an 8 KB referrer must not be scanned
  // by each of them in full.
  const target = (parsed.query === '' ? parsed.path : `${parsed.path}?${parsed.query}`).slice(0, MAX_TERM_SOURCE)
  for (const pattern of entry.patterns) {
    const m = pattern.exec(target)
    if (m?.[1] !== undefined) {
      let raw = m[1]
      try { raw = decodeURIComponent(raw.replace(/\+/g, ' ')) } catch { /* keep it encoded */ }
      const term = cleanTerm(raw)
      if (term !== null) return term
    }
  }
  return null
}

const DIRECT = { platform: 'direct', medium: 'direct', confidence: 'low', category: undefined, match: null, search_term: null } as const

// Referrer string → its context-free result. Real traffic repeats a few referrers endlessly
// (browsers send bare origins such as https://www.google.com/), so a warm classification is a
// Map hit plus the self-referral check. Bounded; starts over when full; long strings skip it.
const RESULT_CACHE = new Map<string, RefererResult>()
const MAX_RESULT_CACHE = 10_000
const MAX_CACHED_REFERRER = 512

export function classifyReferer (referrer: string | null | undefined, ctx: RefererContext = {}): RefererResult {
  if (referrer === null || referrer === undefined || referrer.trim() === '') {
    return { ...DIRECT, referer_domain: null, referer_url: null, rule: 'direct' }
  }
  if (ctx.refererMap !== undefined) return classifyUncached(referrer, ctx)
  let result = RESULT_CACHE.get(referrer)
  if (result === undefined) {
    result = classifyUncached(referrer, {})
    if (referrer.length <= MAX_CACHED_REFERRER) {
      if (RESULT_CACHE.size >= MAX_RESULT_CACHE) RESULT_CACHE.clear()
      RESULT_CACHE.set(referrer, result)
    }
  }
  const domain = result.referer_domain
  if (domain !== null && (ctx.pageHost != null || ctx.ownDomains !== undefined) && isOwnDomain(domain, ctx.pageHost, ctx.ownDomains)) {
    return { ...DIRECT, referer_domain: domain, referer_url: result.referer_url, rule: 'self_referral' }
  }
  return { ...result }
}

/** classifyReferer without the result cache (the bench's cold path, and custom referer maps). */
export function classifyUncached (referrer: string, ctx: RefererContext = {}): RefererResult {
  const parsed = parseReferrer(referrer)
  const domain = parsed === null ? null : stripWww(parsed.host)
  // Only http(s) referrers are kept verbatim: a `javascript:` value must never reach a dashboard href.
  const refererUrl = safeHttpUrl(referrer)
  if (domain !== null && isOwnDomain(domain, ctx.pageHost, ctx.ownDomains)) {
    return { ...DIRECT, referer_domain: domain, referer_url: refererUrl, rule: 'self_referral' }
  }
  if (ctx.refererMap !== undefined) {
    const custom = domain !== null && Object.hasOwn(ctx.refererMap, domain) ? ctx.refererMap[domain] : undefined
    if (custom !== undefined) {
      return { platform: custom.platform, medium: custom.medium, confidence: 'medium', referer_domain: domain, referer_url: refererUrl, category: undefined, rule: 'referrer:custom', match: domain, search_term: null }
    }
  } else if (parsed !== null) {
    const entry = lookupHost(parsed.host, parsed.path)
    const term = entry?.category === 'search' ? searchTerm(entry, parsed) : null
    if (entry !== undefined && !(entry.needsTerm && term === null)) {
      return {
        platform: entry.platform, medium: entry.medium, confidence: 'medium', referer_domain: domain, referer_url: refererUrl,
        category: entry.category, rule: `referrer:${entry.category}`, match: entry.key, search_term: term
      }
    }
  }
  return { platform: 'referral', medium: 'referral', confidence: 'low', referer_domain: domain, referer_url: refererUrl, category: undefined, rule: 'referrer:unlisted', match: null, search_term: null }
}
