// Guards the source classifier: every reference §3.7 case, the [TS-REC] fixes (utm without
// utm_source, self-referral exclusion), the GA4-style channel and the deciding `rule`.
import t from 'tap'
import {
  captureClickIds, classifySource, normalizeMedium, queryParamsFromUrl,
  type Source, type SourceInput
} from './source.js'
import { CHANNELS } from './channel.js'

type Case = [name: string, input: Partial<SourceInput>, want: Partial<Source>]

const run = (input: Partial<SourceInput>): Source =>
  classifySource({ queryParams: {}, referrer: null, ...input })

// Reference §3.7, rows 1–17 and 20–33 (18 and 19 test helpers, below).
const REFERENCE: Case[] = [
  ['#1 gclid', { queryParams: { gclid: 'Cj0KCQ123' } },
    { platform: 'google_ads', medium: 'paid', click_id_type: 'gclid', click_id_value: 'Cj0KCQ123', confidence: 'high' }],
  ['#2 fbclid', { queryParams: { fbclid: 'IwAR2X' } }, { platform: 'meta', medium: 'social' }],
  ['#3 msclkid', { queryParams: { msclkid: 'abc123' } }, { platform: 'microsoft_ads', medium: 'paid' }],
  ['#4 all click ids captured', { queryParams: { gclid: 'g_val', fbclid: 'fb_val' } },
    { captured_click_ids: { fbclid: 'fb_val', gclid: 'g_val' }, click_id_type: 'fbclid', platform: 'meta' }],
  ['#5 click id beats utm', { queryParams: { gclid: 'g', utm_source: 'newsletter', utm_medium: 'email' } },
    { platform: 'google_ads', confidence: 'high', utm_source: 'newsletter' }],
  ['#6 utm social', { queryParams: { utm_source: 'twitter', utm_medium: 'social', utm_campaign: 'launch' } },
    { platform: 'twitter', medium: 'social', campaign: 'launch', confidence: 'medium' }],
  ['#7 utm full set', { queryParams: { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'winter', utm_content: 'banner', utm_term: 'analytics' } },
    { platform: 'google', medium: 'paid', campaign: 'winter', content: 'banner', term: 'analytics' }],
  ['#8 google search', { referrer: 'https://www.google.com/search?q=test' }, { platform: 'google', medium: 'organic', referer_domain: 'google.com' }],
  ['#9 t.co', { referrer: 'https://t.co/abc123' }, { platform: 'twitter', medium: 'social' }],
  ['#10 unlisted blog', { referrer: 'https://some-blog.com/post/123' },
    { platform: 'referral', medium: 'referral', referer_domain: 'some-blog.com', referer_url: 'https://some-blog.com/post/123', confidence: 'low' }],
  ['#11 null referer', { referrer: null }, { platform: 'direct', medium: 'direct', confidence: 'low' }],
  ['#12 empty referer', { referrer: '' }, { platform: 'direct', medium: 'direct' }],
  ['#13 www.facebook.com', { referrer: 'https://www.facebook.com/feed' }, { platform: 'facebook', medium: 'social' }],
  ['#14 via', { queryParams: { via: 'john' } }, { platform: 'direct', partner_code: 'john', medium: 'referral', confidence: 'low' }],
  ['#15 ref', { queryParams: { ref: 'partner123' } }, { partner_code: 'partner123', medium: 'referral' }],
  ['#16 via beats ref', { queryParams: { via: 'john', ref: 'other' } }, { partner_code: 'john' }],
  ['#17 everything at once', { queryParams: { gclid: 'g', via: 'john', utm_source: 'newsletter' }, referrer: 'https://facebook.com' },
    { platform: 'google_ads', medium: 'paid', confidence: 'high', partner_code: 'john', click_id_value: 'g', campaign: null, referer_domain: 'facebook.com', referer_url: 'https://facebook.com/', captured_click_ids: { gclid: 'g' } }],
  ['#20 click-id override', { queryParams: { my_click: 'abc', gclid: 'ignored' }, clickIdParams: { my_click: { platform: 'my_platform', medium: 'paid' } } },
    { platform: 'my_platform', click_id_type: 'my_click', click_id_value: 'abc', captured_click_ids: { my_click: 'abc' }, channel: 'Paid Other' }],
  ['#21 referer override', { referrer: 'https://myblog.com/post', refererMap: { 'myblog.com': { platform: 'my_blog', medium: 'content' } } },
    { platform: 'my_blog', medium: 'content', rule: 'referrer:custom', channel: 'Referral' }],
  ['#21 override replaces the built-ins', { referrer: 'https://google.com/', refererMap: { 'myblog.com': { platform: 'my_blog', medium: 'content' } } },
    { platform: 'referral', medium: 'referral' }],
  ['#23 utm_source chatgpt.com', { queryParams: { utm_source: 'chatgpt.com' } }, { platform: 'chatgpt', medium: 'ai' }],
  ['#24 utm_source perplexity.ai', { queryParams: { utm_source: 'perplexity.ai' } }, { platform: 'perplexity', medium: 'ai' }],
  ['#24 utm_source claude.ai', { queryParams: { utm_source: 'claude.ai' } }, { platform: 'claude', medium: 'ai' }],
  ['#24 utm_source www.perplexity.ai', { queryParams: { utm_source: 'www.perplexity.ai' } }, { platform: 'perplexity', medium: 'ai' }],
  ['#24 utm_source ChatGPT.com', { queryParams: { utm_source: 'ChatGPT.com' } }, { platform: 'chatgpt', medium: 'ai' }],
  ['#25 utm beats referer', { queryParams: { utm_source: 'perplexity.ai' }, referrer: 'https://facebook.com/' },
    { platform: 'perplexity', medium: 'ai', referer_domain: 'facebook.com' }],
  ['#26 click id beats ai referer', { queryParams: { gclid: 'g_val' }, referrer: 'https://chatgpt.com/' },
    { platform: 'google_ads', medium: 'paid', confidence: 'high' }],
  ['#28 example.com', { referrer: 'https://example.com/' }, { medium: 'referral' }],
  ['#30 yahoo.com', { referrer: 'https://yahoo.com/' }, { platform: 'yahoo', medium: 'organic' }],
  ['#30 mail.yahoo.com', { referrer: 'https://mail.yahoo.com/' }, { platform: 'yahoo_mail', medium: 'email' }],
  ['#31 beacon: ai referrer on a page', {
    queryParams: queryParamsFromUrl('https://site.test/jobs'), referrer: 'https://chatgpt.com/', pageHost: 'site.test'
  }, { platform: 'chatgpt', medium: 'ai', channel: 'AI Assistants' }],
  ['#32 beacon: empty referrer', { queryParams: queryParamsFromUrl('https://site.test/jobs'), referrer: '', pageHost: 'site.test' },
    { medium: 'direct', channel: 'Direct' }],
  ['#33 beacon: utm newsletter', {
    queryParams: queryParamsFromUrl('https://site.test/jobs?utm_source=newsletter&utm_medium=email'), referrer: ''
  }, { platform: 'newsletter', medium: 'email', channel: 'Email' }]
]

const AI_REFERERS: [string, string][] = [
  ['https://chatgpt.com/', 'chatgpt'], ['https://chat.openai.com/', 'chatgpt'], ['https://www.perplexity.ai/', 'perplexity'],
  ['https://claude.ai/', 'claude'], ['https://copilot.microsoft.com/', 'copilot'], ['https://gemini.google.com/', 'gemini'],
  ['https://chat.openai.com/x', 'chatgpt'], ['https://chatgpt.com/y', 'chatgpt'], ['https://grok.x.com/', 'grok']
]
for (const [referrer, platform] of AI_REFERERS) {
  REFERENCE.push([`#22/#27 ${referrer}`, { referrer }, { platform, medium: 'ai', channel: 'AI Assistants', rule: 'referrer:ai' }])
}

const WEBMAIL: [string, string][] = [
  ['https://mail.google.com/mail/u/0/', 'gmail'], ['https://outlook.live.com/', 'outlook'], ['https://outlook.office365.com/', 'outlook'],
  ['https://mail.yahoo.com/', 'yahoo_mail'], ['https://mail.proton.me/', 'proton_mail'], ['https://app.fastmail.com/', 'fastmail']
]
for (const [referrer, platform] of WEBMAIL) {
  REFERENCE.push([`#29 ${referrer}`, { referrer }, { platform, medium: 'email', channel: 'Email', rule: 'referrer:email' }])
}

// [TS-REC] fixes and additions beyond upstream.
const EXTENSIONS: Case[] = [
  ['utm without utm_source keeps the referrer platform', { queryParams: { utm_medium: 'email' }, referrer: 'https://mail.google.com/' },
    { platform: 'gmail', medium: 'email', rule: 'utm' }],
  ['utm_campaign alone does not override the referrer', { queryParams: { utm_campaign: 'spring' }, referrer: 'https://t.co/x' },
    { platform: 'twitter', medium: 'social', campaign: 'spring', rule: 'referrer:social' }],
  ['missing utm_medium becomes "unknown"', { queryParams: { utm_source: 'foo' } }, { platform: 'foo', medium: 'unknown', channel: 'Unassigned' }],
  ['alphabetical tie-break whatever the order', { queryParams: { ttclid: 't', gclid: 'g', wbraid: 'w' } },
    { click_id_type: 'gclid', click_id_value: 'g', platform: 'google_ads' }],
  ['empty click id is ignored', { queryParams: { gclid: '', fbclid: 'f' } }, { click_id_type: 'fbclid', captured_click_ids: { fbclid: 'f' } }],
  ['x.com is social, x.ai is ai', { referrer: 'https://x.com/home' }, { platform: 'twitter', medium: 'social' }],
  ['search hosts match only as listed', { referrer: 'https://docs.google.com/' }, { platform: 'referral', referer_domain: 'docs.google.com' }],
  ['Google News is a dataset search engine', { referrer: 'https://news.google.com/' }, { platform: 'google_news', medium: 'organic', referer_domain: 'news.google.com' }],
  ['messaging', { referrer: 'https://web.whatsapp.com/' }, { platform: 'whatsapp', medium: 'messaging', channel: 'Organic Social' }],
  ['javascript: referrer is not kept as a URL', { referrer: 'javascript:alert(1)' },
    { platform: 'referral', referer_url: null, referer_domain: null }],
  ['app referrer keeps its domain', { referrer: 'android-app://com.google.android.gm/' },
    { referer_domain: 'com.google.android.gm', referer_url: null, medium: 'referral' }]
]

const SELF_REFERRAL: Case[] = [
  ['same host', { referrer: 'https://acme.com/pricing', pageHost: 'acme.com' },
    { platform: 'direct', medium: 'direct', self_referral: true, rule: 'self_referral', channel: 'Direct', referer_domain: 'acme.com' }],
  ['www and port ignored', { referrer: 'https://www.acme.com/', pageHost: 'acme.com:8443' }, { self_referral: true }],
  ['under an own domain', { referrer: 'https://blog.acme.com/post', pageHost: 'shop.acme.com', ownDomains: ['acme.com'] }, { self_referral: true }],
  ['own domain written as wildcard', { referrer: 'https://docs.acme.io/', ownDomains: ['*.acme.io'] }, { self_referral: true }],
  ['other subdomain without own domains is a referral', { referrer: 'https://blog.acme.com/', pageHost: 'shop.acme.com' },
    { self_referral: false, platform: 'referral', rule: 'referrer:unlisted' }],
  ['look-alike domain is not own', { referrer: 'https://evilacme.com/', ownDomains: ['acme.com'] }, { self_referral: false, platform: 'referral' }],
  ['utm on an internal link still counts', { referrer: 'https://acme.com/', pageHost: 'acme.com', queryParams: { utm_source: 'newsletter', utm_medium: 'email' } },
    { self_referral: false, platform: 'newsletter', rule: 'utm', channel: 'Email' }],
  ['click id on an internal link still counts', { referrer: 'https://acme.com/', pageHost: 'acme.com', queryParams: { gclid: 'g' } },
    { self_referral: false, rule: 'click_id:gclid' }]
]

const CHANNEL_AND_RULE: Case[] = [
  ['direct', {}, { channel: 'Direct', rule: 'direct' }],
  ['organic search', { referrer: 'https://www.bing.com/' }, { channel: 'Organic Search', rule: 'referrer:search' }],
  ['organic social', { referrer: 'https://lnkd.in/x' }, { channel: 'Organic Social', rule: 'referrer:social' }],
  ['referral', { referrer: 'https://some-blog.com/' }, { channel: 'Referral', rule: 'referrer:unlisted' }],
  ['gclid → paid search', { queryParams: { gclid: 'g' } }, { channel: 'Paid Search', rule: 'click_id:gclid' }],
  ['msclkid → paid search', { queryParams: { msclkid: 'm' } }, { channel: 'Paid Search' }],
  ['dclid → display', { queryParams: { dclid: 'd' } }, { channel: 'Display' }],
  ['ttclid → paid social', { queryParams: { ttclid: 't' } }, { channel: 'Paid Social' }],
  ['fbclid alone → organic social', { queryParams: { fbclid: 'f' } }, { channel: 'Organic Social' }],
  ['fbclid with paid utm → paid social', { queryParams: { fbclid: 'f', utm_medium: 'cpc' } }, { channel: 'Paid Social' }],
  ['irclickid → affiliates', { queryParams: { irclickid: 'i' } }, { channel: 'Affiliates', medium: 'affiliate' }],
  ['via → affiliates', { queryParams: { via: 'john' } }, { channel: 'Affiliates', rule: 'partner:via' }],
  ['ref → affiliates', { queryParams: { ref: 'x' }, referrer: 'https://google.com/' }, { channel: 'Affiliates', rule: 'partner:ref' }],
  ['utm google cpc → paid search', { queryParams: { utm_source: 'google', utm_medium: 'cpc' } }, { channel: 'Paid Search', rule: 'utm' }],
  ['utm google.de ppc → paid search', { queryParams: { utm_source: 'google.de', utm_medium: 'ppc' } }, { channel: 'Paid Search' }],
  ['utm facebook paid_social → paid social', { queryParams: { utm_source: 'facebook', utm_medium: 'paid_social' } }, { channel: 'Paid Social' }],
  ['utm display', { queryParams: { utm_source: 'dv360', utm_medium: 'display' } }, { channel: 'Display' }],
  ['utm cpm → display', { queryParams: { utm_source: 'adnet', utm_medium: 'cpm' } }, { channel: 'Display' }],
  ['utm unknown paid → paid other', { queryParams: { utm_source: 'adnet', utm_medium: 'cpc' } }, { channel: 'Paid Other' }],
  ['utm social name → organic social', { queryParams: { utm_source: 'linkedin' } }, { channel: 'Organic Social' }],
  ['utm organic → organic search', { queryParams: { utm_source: 'foo', utm_medium: 'organic' } }, { channel: 'Organic Search' }],
  ['utm email', { queryParams: { utm_source: 'mailchimp', utm_medium: 'Email' } }, { channel: 'Email', medium: 'email' }],
  ['utm affiliate', { queryParams: { utm_source: 'awin', utm_medium: 'affiliate' } }, { channel: 'Affiliates' }],
  ['utm referral', { queryParams: { utm_source: 'partner-site', utm_medium: 'referral' } }, { channel: 'Referral' }],
  ['utm ai', { queryParams: { utm_source: 'chatgpt.com', utm_medium: 'cpc' } }, { channel: 'AI Assistants', rule: 'utm:ai' }],
  ['utm unassigned', { queryParams: { utm_source: 'foo', utm_medium: 'qr' } }, { channel: 'Unassigned', medium: 'qr' }]
]

for (const [group, cases] of [['reference §3.7', REFERENCE], ['extensions', EXTENSIONS], ['self-referral', SELF_REFERRAL], ['channel and rule', CHANNEL_AND_RULE]] as const) {
  t.test(group, async (t) => {
    for (const [name, input, want] of cases) {
      t.test(name, async (t) => { t.hasStrict(run(input), want) })
    }
  })
}

t.test('every result has every key and is plain JSON', async (t) => {
  const keys = Object.keys(run({})).sort()
  for (const input of [...REFERENCE, ...EXTENSIONS, ...SELF_REFERRAL].map(([, i]) => i)) {
    const s = run(input)
    t.same(Object.keys(s).sort(), keys)
    t.same(JSON.parse(JSON.stringify(s)), s)
    t.ok((CHANNELS as readonly string[]).includes(s.channel))
  }
})

t.test('#18 normalizeMedium', async (t) => {
  const rows: [string, string][] = [
    ['cpc', 'paid'], ['ppc', 'paid'], ['paid', 'paid'], ['email', 'email'], ['custom', 'custom'],
    ['CPC', 'paid'], ['Newsletter', 'Newsletter'], ['social', 'social'], ['affiliate', 'affiliate']
  ]
  for (const [input, want] of rows) t.equal(normalizeMedium(input), want, input)
})

t.test('#19 captureClickIds', async (t) => {
  t.same(captureClickIds({ gclid: 'g', fbclid: 'f', other: 'ignored' }), { fbclid: 'f', gclid: 'g' })
  t.same(captureClickIds({}), {})
  t.same(Object.keys(captureClickIds({ wbraid: 'w', dclid: 'd', ttclid: 't' })), ['dclid', 'ttclid', 'wbraid'])
})

t.test('queryParamsFromUrl', async (t) => {
  const rows: [string, string | null, Record<string, string>][] = [
    ['absolute', 'https://a.test/x?utm_source=n&gclid=g#h', { utm_source: 'n', gclid: 'g' }],
    ['first occurrence wins', 'https://a.test/?a=1&a=2', { a: '1' }],
    ['decodes', 'https://a.test/?q=a%20b+c', { q: 'a b c' }],
    ['relative path', '/p?via=john', { via: 'john' }],
    ['no query', 'https://a.test/', {}],
    ['not a url', 'not a url', {}],
    ['null', null, {}],
    ['empty', '', {}],
    ['__proto__ stays data', 'https://a.test/?__proto__=x', { ['__proto__']: 'x' }]
  ]
  for (const [name, url, want] of rows) t.same(queryParamsFromUrl(url), want, name)
  t.equal(Object.keys(queryParamsFromUrl(`https://a.test/?${Array.from({ length: 500 }, (_, i) => `k${i}=v`).join('&')}`)).length, 100, 'capped')
  t.equal(Object.getPrototypeOf(queryParamsFromUrl('https://a.test/?__proto__=x')), Object.prototype)
})
