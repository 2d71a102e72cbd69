// Guards country-targeting input: keys upper-cased and checked against ISO 3166-1, values held to
// the destination-URL rules, and the whole value being a plain map.
import t from 'tap'
import { GEO_TARGETING_NOT_A_MAP, normalizeGeoTargeting } from './geo-targeting.js'

const rules = { ownDomains: ['go.example.com'] }

const ACCEPTED: Array<[string, unknown, Record<string, string>]> = [
  ['null is empty', null, {}],
  ['undefined is empty', undefined, {}],
  ['empty map', {}, {}],
  ['upper-cases keys', { de: 'https://example.de' }, { DE: 'https://example.de/' }],
  ['mixed case and spaces', { ' Fr ': 'https://example.fr/x' }, { FR: 'https://example.fr/x' }],
  ['several, sorted', { US: 'https://example.com/us', DE: 'https://example.de/' }, { DE: 'https://example.de/', US: 'https://example.com/us' }],
  ['Kosovo as GeoIP reports it', { XK: 'https://example.com/xk' }, { XK: 'https://example.com/xk' }],
  ['null-prototype object', Object.assign(Object.create(null), { gb: 'https://example.co.uk' }), { GB: 'https://example.co.uk/' }]
]

for (const [name, input, want] of ACCEPTED) {
  t.test(`accepts ${name}`, async t => {
    t.same(normalizeGeoTargeting(input, rules), { ok: true, value: want })
  })
}

const REJECTED: Array<[string, unknown, RegExp[]]> = [
  ['alpha-3 key', { USA: 'https://example.com' }, [/"USA": must be an ISO 3166-1/]],
  ['unassigned code', { ZZ: 'https://example.com' }, [/"ZZ"/]],
  ['reserved code EU', { EU: 'https://example.com' }, [/"EU"/]],
  ['UK is not GB', { UK: 'https://example.com' }, [/"UK"/]],
  ['numeric key', { 276: 'https://example.com' }, [/"276"/]],
  ['empty key', { '': 'https://example.com' }, [/"": must be/]],
  ['non-URL value', { DE: 'not a url' }, [/^DE: must be a valid HTTP/]],
  ['javascript value', { DE: 'javascript:alert(1)' }, [/^DE: must be a valid HTTP/]],
  ['data value', { DE: 'data:text/html,x' }, [/^DE:/]],
  ['empty value', { DE: '' }, [/^DE:/]],
  ['null value', { DE: null }, [/^DE:/]],
  ['number value', { DE: 5 }, [/^DE:/]],
  ['loop through our domain', { DE: 'https://go.example.com/x' }, [/^DE: must not point to a short-link domain/]],
  ['same country twice', { de: 'https://a.example/', DE: 'https://b.example/' }, [/more than once/]],
  ['array', ['https://example.com'], [new RegExp(GEO_TARGETING_NOT_A_MAP)]],
  ['string', 'DE=https://example.com', [new RegExp(GEO_TARGETING_NOT_A_MAP)]],
  ['number', 1, [new RegExp(GEO_TARGETING_NOT_A_MAP)]],
  ['date object', new Date(0), [new RegExp(GEO_TARGETING_NOT_A_MAP)]],
  ['reports every bad entry', { USA: 'https://example.com', FR: 'ftp://x', DE: 'https://example.de' }, [/"USA"/, /^FR:/]]
]

for (const [name, input, wants] of REJECTED) {
  t.test(`rejects ${name}`, async t => {
    const got = normalizeGeoTargeting(input, rules)
    t.equal(got.ok, false)
    if (!got.ok) {
      t.equal(got.errors.length, wants.length, got.errors.join('; '))
      wants.forEach((want, i) => t.match(got.errors[i], want))
    }
  })
}
