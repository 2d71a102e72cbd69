// Guards geo lookup against the real bundled country database (no network, no fixtures to drift),
// the MaxMind/ip-location-db record mapping, non-public IPs and storage anonymisation (security §3.11).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { createGeoLookup, defaultGeoDbPath, geoFromRecord, openGeoReader, type Geo } from './geo.js'
import { anonymizeIp, canonicalIp, isNonPublicIp, type IpMode } from './ip.js'

const geo = openGeoReader()

t.test('zero-config country database', async (t) => {
  t.match(geo.path, /geo-whois-asn-country\.mmdb$/)
  const rows: [string, Geo | null][] = [
    ['8.8.8.8', { country: 'US' }],
    ['1.1.1.1', { country: 'AU' }],
    ['81.2.69.142', { country: 'GB' }],
    ['2001:4860:4860::8888', { country: 'US' }],
    ['::ffff:8.8.8.8', { country: 'US' }],
    [' 8.8.8.8 ', { country: 'US' }],
    ['10.0.0.1', null],
    ['192.168.1.1', null],
    ['172.16.5.4', null],
    ['127.0.0.1', null],
    ['100.64.0.1', null],
    ['169.254.1.1', null],
    ['::1', null],
    ['fe80::1', null],
    ['fd00::1', null],
    ['::ffff:10.0.0.1', null],
    ['not-an-ip', null],
    ['999.1.1.1', null],
    ['', null],
    [null, null]
  ] as [string, Geo | null][]
  for (const [ip, want] of rows) t.same(geo.lookup(ip), want, String(ip))
})

t.test('lookups are memoised and stable', async (t) => {
  const lookup = createGeoLookup(readFileSync(defaultGeoDbPath()), 'test', 2)
  const first = lookup.lookup('8.8.8.8')
  t.equal(lookup.lookup('8.8.8.8'), first, 'same object from the cache')
  t.same(lookup.lookup('1.1.1.1'), { country: 'AU' })
})

t.test('openGeoReader fails loudly on a bad path', async (t) => {
  t.throws(() => openGeoReader('/nonexistent/GeoLite2-City.mmdb'))
})

t.test('geoFromRecord', async (t) => {
  const maxmindCity = {
    city: { geoname_id: 2643743, names: { en: 'London', de: 'London' } },
    country: { iso_code: 'GB', names: { en: 'United Kingdom' } },
    location: { latitude: 51.5142, longitude: -0.0931, time_zone: 'Europe/London', accuracy_radius: 5 },
    subdivisions: [{ iso_code: 'ENG', names: { en: 'England' } }]
  }
  const rows: [string, unknown, Geo | null][] = [
    ['MaxMind City', maxmindCity, { country: 'GB', region: 'England', city: 'London', timezone: 'Europe/London', latitude: 51.5142, longitude: -0.0931 }],
    ['MaxMind Country', { country: { iso_code: 'de' } }, { country: 'DE' }],
    ['registered country only', { registered_country: { iso_code: 'FR' } }, { country: 'FR' }],
    ['subdivision without names', { country: { iso_code: 'US' }, subdivisions: [{ iso_code: 'CA' }] }, { country: 'US', region: 'CA' }],
    ['ip-location-db country', { country_code: 'US' }, { country: 'US' }],
    ['ip-location-db city', { country_code: 'JP', state1: 'Tokyo', city: 'Shibuya', latitude: 35.66, longitude: 139.7, timezone: 'Asia/Tokyo' },
      { country: 'JP', region: 'Tokyo', city: 'Shibuya', timezone: 'Asia/Tokyo', latitude: 35.66, longitude: 139.7 }],
    ['bad country code dropped', { country_code: 'ZZZ' }, null],
    ['empty record', {}, null],
    ['null', null, null]
  ]
  for (const [name, record, want] of rows) t.same(geoFromRecord(record), want, name)
})

t.test('canonicalIp and isNonPublicIp', async (t) => {
  const rows: [string, string | null][] = [
    ['1.2.3.4', '1.2.3.4'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::ffff:0102:0304', '1.2.3.4'],
    ['fe80::1%eth0', 'fe80::1'],
    ['1.2.3', null],
    ['hello', null]
  ]
  for (const [ip, want] of rows) t.equal(canonicalIp(ip), want, ip)
  t.ok(isNonPublicIp('2001:db8::1'))
  t.notOk(isNonPublicIp('8.8.8.8'))
})

t.test('anonymizeIp', async (t) => {
  const rows: [string | null, IpMode, string | null][] = [
    ['203.0.113.77', 'truncate', '203.0.113.0'],
    ['8.8.8.8', 'truncate', '8.8.8.0'],
    ['8.8.8.8', 'full', '8.8.8.8'],
    ['8.8.8.8', 'none', null],
    ['2001:4860:4860::8888', 'truncate', '2001:4860:4860::'],
    ['2a00:1450:4001:81b::200e', 'truncate', '2a00:1450:4001::'],
    ['2001:db8::1', 'truncate', '2001:db8::'],
    ['2A00:1450:4001:081B:0000:0000:0000:200E', 'full', '2a00:1450:4001:81b::200e'],
    ['::ffff:192.0.2.33', 'truncate', '192.0.2.0'],
    ['::1', 'truncate', '::'],
    ['nope', 'truncate', null],
    ['nope', 'full', null],
    [null, 'full', null]
  ]
  for (const [ip, mode, want] of rows) t.equal(anonymizeIp(ip, mode), want, `${ip} ${mode}`)
})
