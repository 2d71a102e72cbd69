// Pattern tables for the source classifier (reference §3.1 and §3.5), written once.
// Hosts are matched exactly after lower-casing and removing one leading `www.`; there is
// deliberately no suffix matching, so `news.google.com` stays a plain referral.

import type { Channel } from './channel.data.js'

export const CONFIDENCES = ['high', 'medium', 'low'] as const
export type Confidence = typeof CONFIDENCES[number]

// `channel` is optional so caller-supplied override tables may omit it (then derived from medium).
export interface ClickIdEntry { platform: string, medium: string, channel?: Channel }

// fbclid is added to every outbound Facebook link, organic posts included, so it only counts as
// Paid Social when utm_medium says so (see channel.ts).
// Alphabetical by parameter: when several are present the first wins (reference §3.1).
export const CLICK_ID_PARAMS: Readonly<Record<string, ClickIdEntry>> = {
  dclid: { platform: 'google_display', medium: 'paid', channel: 'Display' },
  epik: { platform: 'pinterest_ads', medium: 'paid', channel: 'Paid Social' },
  fbclid: { platform: 'meta', medium: 'social', channel: 'Organic Social' },
  gbraid: { platform: 'google_ads', medium: 'paid', channel: 'Paid Search' },
  gclid: { platform: 'google_ads', medium: 'paid', channel: 'Paid Search' },
  irclickid: { platform: 'impact_radius', medium: 'affiliate', channel: 'Affiliates' },
  li_fat_id: { platform: 'linkedin_ads', medium: 'paid', channel: 'Paid Social' },
  msclkid: { platform: 'microsoft_ads', medium: 'paid', channel: 'Paid Search' },
  sccid: { platform: 'snapchat_ads', medium: 'paid', channel: 'Paid Social' },
  ttclid: { platform: 'tiktok', medium: 'paid', channel: 'Paid Social' },
  twclid: { platform: 'twitter_ads', medium: 'paid', channel: 'Paid Social' },
  wbraid: { platform: 'google_ads', medium: 'paid', channel: 'Paid Search' }
}

export const REFERER_CATEGORIES = ['search', 'social', 'email', 'messaging', 'ai'] as const
export type RefererCategory = typeof REFERER_CATEGORIES[number]

export const MEDIUM_OF_CATEGORY: Readonly<Record<RefererCategory, string>> = {
  search: 'organic',
  social: 'social',
  email: 'email',
  messaging: 'messaging',
  ai: 'ai'
}

type PlatformHosts = Readonly<Record<string, readonly string[]>>

const SEARCH: PlatformHosts = {
  google: ['google.com', 'google.co.uk'],
  bing: ['bing.com'],
  duckduckgo: ['duckduckgo.com'],
  yahoo: ['yahoo.com'],
  baidu: ['baidu.com']
}

const SOCIAL: PlatformHosts = {
  facebook: ['facebook.com', 'm.facebook.com', 'l.facebook.com', 'lm.facebook.com', 'fb.com', 'fb.me'],
  instagram: ['instagram.com', 'l.instagram.com'],
  twitter: ['t.co', 'twitter.com', 'x.com'],
  linkedin: ['linkedin.com', 'lnkd.in'],
  youtube: ['youtube.com', 'youtu.be'],
  reddit: ['reddit.com', 'old.reddit.com', 'out.reddit.com'],
  tiktok: ['tiktok.com'],
  pinterest: ['pinterest.com'],
  threads: ['threads.net'],
  bluesky: ['bsky.app']
}

const EMAIL: PlatformHosts = {
  gmail: ['mail.google.com', 'mail.googleusercontent.com'],
  outlook: ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com', 'outlook.com'],
  yahoo_mail: ['mail.yahoo.com', 'mail.yahoo.co.jp'],
  icloud_mail: ['mail.icloud.com'],
  aol_mail: ['mail.aol.com'],
  proton_mail: ['mail.proton.me'],
  zoho_mail: ['mail.zoho.com'],
  gmx: ['mail.gmx.com', 'mail.gmx.net', 'mail.gmx.de'],
  web_de: ['mail.web.de'],
  mailru: ['e.mail.ru'],
  yandex_mail: ['mail.yandex.ru', 'mail.yandex.com'],
  naver_mail: ['mail.naver.com'],
  fastmail: ['app.fastmail.com'],
  tuta: ['mail.tutanota.com'],
  hey: ['app.hey.com']
}

const MESSAGING: PlatformHosts = {
  whatsapp: ['web.whatsapp.com'],
  telegram: ['web.telegram.org'],
  slack: ['slack.com', 'app.slack.com'],
  discord: ['discord.com']
}

const AI: PlatformHosts = {
  chatgpt: ['chatgpt.com', 'chat.openai.com', 'chat-gpt.org', 'openai.com'],
  claude: ['claude.ai', 'anthropic.com'],
  perplexity: ['perplexity.ai'],
  copilot: ['copilot.microsoft.com', 'edgeservices.bing.com', 'turing.microsoft.com', 'cosmos.microsoft.com'],
  gemini: ['gemini.google.com', 'bard.google.com', 'deepmind.com'],
  grok: ['grok.com', 'grok.x.com', 'x.ai'],
  deepseek: ['deepseek.com'],
  you: ['you.com'],
  meta_ai: ['meta.ai'],
  mistral: ['mistral.ai', 'chat.mistral.ai'],
  character_ai: ['character.ai'],
  huggingchat: ['huggingface.co', 'huggingchat.com'],
  phind: ['phind.com'],
  pi: ['pi.ai'],
  zhipu: ['zhipu.ai', 'chatglm.cn'],
  qwen: ['qwenlm.ai', 'chat.qwen.ai'],
  felo: ['felo.ai'],
  komo: ['komo.ai'],
  iask: ['iask.ai'],
  sider: ['sider.ai'],
  venice: ['venice.ai'],
  duckai: ['duck.ai'],
  cohere: ['cohere.ai'],
  jasper: ['jasper.ai'],
  writesonic: ['writesonic.com'],
  quillbot: ['quillbot.com'],
  wordtune: ['wordtune.com'],
  copyai: ['copy.ai'],
  blackbox: ['blackbox.ai'],
  openchat: ['openchat.so'],
  open_assistant: ['open-assistant.io'],
  openrouter: ['openrouter.ai'],
  lmarena: ['lmarena.ai'],
  coze: ['coze.com'],
  exa: ['exa.ai'],
  forefront: ['forefront.ai'],
  reka: ['reka.ai'],
  ai21: ['ai21.com'],
  deepl: ['deepl.com'],
  suno: ['chat.suno.com'],
  neeva: ['neeva.com'],
  nimble: ['nimble.ai'],
  bnngpt: ['bnngpt.com'],
  adobe_firefly: ['firefly.adobe.com']
}

export const PLATFORM_HOSTS: Readonly<Record<RefererCategory, PlatformHosts>> = {
  search: SEARCH, social: SOCIAL, email: EMAIL, messaging: MESSAGING, ai: AI
}

export interface RefererEntry { platform: string, medium: string, category?: RefererCategory }

function invert (): Map<string, RefererEntry> {
  const byHost = new Map<string, RefererEntry>()
  for (const category of REFERER_CATEGORIES) {
    for (const [platform, hosts] of Object.entries(PLATFORM_HOSTS[category])) {
      for (const host of hosts) byHost.set(host, { platform, medium: MEDIUM_OF_CATEGORY[category], category })
    }
  }
  return byHost
}

/** host → platform/medium/category, the built-in referer table. */
export const REFERER_HOSTS: ReadonlyMap<string, RefererEntry> = invert()

/** AI host → canonical platform; the `utm_source` AI check always uses this built-in list. */
export const AI_HOSTS: ReadonlyMap<string, string> = new Map(
  Object.entries(AI).flatMap(([platform, hosts]) => hosts.map((host) => [host, platform] as const))
)

export const UTM_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'] as const
export type UtmKey = typeof UTM_KEYS[number]

// utm_medium aliases (reference §3.3); anything else passes through verbatim.
export const MEDIUM_ALIASES: Readonly<Record<string, string>> = {
  cpc: 'paid',
  ppc: 'paid',
  paid: 'paid',
  email: 'email',
  social: 'social',
  organic: 'organic',
  referral: 'referral',
  affiliate: 'affiliate'
}

// via beats ref (reference §3.2).
export const PARTNER_PARAMS = ['via', 'ref'] as const
