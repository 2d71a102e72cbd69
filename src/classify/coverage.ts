// How much of the public referrer datasets the classifier gets right: every search-engine and
// social host of the vendored Matomo lists, and the webmail hosts of Snowplow's referer-parser
// list (its `email` section; Matomo has none), each turned into the bare referrer a browser sends
// today (`https://host/`, no query) and classified. Used by referrer-table.test.ts (≥ 95 % each)
// and by the bench's coverage table. Path-qualified entries keep their path; `{}` is filled with
// `de`, `co.uk` and `com.br` (one sample each); Android app ids become `android-app://id/`.
import { classifyReferer } from './referer.js'
import { tableKey } from './referrer-table.js'
import { SEARCH_ENGINES, SOCIAL_NETWORKS } from './referrers.generated.js'

/** Webmail hosts of snowplow-referer-parser's referers.yml `email` section (facts, listed here for the measurement only). */
export const PUBLIC_WEBMAIL_HOSTS: readonly string[] = [
  'webmail.bigpond.com', 'webmail2.bigpond.com', 'mail.naver.com', 'webmail.optuszoo.com.au', 'email.seznam.cz',
  'mail.126.com', 'mail.live.com', 'mail.aol.com', 'mail2.daum.net', 'mail.yahoo.net', 'mail.yahoo.com',
  'mail.yahoo.co.uk', 'mail.yahoo.co.jp', 'mail.163.com', 'orange.fr/webmail', 'mail.qq.com', 'mail.mynet.com',
  'mail.google.com'
]

export type CoverageCategory = 'search' | 'social' | 'email'

export interface Coverage {
  category: CoverageCategory
  total: number
  right: number
  /** right / total, in percent with one decimal. */
  percent: number
  /** Sample referrers classified into another medium, with what they got. */
  misses: string[]
}

const RIGHT_MEDIUMS: Readonly<Record<CoverageCategory, readonly string[]>> = {
  search: ['organic'],
  // `messaging` is our refinement of social (web.telegram.org): same channel, Organic Social.
  social: ['social', 'messaging'],
  email: ['email']
}

/** The referrers a browser would send for one dataset URL entry. */
export function sampleReferrers (url: string): string[] {
  const s = url.trim()
  if (/^android-app:|android/.test(s)) return [`android-app://${s.replace(/^android-app:\/?\/?/, '')}`]
  const withPath = s.includes('/') ? s : `${s}/`
  if (!withPath.includes('{}')) return [`https://${withPath}`]
  return ['de', 'co.uk', 'com.br'].map((cc) => `https://${withPath.replace(/\{\}\./g, cc === 'de' ? 'de.' : 'fr.').replace(/\.\{\}/g, `.${cc}`)}`)
}

function measure (category: CoverageCategory, urls: readonly string[]): Coverage {
  let total = 0
  let right = 0
  const misses: string[] = []
  for (const url of urls) {
    for (const referrer of sampleReferrers(url)) {
      total++
      const got = classifyReferer(referrer)
      if (RIGHT_MEDIUMS[category].includes(got.medium)) right++
      else misses.push(`${referrer} → ${got.medium}`)
    }
  }
  return { category, total, right, percent: total === 0 ? 0 : Math.round((right / total) * 1000) / 10, misses }
}

export function referrerCoverage (): Coverage[] {
  const socialUrls = SOCIAL_NETWORKS.flatMap(([, urls]) => urls)
  const socialHosts = new Set(socialUrls.map((u) => tableKey(u)[0]))
  // A host both lists claim (www.facebook.com, a social network with a search box) is measured as social.
  const searchUrls = [...new Set(SEARCH_ENGINES.flatMap(([, urls]) => urls))].filter((u) => !socialHosts.has(tableKey(u)[0]))
  return [
    measure('search', searchUrls),
    measure('social', [...new Set(socialUrls)]),
    measure('email', PUBLIC_WEBMAIL_HOSTS)
  ]
}
