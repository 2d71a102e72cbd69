// Guards the redirect destination (reference §5.5): device and country targeting precedence, UTM
// overlay, bounded query pass-through without our own/click-id params, and the appended ga_id.
import t from 'tap'
import fc from 'fast-check'
import {
  MAX_PASSTHROUGH_BYTES, MAX_PASSTHROUGH_PARAMS, isQrScan, passthroughParams, resolveTarget,
  type RedirectLink, type RedirectVisitor, type RequestQuery
} from './redirect-target.js'

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'
const IPAD = 'Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'
const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36'
const WINDOWS_PHONE = 'Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; rv:11.0; IEMobile/11.0) like iPhone OS 7_0_3 Mac OS X'
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36'

const targeted: RedirectLink = {
  url: 'https://example.com/main',
  iosUrl: 'https://apps.apple.com/app/x',
  androidUrl: 'https://play.google.com/store/apps/details?id=x',
  geoTargeting: { DE: 'https://example.de/', FR: 'javascript:alert(1)' }
}
const plain: RedirectLink = { url: 'https://example.com/page' }
const none = new URLSearchParams()
const C = 'click-123'

const CASES: Array<[string, RedirectLink, RedirectVisitor, RequestQuery, string | null]> = [
  ['plain link gets ga_id', plain, {}, none, 'https://example.com/page?ga_id=click-123'],
  ['link UTM overrides destination UTM', { url: 'https://example.com?utm_source=default', utmSource: 'twitter' }, {}, none,
    'https://example.com/?ga_id=click-123&utm_source=twitter'],
  ['link UTM beats request UTM', { url: 'https://example.com', utmSource: 'twitter' }, {}, new URLSearchParams('utm_source=newsletter&utm_medium=email'),
    'https://example.com/?ga_id=click-123&utm_medium=email&utm_source=twitter'],
  ["destination's own parameter beats the request's", { url: 'https://example.com/?plan=pro&utm_campaign=spring' }, {}, new URLSearchParams('plan=free&utm_campaign=x&extra=1'),
    'https://example.com/?extra=1&ga_id=click-123&plan=pro&utm_campaign=spring'],
  ['all five UTMs, null and empty skipped', { url: 'https://example.com', utmSource: 's', utmMedium: 'm', utmCampaign: 'c', utmContent: null, utmTerm: '' }, {}, none,
    'https://example.com/?ga_id=click-123&utm_campaign=c&utm_medium=m&utm_source=s'],
  ['iPhone UA → ios_url', targeted, { userAgent: IPHONE }, none, 'https://apps.apple.com/app/x?ga_id=click-123'],
  ['iPad UA → ios_url', targeted, { userAgent: IPAD }, none, 'https://apps.apple.com/app/x?ga_id=click-123'],
  ['Android UA → android_url', targeted, { userAgent: ANDROID }, none, 'https://play.google.com/store/apps/details?ga_id=click-123&id=x'],
  ['parsed os iOS', targeted, { os: 'iOS' }, none, 'https://apps.apple.com/app/x?ga_id=click-123'],
  ['parsed os wins over UA', targeted, { os: 'Windows', userAgent: IPHONE }, none, 'https://example.com/main?ga_id=click-123'],
  ['Windows Phone is neither', targeted, { userAgent: WINDOWS_PHONE }, none, 'https://example.com/main?ga_id=click-123'],
  ['desktop → main url', targeted, { userAgent: DESKTOP }, none, 'https://example.com/main?ga_id=click-123'],
  ['Android without android_url → main', plain, { userAgent: ANDROID }, none, 'https://example.com/page?ga_id=click-123'],
  ['country target', targeted, { country: 'DE' }, none, 'https://example.de/?ga_id=click-123'],
  ['country in lower case', targeted, { country: 'de' }, none, 'https://example.de/?ga_id=click-123'],
  ['country beats device', targeted, { country: 'DE', userAgent: IPHONE }, none, 'https://example.de/?ga_id=click-123'],
  ['invalid country target keeps device target', targeted, { country: 'FR', userAgent: ANDROID }, none,
    'https://play.google.com/store/apps/details?ga_id=click-123&id=x'],
  ['untargeted country', targeted, { country: 'US' }, none, 'https://example.com/main?ga_id=click-123'],
  ['prototype names are not countries', targeted, { country: 'constructor' }, none, 'https://example.com/main?ga_id=click-123'],
  ['no country', targeted, { country: null }, none, 'https://example.com/main?ga_id=click-123'],
  ['fragment preserved', { url: 'https://example.com/p?x=1#section' }, {}, none, 'https://example.com/p?ga_id=click-123&x=1#section'],
  ['request cannot set ga_id', plain, {}, new URLSearchParams('ga_id=evil&GA_ID=evil'), 'https://example.com/page?ga_id=click-123'],
  ['destination ga_id replaced', { url: 'https://example.com/?ga_id=old' }, {}, none, 'https://example.com/?ga_id=click-123'],
  ['own and click-id params not forwarded', plain, {}, new URLSearchParams('via=p&ref=p&qr=1&s=x&gclid=g&fbclid=f&msclkid=m&ttclid=t&li_fat_id=l&keep=yes'),
    'https://example.com/page?ga_id=click-123&keep=yes'],
  ['repeated destination keys kept in order', { url: 'https://example.com/?tag=b&tag=a' }, {}, none,
    'https://example.com/?ga_id=click-123&tag=b&tag=a'],
  ['repeated request key: last wins', plain, {}, new URLSearchParams('a=1&a=2'), 'https://example.com/page?a=2&ga_id=click-123'],
  ['array from fastify: last wins', plain, {}, { a: ['1', '2'] }, 'https://example.com/page?a=2&ga_id=click-123'],
  ['nested objects ignored', plain, {}, { a: { b: 'c' }, d: 'e' }, 'https://example.com/page?d=e&ga_id=click-123'],
  ['spaces form-encoded', plain, {}, { q: 'a b&c' }, 'https://example.com/page?ga_id=click-123&q=a+b%26c'],
  ['overlong key dropped', plain, {}, { ['k'.repeat(65)]: 'v', ok: '1' }, 'https://example.com/page?ga_id=click-123&ok=1'],
  ['overlong value dropped', plain, {}, { long: 'v'.repeat(513), ok: '1' }, 'https://example.com/page?ga_id=click-123&ok=1'],
  ['invalid main url', { url: 'not a url' }, {}, none, null],
  ['javascript main url', { url: 'javascript:alert(1)' }, {}, none, null],
  ['credentials in main url', { url: 'https://u:p@example.com/' }, {}, none, null],
  ['invalid main url, valid device url', { url: 'nope', iosUrl: 'https://apps.apple.com/x' }, { userAgent: IPHONE }, none,
    'https://apps.apple.com/x?ga_id=click-123'],
  ['invalid device url falls back to main', { url: 'https://example.com/', iosUrl: 'myapp://open' }, { userAgent: IPHONE }, none,
    'https://example.com/?ga_id=click-123']
]

for (const [name, link, visitor, query, want] of CASES) {
  t.test(name, async t => {
    t.equal(resolveTarget(link, visitor, query, C), want)
  })
}

t.test(`at most ${MAX_PASSTHROUGH_PARAMS} params, first in key order`, async t => {
  const query = new URLSearchParams()
  for (let i = 14; i >= 0; i--) query.set(`p${String(i).padStart(2, '0')}`, 'x')
  t.same(passthroughParams(query).map(([k]) => k), ['p00', 'p01', 'p02', 'p03', 'p04', 'p05', 'p06', 'p07', 'p08', 'p09'])
})

t.test(`pass-through stays within ${MAX_PASSTHROUGH_BYTES} bytes`, async t => {
  const query: Record<string, string> = {}
  for (let i = 0; i < 10; i++) query[`k${i}`] = 'v'.repeat(500)
  const kept = passthroughParams(query)
  t.equal(kept.length, 4, 'four ~504-byte params fit in 2 KB, the fifth does not')
  t.ok(new URLSearchParams(kept).toString().length <= MAX_PASSTHROUGH_BYTES)
})

t.test('a 10 KB query string still redirects, bounded', async t => {
  const raw = Array.from({ length: 100 }, (_, i) => `param${i}=${'x'.repeat(100)}`).join('&')
  t.ok(raw.length > 10_000)
  const url = resolveTarget(plain, {}, new URLSearchParams(raw), C)
  t.not(url, null)
  const out = new URL(url as string)
  t.equal(out.searchParams.get('ga_id'), C)
  t.ok(out.search.length <= MAX_PASSTHROUGH_BYTES + 50, `search is ${out.search.length} chars`)
  t.ok([...out.searchParams.keys()].length <= MAX_PASSTHROUGH_PARAMS + 1)
})

const QR: Array<[string, RequestQuery, boolean]> = [
  ['qr=1', new URLSearchParams('qr=1'), true],
  ['record qr=1', { qr: '1' }, true],
  ['repeated, last is 1', new URLSearchParams('qr=0&qr=1'), true],
  ['qr=true', { qr: 'true' }, false],
  ['qr=0', { qr: '0' }, false],
  ['qr=yes', new URLSearchParams('qr=yes'), false],
  ['qr= (empty)', new URLSearchParams('qr='), false],
  ['missing', none, false],
  ['number 1 is not the string', { qr: 1 }, false]
]

for (const [name, query, want] of QR) {
  t.test(`isQrScan: ${name}`, async t => {
    t.equal(isQrScan(query), want)
  })
}

// The memoised, spliced path must give exactly what building the URL from scratch gives.
function referenceTarget (link: RedirectLink, query: RequestQuery, clickId: string): string | null {
  let target: URL
  try { target = new URL(link.url) } catch { return null }
  if ((target.protocol !== 'http:' && target.protocol !== 'https:') || target.username !== '' || target.password !== '') return null
  const utms = [['utm_source', link.utmSource], ['utm_medium', link.utmMedium], ['utm_campaign', link.utmCampaign], ['utm_content', link.utmContent], ['utm_term', link.utmTerm]] as const
  for (const [param, value] of utms) if (typeof value === 'string' && value !== '') target.searchParams.set(param, value)
  for (const [key, value] of passthroughParams(query)) if (!target.searchParams.has(key)) target.searchParams.set(key, value)
  target.searchParams.set('ga_id', clickId)
  target.searchParams.sort()
  return target.href
}

t.test('prepared destinations give the from-scratch URL', async t => {
  const text = fc.oneof(fc.constant(''), fc.string({ maxLength: 8 }), fc.constantFrom('a b', 'x&y=z', 'ga_id', 'GA0CLICK0ID0SLOT', 'é/%', '#'))
  const destination = fc.tuple(
    fc.constantFrom('https://example.com', 'http://example.com/p', 'https://example.com/p?', 'https://x.test/a/b?ga_id=old&z=1', 'not a url'),
    fc.array(fc.tuple(fc.constantFrom('a', 'Z', 'ga_id', 'utm_source', 'q'), text), { maxLength: 4 }),
    fc.option(text, { nil: undefined })
  ).map(([base, params, hash]) => {
    const query = params.map(([k, v]) => `${k}=${v}`).join('&')
    return `${base}${query === '' ? '' : (base.includes('?') ? '&' : '?') + query}${hash === undefined ? '' : `#${hash}`}`
  })
  const utm = fc.option(text, { nil: null })
  const clickId = fc.oneof(fc.constant('0193a1b2-c3d4-7e5f-8a9b-0123456789ab'), fc.constant('click_1.x*'), fc.string({ maxLength: 6 }))
  const query = fc.dictionary(fc.constantFrom('a', 'keep', 'gclid', 'ga_id', 'utm_medium'), fc.string({ maxLength: 5 }), { maxKeys: 3 })
  t.doesNotThrow(() => fc.assert(fc.property(destination, utm, utm, clickId, query, (url, utmSource, utmTerm, id, q) => {
    const link: RedirectLink = { url, utmSource, utmTerm }
    const want = referenceTarget(link, q, id)
    // Twice: the second call is served from the memo.
    return resolveTarget(link, {}, q, id) === want && resolveTarget(link, {}, q, id) === want
  }), { numRuns: 500 }))
})
