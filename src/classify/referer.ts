// The referer rule (reference §3.4), plus the self-referral exclusion upstream lacks (§4.6 [TS-REC]):
// a referrer on the page's own host or on one of the configured own domains is no acquisition.
import { REFERER_HOSTS, type RefererCategory, type RefererEntry } from './source.data.js'
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
}

/** Lower-cased host without port, trailing dot or one leading `www.`; null when there is none. */
export function refererDomain (referrer: string | null | undefined): string | null {
  if (referrer === null || referrer === undefined) return null
  let url: URL
  try { url = new URL(referrer.trim()) } catch { return null }
  const host = url.hostname.toLowerCase().replace(/\.$/, '').replace(/^www\./, '')
  return host === '' ? null : host
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

const DIRECT = { platform: 'direct', medium: 'direct', confidence: 'low', category: undefined } as const

export function classifyReferer (referrer: string | null | undefined, ctx: RefererContext = {}): RefererResult {
  if (referrer === null || referrer === undefined || referrer.trim() === '') {
    return { ...DIRECT, referer_domain: null, referer_url: null, rule: 'direct' }
  }
  const domain = refererDomain(referrer)
  // Only http(s) referrers are kept verbatim: a `javascript:` value must never reach a dashboard href.
  const refererUrl = safeHttpUrl(referrer)
  if (domain !== null && isOwnDomain(domain, ctx.pageHost, ctx.ownDomains)) {
    return { ...DIRECT, referer_domain: domain, referer_url: refererUrl, rule: 'self_referral' }
  }
  const listed = domain === null ? undefined : lookup(domain, ctx.refererMap)
  if (listed !== undefined) {
    const rule: RefererRule = listed.category === undefined ? 'referrer:custom' : `referrer:${listed.category}`
    return { platform: listed.platform, medium: listed.medium, confidence: 'medium', referer_domain: domain, referer_url: refererUrl, category: listed.category, rule }
  }
  return { platform: 'referral', medium: 'referral', confidence: 'low', referer_domain: domain, referer_url: refererUrl, category: undefined, rule: 'referrer:unlisted' }
}

function lookup (domain: string, refererMap: RefererMap | undefined): RefererEntry | undefined {
  if (refererMap === undefined) return REFERER_HOSTS.get(domain)
  return Object.hasOwn(refererMap, domain) ? refererMap[domain] : undefined
}
