// Guards issue 19's referrer classification: the vendored Matomo dataset matched by its rules
// (`google.{}`, country sub-domains, path-qualified entries), our additions and their precedence,
// search terms, the dataset coverage (≥ 95 % per medium), the generated module being in sync with
// the YAML, and bad referrers (not URLs, IPs, punycode, ports, user-info, 8 KB, fuzz) with a time bound.
import t from 'tap'
import fc from 'fast-check'
import { performance } from 'node:perf_hooks'
import { readFile } from 'node:fs/promises'
import { classifyReferer, classifyUncached, parseReferrer } from './referer.js'
import { lookupHost, lossyHost, platformSlug, tableKey } from './referrer-table.js'
import { referrerCoverage, sampleReferrers } from './coverage.js'

type Row = [referrer: string, platform: string, medium: string, match?: string | null, term?: string | null]

const ISSUE_CASES: Row[] = [
  ['https://www.google.de/', 'google', 'organic', 'google.{}'],
  ['https://www.google.fr/', 'google', 'organic', 'google.{}'],
  ['https://www.google.com.br/', 'google', 'organic', 'google.{}'],
  ['https://www.google.co.jp/search?q=%E6%9D%B1%E4%BA%AC', 'google', 'organic', 'google.{}', '東京'],
  ['https://google.com/', 'google', 'organic', 'google.com'],
  ['https://search.yahoo.com/search?p=running+shoes', 'yahoo', 'organic', 'search.yahoo.com', 'running shoes'],
  ['https://fr.search.yahoo.com/', 'yahoo', 'organic', '{}.search.yahoo.com'],
  ['https://yandex.ru/search/?text=%D0%BA%D0%BE%D1%82', 'yandex', 'organic', 'yandex.ru', 'кот'],
  ['https://yandex.com.tr/', 'yandex', 'organic', 'yandex.{}'],
  ['https://search.naver.com/search.naver?query=shoes', 'naver', 'organic', 'search.naver.com', 'shoes'],
  ['https://m.search.naver.com/', 'naver', 'organic', 'm.search.naver.com'],
  ['https://search.seznam.cz/?q=auto', 'seznam', 'organic', 'search.seznam.cz', 'auto'],
  ['https://www.ecosia.org/search?q=trees', 'ecosia', 'organic', 'ecosia.org', 'trees'],
  ['https://www.ask.com/web?q=why', 'ask', 'organic', 'ask.com', 'why'],
  ['https://uk.ask.com/', 'ask', 'organic', '{}.ask.com'],
  ['https://search.aol.com/aol/search?q=news', 'aol', 'organic', 'search.aol.com', 'news'],
  ['https://search.daum.net/search?q=kimchi', 'daum', 'organic', 'search.daum.net', 'kimchi'],
  ['https://www.bing.com/search?q=a', 'bing', 'organic', 'bing.com', 'a'],
  ['https://cn.bing.com/', 'bing', 'organic', '{}.bing.com'],
  ['https://www.bing.com/images/search?q=cats', 'bing_images', 'organic', 'bing.com/images/search', 'cats'],
  ['https://www.google.de/imgres?imgurl=x', 'google_images', 'organic', 'google.{}/imgres'],
  ['https://duckduckgo.com/', 'duckduckgo', 'organic', 'duckduckgo.com'],
  ['https://search.brave.com/search?q=brave', 'brave', 'organic', 'search.brave.com', 'brave'],
  ['https://www.baidu.com/s?wd=%E5%8C%97%E4%BA%AC', 'baidu', 'organic', 'baidu.com', '北京'],
  ['https://www.gomeo.com/search/hello', 'gomeo', 'organic', 'gomeo.com', 'hello'],
  ['https://www.cnn.com/search?query=election', 'google', 'organic', 'cnn.com', 'election'],
  ['android-app://com.google.android.googlequicksearchbox/https/www.google.com', 'google', 'organic'],
  // social: dataset, our additions, sub-domains of listed hosts
  ['https://www.facebook.com/', 'facebook', 'social', 'facebook.com'],
  ['https://business.facebook.com/x', 'facebook', 'social', 'facebook.com'],
  ['https://m.youtube.com/watch?v=1', 'youtube', 'social', 'youtube.com'],
  ['https://news.ycombinator.com/item?id=1', 'hacker_news', 'social', 'news.ycombinator.com'],
  ['https://vk.com/feed', 'vkontakte', 'social', 'vk.com'],
  ['https://www.pinterest.co.uk/pin/1', 'pinterest', 'social', 'pinterest.{}'],
  ['https://bsky.app/profile/x', 'bluesky', 'social', 'bsky.app'],
  ['https://x.com/home', 'twitter', 'social', 'x.com'],
  // AI (ours + dataset, path-qualified), messaging, email (ours, sub-domains, mail./webmail.)
  ['https://x.com/i/grok?conversation=1', 'grok', 'ai', 'x.com/i/grok'],
  ['https://chat.deepseek.com/', 'deepseek', 'ai'],
  ['https://notebooklm.google.com/', 'notebooklm', 'ai', 'notebooklm.google.com'],
  ['https://web.telegram.org/k/', 'telegram', 'messaging', 'web.telegram.org'],
  ['https://mail.google.com/mail/u/0/', 'gmail', 'email', 'mail.google.com'],
  ['https://us-mg5.mail.yahoo.com/d/folders/1', 'yahoo_mail', 'email', 'mail.yahoo.com'],
  ['https://mail.qq.com/', 'qq_mail', 'email', 'mail.qq.com'],
  ['https://webmail.example-isp.net/', 'example_isp_mail', 'email', 'webmail.*'],
  ['https://mail3.provider.de/', 'provider_mail', 'email', 'mail3.*'],
  ['https://orange.fr/webmail/inbox', 'orange_mail', 'email', 'orange.fr/webmail'],
  // not listed: product sub-domains of search hosts, general sites with a search box without a term
  ['https://docs.google.com/document/d/1', 'referral', 'referral', null],
  ['https://accounts.google.de/', 'referral', 'referral', null],
  ['https://www.cnn.com/2026/01/01/story', 'referral', 'referral', null],
  ['https://googleblog.example.com/', 'referral', 'referral', null],
  ['https://mygoogle.de/', 'referral', 'referral', null]
]

t.test('issue 19 referrers', async (t) => {
  for (const [referrer, platform, medium, match, term] of ISSUE_CASES) {
    const got = classifyReferer(referrer)
    const want: Record<string, unknown> = { platform, medium }
    if (match !== undefined) want.match = match
    if (term !== undefined) want.search_term = term
    if (medium !== 'referral') want.rule = `referrer:${got.category}`
    t.hasStrict(got, want, referrer)
  }
})

t.test('the deciding rule and the search term reach classifySource', async (t) => {
  const { classifySource } = await import('./source.js')
  const s = classifySource({ queryParams: {}, referrer: 'https://www.google.de/search?q=shoes' })
  t.hasStrict(s, { platform: 'google', medium: 'organic', channel: 'Organic Search', rule: 'referrer:search', referer_match: 'google.{}', search_term: 'shoes', term: 'shoes' })
  const tagged = classifySource({ queryParams: { utm_source: 'newsletter', utm_term: 'sale' }, referrer: 'https://www.google.de/search?q=shoes' })
  t.hasStrict(tagged, { rule: 'utm', term: 'sale', search_term: 'shoes' }, 'utm_term wins; the search term stays in search_term')
  const e = classifySource({ queryParams: { utm_source: 'mail.google.com' }, referrer: null })
  t.equal(e.channel, 'Email', 'utm_source named by a host uses the same table')
})

t.test('lossy host (Matomo getLossyUrl)', async (t) => {
  const rows: [string, string][] = [
    ['google.de', 'google.{}'], ['google.co.uk', 'google.{}'], ['google.com.br', 'google.{}'], ['google.com', 'google.com'],
    ['m.facebook.com', 'facebook.com'], ['www2.example.fr', 'example.{}'], ['search.naver.com', 'naver.com'],
    ['de.search.yahoo.com', '{}.search.yahoo.com'], ['images.de.ask.com', 'images.{}.ask.com']
  ]
  for (const [host, want] of rows) t.equal(lossyHost(host), want, host)
})

t.test('platform slugs and table keys', async (t) => {
  t.equal(platformSlug('Yahoo! Japan', 'x'), 'yahoo_japan')
  t.equal(platformSlug('Google%2B', 'x'), 'google_plus')
  t.equal(platformSlug('Cốc Cốc', 'x'), 'coc_coc')
  t.equal(platformSlug('묻지마 검색', 'kwzf.net'), 'kwzf')
  t.same(tableKey('www.Bing.com/images/search/'), ['bing.com', '/images/search'])
  t.same(tableKey('android-app://org.telegram.messenger'), ['org.telegram.messenger', ''])
  t.same(sampleReferrers('google.{}'), ['https://google.de/', 'https://google.co.uk/', 'https://google.com.br/'])
})

t.test('dataset coverage ≥ 95 % for search, social and email', async (t) => {
  for (const c of referrerCoverage()) {
    t.ok(c.total > 10, `${c.category}: ${c.total} samples`)
    t.ok(c.percent >= 95, `${c.category}: ${c.percent} % (${c.right}/${c.total}); misses: ${c.misses.slice(0, 5).join(', ')}`)
  }
})

t.test('the generated module matches the vendored YAML', async (t) => {
  const { compile } = await import('../../scripts/refresh-referrers.mjs' as string) as { compile: () => Promise<string> }
  const current = await readFile(new URL('./referrers.generated.ts', import.meta.url), 'utf8')
  t.equal(current, await compile(), 'run node scripts/refresh-referrers.mjs')
})

// Bad input: classified without error, with the right host, and fast.
const BAD: [name: string, referrer: string, domain: string | null, medium: string][] = [
  ['not a URL', 'not a url at all', null, 'referral'],
  ['bare host without scheme', 'www.google.com', null, 'referral'],
  ['javascript:', 'javascript:alert(1)', null, 'referral'],
  ['IPv4 host', 'http://192.168.0.1/admin', '192.168.0.1', 'referral'],
  ['IPv4 in hex', 'http://0x7f.1/', '127.0.0.1', 'referral'],
  ['IPv6 host', 'http://[2001:db8::1]:8080/x', '[2001:db8::1]', 'referral'],
  ['punycode host', 'https://xn--bcher-kva.de/', 'xn--bcher-kva.de', 'referral'],
  ['unicode host', 'https://bücher.de/', 'xn--bcher-kva.de', 'referral'],
  ['mixed-case host', 'HTTPS://WWW.Google.DE/Search?q=X', 'google.de', 'organic'],
  ['port', 'https://www.google.de:8443/', 'google.de', 'organic'],
  ['user-info', 'https://user:secret@www.google.de/', 'google.de', 'organic'],
  ['backslash trick', 'https://evil.example\\@www.google.com/', 'evil.example', 'referral'],
  ['trailing dot', 'https://www.google.de./', 'google.de', 'organic'],
  ['8 KB referrer', `https://www.google.com/search?q=${'a'.repeat(8192)}`, 'google.com', 'organic'],
  ['8 KB host-like junk', `https://${'a.'.repeat(4000)}com/`, null, 'referral'],
  ['8 KB regex bait', `https://www.gomeo.com/search/${'/search/'.repeat(1024)}`, 'gomeo.com', 'organic'],
  ['control characters', 'https://www.google.de/\u0000\u0007?q=a\u0001b', 'google.de', 'organic'],
  ['lone percent', 'https://www.google.de/search?q=%E0%A4%A', 'google.de', 'organic']
]

t.test('bad referrers', async (t) => {
  for (const [name, referrer, domain, medium] of BAD) {
    const got = classifyReferer(referrer)
    t.equal(got.medium, medium, `${name}: medium`)
    if (domain !== null) t.equal(got.referer_domain, domain, `${name}: domain`)
    if (got.search_term !== null) t.ok(got.search_term.length <= 255 && !/[\u0000-\u001f]/.test(got.search_term), `${name}: term cropped and clean`) // eslint-disable-line no-control-regex
  }
  t.equal(classifyReferer('https://user:secret@www.google.de/').referer_url, null, 'credentials never kept')
})

// A generous per-call bound: catastrophic backtracking takes seconds, a busy machine milliseconds.
const PER_CALL_MS = 250

t.test('fuzz: any string classifies without error, quickly', async (t) => {
  const hostish = fc.stringMatching(/^[a-zA-Z0-9.\-_:@[\]\\%ü]{0,80}$/)
  const referrer = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.tuple(fc.constantFrom('http://', 'https://', 'HTTP://', 'android-app://', '//', ''), hostish, fc.string({ maxLength: 200 }))
      .map(([scheme, host, rest]) => `${scheme}${host}/${rest}`),
    fc.tuple(fc.constantFrom('google.de', 'gomeo.com', 'search.yahoo.com', 'scour.com', 'webcache.googleusercontent.com', 'lookany.com'), fc.string({ maxLength: 100 }), fc.nat(8000))
      .map(([host, chunk, n]) => `https://www.${host}/search/${chunk.repeat(Math.ceil(n / Math.max(chunk.length, 1)))}?q=${chunk}`)
  )
  let slowest = 0
  fc.assert(fc.property(referrer, (r) => {
    const t0 = performance.now()
    const got = classifyReferer(r)
    const ms = performance.now() - t0
    slowest = Math.max(slowest, ms)
    return ms < PER_CALL_MS && typeof got.medium === 'string' && (got.search_term === null || got.search_term.length <= 255)
  }), { numRuns: 3000 })
  t.ok(slowest < PER_CALL_MS, `slowest call ${slowest.toFixed(2)} ms`)
})

t.test('parseReferrer agrees with WHATWG URL on the host', async (t) => {
  fc.assert(fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (u) => {
    const parsed = parseReferrer(u)
    const url = new URL(u)
    return parsed !== null && parsed.host === url.hostname.replace(/\.$/, '')
  }), { numRuns: 2000 })
  t.pass('fast path and URL agree')
})

t.test('lookupHost ignores absurd hosts', async (t) => {
  t.equal(lookupHost('a'.repeat(300)), undefined)
  t.equal(lookupHost(''), undefined)
})

t.test('the result cache changes nothing: cached, uncached and self-referral agree', async (t) => {
  for (const [referrer] of ISSUE_CASES) {
    const first = classifyReferer(referrer)
    t.same(classifyReferer(referrer), first, `${referrer}: cached`)
    t.same(classifyUncached(referrer), first, `${referrer}: uncached`)
    const mine = first.referer_domain
    if (mine !== null) t.equal(classifyReferer(referrer, { pageHost: `www.${mine}` }).rule, 'self_referral', `${referrer}: own page`)
  }
  const a = classifyReferer('https://www.google.de/')
  a.platform = 'mutated'
  t.equal(classifyReferer('https://www.google.de/').platform, 'google', 'callers get their own copy')
})
