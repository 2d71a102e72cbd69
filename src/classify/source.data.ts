// Pattern tables for the source classifier (reference §3.1 and §3.5), written once.
// The referrer tables here are OUR ADDITIONS to the vendored Matomo dataset (data/*.yml, compiled
// into referrers.generated.ts): AI assistants, messaging apps, webmail, and search engines and
// social networks the dataset lacks. referrer-table.ts merges both; an addition wins over the
// dataset for the same host. Hosts are written without `www.`; `{}` stands for a country TLD
// (`pinterest.{}` = pinterest.de, pinterest.co.uk, …) or a country sub-domain, as in the dataset.

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
  google: ['google.com', 'google.{}'],
  bing: ['bing.com'],
  duckduckgo: ['duckduckgo.com', 'html.duckduckgo.com', 'lite.duckduckgo.com'],
  yahoo: ['yahoo.com', 'search.yahoo.com'],
  baidu: ['baidu.com', 'm.baidu.com'],
  yandex: ['yandex.ru', 'yandex.com', 'yandex.{}', 'ya.ru'],
  brave: ['search.brave.com'],
  kagi: ['kagi.com'],
  mojeek: ['mojeek.com'],
  presearch: ['presearch.com'],
  swisscows: ['swisscows.com'],
  yep: ['yep.com'],
  petal: ['petalsearch.com'],
  metager: ['metager.org'],
  naver: ['search.naver.com', 'm.search.naver.com'],
  seznam: ['search.seznam.cz'],
  ecosia: ['ecosia.org'],
  startpage: ['startpage.com'],
  qwant: ['qwant.com']
}

const SOCIAL: PlatformHosts = {
  facebook: ['facebook.com', 'm.facebook.com', 'l.facebook.com', 'lm.facebook.com', 'fb.com', 'fb.me', 'facebook.{}'],
  instagram: ['instagram.com', 'l.instagram.com'],
  twitter: ['t.co', 'twitter.com', 'x.com'],
  linkedin: ['linkedin.com', 'lnkd.in'],
  youtube: ['youtube.com', 'youtu.be'],
  reddit: ['reddit.com', 'old.reddit.com', 'out.reddit.com'],
  tiktok: ['tiktok.com'],
  pinterest: ['pinterest.com', 'pinterest.{}', 'pin.it'],
  threads: ['threads.net', 'threads.com'],
  bluesky: ['bsky.app'],
  mastodon: ['mastodon.social', 'mastodon.online'],
  snapchat: ['snapchat.com'],
  quora: ['quora.com'],
  vkontakte: ['vk.com', 'vk.ru'],
  odnoklassniki: ['ok.ru'],
  xing: ['xing.com']
}

// Webmail: the dataset has no email list. Besides these hosts, a host whose first label is
// `mail`, `webmail`, `email` (optionally numbered) counts as webmail too (referrer-table.ts).
const EMAIL: PlatformHosts = {
  gmail: ['mail.google.com', 'mail.googleusercontent.com'],
  outlook: ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com', 'outlook.com', 'mail.live.com'],
  yahoo_mail: ['mail.yahoo.com', 'mail.yahoo.net', 'mail.yahoo.co.uk', 'mail.yahoo.co.jp'],
  icloud_mail: ['mail.icloud.com'],
  aol_mail: ['mail.aol.com'],
  proton_mail: ['mail.proton.me'],
  zoho_mail: ['mail.zoho.com'],
  gmx: ['mail.gmx.com', 'mail.gmx.net', 'mail.gmx.de', 'navigator.gmx.net'],
  web_de: ['mail.web.de', 'navigator.web.de'],
  mailru: ['e.mail.ru'],
  yandex_mail: ['mail.yandex.ru', 'mail.yandex.com'],
  naver_mail: ['mail.naver.com'],
  daum_mail: ['mail.daum.net', 'mail2.daum.net'],
  qq_mail: ['mail.qq.com', 'wx.mail.qq.com'],
  netease_mail: ['mail.163.com', 'mail.126.com'],
  seznam_mail: ['email.seznam.cz'],
  mynet_mail: ['mail.mynet.com'],
  bigpond_mail: ['webmail.bigpond.com', 'webmail2.bigpond.com'],
  optus_mail: ['webmail.optuszoo.com.au'],
  orange_mail: ['orange.fr/webmail', 'messagerie.orange.fr', 'webmail.orange.fr'],
  t_online_mail: ['email.t-online.de'],
  libero_mail: ['mail.libero.it'],
  fastmail: ['app.fastmail.com'],
  tuta: ['mail.tutanota.com', 'app.tuta.com'],
  hey: ['app.hey.com']
}

const MESSAGING: PlatformHosts = {
  whatsapp: ['web.whatsapp.com', 'wa.me'],
  telegram: ['web.telegram.org', 't.me', 'org.telegram.messenger'],
  slack: ['slack.com', 'app.slack.com'],
  discord: ['discord.com', 'discord.gg', 'discordapp.com'],
  messenger: ['messenger.com'],
  line: ['line.me'],
  teams: ['teams.microsoft.com', 'teams.live.com']
}

const AI: PlatformHosts = {
  chatgpt: ['chatgpt.com', 'chat.openai.com', 'chat-gpt.org', 'openai.com'],
  claude: ['claude.ai', 'anthropic.com'],
  perplexity: ['perplexity.ai'],
  copilot: ['copilot.microsoft.com', 'edgeservices.bing.com', 'turing.microsoft.com', 'cosmos.microsoft.com'],
  gemini: ['gemini.google.com', 'bard.google.com', 'deepmind.com'],
  grok: ['grok.com', 'grok.x.com', 'x.ai', 'x.com/i/grok'],
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
  adobe_firefly: ['firefly.adobe.com'],
  notebooklm: ['notebooklm.google.com']
}

/** Our additions by category; the dataset's own entries are merged in referrer-table.ts. */
export const PLATFORM_HOSTS: Readonly<Record<RefererCategory, PlatformHosts>> = {
  search: SEARCH, social: SOCIAL, email: EMAIL, messaging: MESSAGING, ai: AI
}

/**
 * Dataset search hosts that are general sites with a search box (a news site, an ISP portal, a
 * translation tool): a visit from them is organic search only when the referrer still carries
 * the search term, otherwise a plain referral.
 */
export const SEARCH_TERM_REQUIRED: ReadonlySet<string> = new Set([
  'cnn.com', 'fastweb.it', 'charter.net', 'arcor.de', 'skynet.be', 'talktalk.co.uk', 'online.no',
  'icq.com', 'meinestadt.de', 'msnbc.msn.com', 'start.lenovo.com', 'wow.com', 'translate.google.com',
  'digg.com', 'friendfeed.com', 'technorati.com', 'rpmfind.net', 'sourceforge.net', 'myspace.com'
])

export interface RefererEntry { platform: string, medium: string, category?: RefererCategory }

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
