// Guards UA parsing: device class, browser/OS naming, bot detection (isbot + bowser) with a
// stable bot name, the empty-UA rule (security §3.8: non-human) and the memo cache.
import t from 'tap'
import { createUserAgentParser, parseUserAgent, parseUserAgentUncached, type Device } from './device.js'

const UA = {
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  android: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  macChrome: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  winFirefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  winEdge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
  samsungTv: 'Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36',
  lgTv: 'Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 Safari/537.36 WebAppManager',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotMobile: 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  facebook: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  curl: 'curl/8.0.1',
  python: 'python-requests/2.31.0',
  headless: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36',
  garbage: 'not a real user agent'
}

const CASES: [name: string, ua: string | null | undefined, want: Partial<Device>][] = [
  ['iPhone Safari', UA.iphone, { device_type: 'mobile', browser: 'Safari', browser_version: '17.0', os: 'iOS', os_version: '17.0', device_brand: 'Apple', device_model: 'iPhone', bot: false, bot_name: null }],
  ['Android Chrome', UA.android, { device_type: 'mobile', browser: 'Chrome', browser_version: '120.0.6099.144', os: 'Android', os_version: '14', bot: false }],
  ['iPad', UA.ipad, { device_type: 'tablet', browser: 'Safari', os: 'iOS', os_version: '16.6', device_brand: 'Apple', device_model: 'iPad', bot: false }],
  ['macOS Chrome', UA.macChrome, { device_type: 'desktop', browser: 'Chrome', browser_version: '120.0.0.0', os: 'macOS', os_version: '10.15.7', device_brand: 'Apple', bot: false }],
  ['Windows Firefox', UA.winFirefox, { device_type: 'desktop', browser: 'Firefox', browser_version: '121.0', os: 'Windows', os_version: '10', device_brand: null, bot: false }],
  ['Windows Edge', UA.winEdge, { device_type: 'desktop', browser: 'Microsoft Edge', os: 'Windows', bot: false }],
  ['Samsung smart TV', UA.samsungTv, { device_type: 'tv', os: 'Tizen', bot: false }],
  ['LG webOS TV', UA.lgTv, { device_type: 'tv', os: 'WebOS', bot: false }],
  ['Googlebot', UA.googlebot, { device_type: 'bot', bot: true, bot_name: 'Googlebot', device_brand: null }],
  ['Googlebot smartphone', UA.googlebotMobile, { device_type: 'bot', bot: true, bot_name: 'Googlebot', os: 'Android' }],
  ['Facebook link preview', UA.facebook, { device_type: 'bot', bot: true, bot_name: 'FacebookExternalHit' }],
  ['curl', UA.curl, { device_type: 'bot', bot: true, bot_name: 'curl', browser: null }],
  ['python-requests', UA.python, { device_type: 'bot', bot: true, bot_name: 'python-requests' }],
  ['HeadlessChrome', UA.headless, { device_type: 'bot', bot: true, bot_name: 'HeadlessChrome', browser: 'Chrome', os: 'Linux' }],
  ['not a real user agent', UA.garbage, { device_type: 'bot', bot: true, bot_name: 'not a real user agent' }],
  ['empty string', '', { device_type: 'bot', bot: true, bot_name: 'empty user agent', browser: null, os: null }],
  ['whitespace', '   ', { device_type: 'bot', bot: true }],
  ['null', null, { device_type: 'bot', bot: true }],
  ['undefined', undefined, { device_type: 'bot', bot: true }]
]

for (const [name, ua, want] of CASES) {
  t.test(name, async (t) => {
    const uncached = parseUserAgentUncached(ua)
    t.hasStrict(uncached, want)
    t.same(parseUserAgent(ua), uncached, 'cached parse agrees')
    t.equal(Object.keys(uncached).length, 9, 'all nine fields, absent ones null')
  })
}

t.test('memoised: the same UA returns the same frozen object', async (t) => {
  const parse = createUserAgentParser(2)
  const first = parse(UA.iphone)
  t.equal(parse(UA.iphone), first)
  t.ok(Object.isFrozen(first))
  parse(UA.android)
  parse(UA.curl)
  t.equal(parse.cache.size, 2, 'bounded by max')
  t.not(parse(UA.iphone), first, 'evicted entry is parsed again')
})

t.test('over-long UAs are cropped before parsing', async (t) => {
  const long = UA.macChrome + ' x'.repeat(5000)
  t.equal(parseUserAgent(long).browser, 'Chrome')
})
