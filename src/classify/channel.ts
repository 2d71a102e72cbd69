// GA4-style default channel grouping. Upstream has none (reference §3.6 / §12.2 item 7);
// the rules follow Google's documented order so numbers line up with what marketers expect.
import {
  DISPLAY_MEDIUM, EMAIL_PATTERN, PAID_MEDIUM, REFERRAL_MEDIUM, SEARCH_SOURCE_NAMES, SOCIAL_MEDIUM,
  SOCIAL_SOURCE_NAMES, type Channel
} from './channel.data.js'
import { lookupHost } from './referrer-table.js'
import type { ClickIdEntry, RefererCategory } from './source.data.js'

export { CHANNELS, isChannel, type Channel } from './channel.data.js'

type SourceKind = 'search' | 'social' | 'email' | 'ai' | null

const KIND_OF_CATEGORY: Readonly<Record<RefererCategory, SourceKind>> = {
  search: 'search', social: 'social', email: 'email', messaging: 'social', ai: 'ai'
}

/** What kind of site a utm_source / platform name denotes, or null when unknown. */
export function sourceKind (source: string | null): SourceKind {
  if (source === null) return null
  const name = source.trim().toLowerCase().replace(/^www\./, '')
  const listed = name.includes('.') && /^[a-z0-9.-]+$/.test(name) ? lookupHost(name) : undefined
  if (listed !== undefined) return KIND_OF_CATEGORY[listed.category]
  // Left-of-TLD labels, so `google.de` and `m.facebook.com` are recognised without listing every ccTLD.
  const labels = name.includes('.') ? name.split('.').slice(0, -1) : [name]
  if (labels.some((l) => SEARCH_SOURCE_NAMES.has(l))) return 'search'
  if (labels.some((l) => SOCIAL_SOURCE_NAMES.has(l))) return 'social'
  return null
}

/** GA4 default channel group of a source/medium pair (used for UTM-tagged traffic). */
export function channelOfTraffic (source: string | null, medium: string): Channel {
  const m = medium.trim().toLowerCase()
  const kind = sourceKind(source)
  const paid = PAID_MEDIUM.test(m)
  if (m === 'direct' && (source === null || source.toLowerCase() === 'direct')) return 'Direct'
  if (m === 'ai' || kind === 'ai') return 'AI Assistants'
  if (kind === 'search' && paid) return 'Paid Search'
  if (kind === 'social' && paid) return 'Paid Social'
  if (DISPLAY_MEDIUM.test(m)) return 'Display'
  if (paid) return 'Paid Other'
  if (kind === 'social' || SOCIAL_MEDIUM.test(m)) return 'Organic Social'
  if (kind === 'search' || m === 'organic') return 'Organic Search'
  if (kind === 'email' || EMAIL_PATTERN.test(m) || EMAIL_PATTERN.test(source?.toLowerCase() ?? '')) return 'Email'
  if (m === 'affiliate') return 'Affiliates'
  if (REFERRAL_MEDIUM.test(m)) return 'Referral'
  return 'Unassigned'
}

/** A click id names its ad network, so its table decides; fbclid is Paid Social only when utm_medium is paid. */
export function channelOfClickId (entry: ClickIdEntry, utmMedium: string | null): Channel {
  const paidUtm = utmMedium !== null && PAID_MEDIUM.test(utmMedium.toLowerCase())
  if (entry.channel === 'Organic Social' && paidUtm) return 'Paid Social'
  return entry.channel ?? channelOfTraffic(entry.platform, entry.medium)
}

const CHANNEL_OF_CATEGORY: Readonly<Record<RefererCategory, Channel>> = {
  search: 'Organic Search',
  social: 'Organic Social',
  email: 'Email',
  messaging: 'Organic Social',
  ai: 'AI Assistants'
}

/** Channel of a referrer-only visit: a listed category, or Referral for any other site. */
export function channelOfReferer (category: RefererCategory | undefined, platform: string, medium: string): Channel {
  if (category !== undefined) return CHANNEL_OF_CATEGORY[category]
  const derived = channelOfTraffic(platform, medium)
  return derived === 'Unassigned' || derived === 'Direct' ? 'Referral' : derived
}
