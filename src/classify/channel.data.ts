// GA4-style default channel groups and the source/medium patterns that decide them.
// Adapted from Google's "default channel group" rules: the shopping, video, audio, SMS and
// push groups are folded into their nearest kin, and "AI Assistants" is our own addition.

export const CHANNELS = [
  'Direct',
  'Organic Search',
  'Paid Search',
  'Organic Social',
  'Paid Social',
  'Email',
  'Referral',
  'AI Assistants',
  'Affiliates',
  'Display',
  'Paid Other',
  'Unassigned'
] as const
export type Channel = typeof CHANNELS[number]

export function isChannel (value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value)
}

// Medium patterns, matched on the lower-cased medium (GA4 definitions).
export const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/
export const DISPLAY_MEDIUM = /^(display|banner|expandable|interstitial|cpm)$/
export const SOCIAL_MEDIUM = /^(social|social-network|social-media|sm|social network|social media|messaging)$/
export const EMAIL_PATTERN = /^(email|e-mail|e_mail|e mail)$/
export const REFERRAL_MEDIUM = /^(referral|app|link)$/

// Bare source names (utm_source values people actually type). Hosts come from the referer
// table; a dotted source also matches when one of its labels left of the TLD is listed here,
// so `google.de` is search and `m.facebook.com` is social.
export const SEARCH_SOURCE_NAMES: ReadonlySet<string> = new Set([
  'google', 'bing', 'yahoo', 'duckduckgo', 'baidu', 'yandex', 'ecosia', 'naver', 'ask', 'aol',
  'brave', 'startpage', 'qwant', 'seznam', 'sogou', 'search'
])

export const SOCIAL_SOURCE_NAMES: ReadonlySet<string> = new Set([
  'facebook', 'fb', 'meta', 'instagram', 'ig', 'twitter', 'x', 'linkedin', 'youtube', 'reddit',
  'tiktok', 'pinterest', 'threads', 'bluesky', 'bsky', 'snapchat', 'whatsapp', 'telegram', 'discord',
  'slack', 'mastodon', 'tumblr', 'quora', 'vk', 'weibo', 'line', 'messenger'
])
