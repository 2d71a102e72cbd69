// Guards the beacon conversion rules (issue 14 item 2): a sale needs a key that allows client
// sales, a lead or sale an Origin among the allowed page origins (not merely "no Origin" or the
// collector's own origin); other event types pass.
import t from 'tap'
import type { CorsVerdict } from './cors.js'
import { refuseClientConversion, type ConversionSite } from './trust.js'

const PAGE = 'https://shop.example.com'
const site = (allowClientSales: boolean): ConversionSite => ({ allowClientSales, allowedOrigins: [PAGE] })
const from = (origin: string): CorsVerdict => ({ kind: 'allowed', origin })
const noOrigin: CorsVerdict = { kind: 'no_origin' }

t.test('refusal table', async t => {
  const cases: Array<[string, string, ConversionSite, CorsVerdict, string | null]> = [
    ['pageview without Origin', 'pageview', site(false), noOrigin, null],
    ['custom without Origin', 'custom', site(false), noOrigin, null],
    ['identify without Origin', 'identify', site(false), noOrigin, null],
    ['lead from an allowed page', 'lead', site(false), from(PAGE), null],
    ['lead without Origin', 'lead', site(false), noOrigin, 'origin_required'],
    ['lead from the collector itself (not a listed page origin)', 'lead', site(false), from('https://t.example.com'), 'origin_required'],
    ['sale on a key without client sales', 'sale', site(false), from(PAGE), 'sale_not_allowed'],
    ['sale without Origin on a key without client sales', 'sale', site(false), noOrigin, 'sale_not_allowed'],
    ['sale on a key with client sales, allowed page', 'sale', site(true), from(PAGE), null],
    ['sale on a key with client sales, no Origin', 'sale', site(true), noOrigin, 'origin_required']
  ]
  for (const [name, type, s, origin, want] of cases) t.equal(refuseClientConversion(type, s, origin), want, name)
})
