// Guards issue 19's address match keys: each platform's documented normal form on tricky inputs
// (accents, decomposed Unicode, punctuation, postal codes with spaces or a +4, country names vs
// codes), compared as the hash of the literal expected normal form; where the address comes
// from (conversion, person, geo); the length limits with their notes; and every platform payload.
import t from 'tap'
import { createHash } from 'node:crypto'
import {
  countryCode, googlePostalCode, limitAddress, mergeAddress, metaAddress, normalizeCity, normalizePostalCode,
  normalizeRegion, tiktokAddress
} from './address.js'
import { conversionAddress, dispatchInputOf, type DispatchSourceRow } from './input.js'
import { mapMetaEvent } from './meta/map.js'
import { mapDataManagerEvent, mapGoogleAdsConversion } from './google/map.js'
import { mapTiktokEvent } from './tiktok/map.js'
import { mapLinkedinElement } from './linkedin/map.js'
import { mapWebhookPayload } from './webhook/map.js'
import type { BuildContext, DispatchInput } from './types.js'

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')

t.test('country: codes, alpha-3 and names in several languages', async (t) => {
  const rows: [string, string | null][] = [
    ['DE', 'DE'], ['de', 'DE'], [' de ', 'DE'], ['DEU', 'DE'], ['Germany', 'DE'], ['Deutschland', 'DE'], ['Allemagne', 'DE'],
    ['United States', 'US'], ['U.S.A.', 'US'], ['usa', 'US'], ['United Kingdom', 'GB'], ['UK', 'GB'], ['Royaume-Uni', 'GB'],
    ['España', 'ES'], ['Espan\u0303a', 'ES'], ['Côte d’Ivoire', 'CI'], ['Cote d\'Ivoire', 'CI'], ['Schweiz', 'CH'],
    ['日本', 'JP'], ['XX', null], ['Atlantis', null], ['', null]
  ]
  for (const [input, want] of rows) t.equal(countryCode(input), want, input)
})

t.test('Meta normal forms (ct, st, zp, country), hashed', async (t) => {
  const rows: [string, Parameters<typeof metaAddress>[0], Record<string, string | null>][] = [
    ['accents kept, spaces dropped', { city: 'São Paulo', region: 'SP', postalCode: '01310-100', country: 'Brazil' },
      { ct: sha('sãopaulo'), st: sha('sp'), zp: sha('01310100'), country: sha('br') }],
    ['decomposed Unicode = composed', { city: 'Zu\u0308rich', country: 'CH' }, { ct: sha('zürich'), country: sha('ch') }],
    ['punctuation and digits dropped', { city: "St. John's 2", region: 'Newfoundland and Labrador', country: 'Canada' },
      { ct: sha('stjohns'), st: sha('newfoundlandandlabrador'), country: sha('ca') }],
    ['US state name → code, ZIP+4 → 5 digits', { city: 'Menlo Park', region: 'California', postalCode: '94025-1234', country: 'United States' },
      { ct: sha('menlopark'), st: sha('ca'), zp: sha('94025'), country: sha('us') }],
    ['US ZIP+4 with spaces', { postalCode: ' 94025 - 1234 ', country: 'us' }, { zp: sha('94025') }],
    ['UK postcode with a space', { postalCode: 'SW1A 1AA', country: 'GB' }, { zp: sha('sw1a1aa') }],
    ['French region with accents', { region: 'Île-de-France', country: 'France' }, { st: sha('îledefrance') }],
    ['unknown country is not sent', { country: 'Atlantis' }, { country: null }]
  ]
  for (const [name, address, want] of rows) t.match(metaAddress(address), want, name)
})

t.test('TikTok: zip_code hashed, the rest plain', async (t) => {
  t.same(tiktokAddress({ city: 'Köln', region: 'NRW', postalCode: '50667', country: 'Deutschland' }),
    { city: 'köln', state: 'nrw', country: 'de', zip_code: sha('50667') })
})

t.test('Google: plain postal code, upper-case; US 5 digits', async (t) => {
  t.equal(googlePostalCode('sw1a  1aa', 'GB'), 'SW1A 1AA')
  t.equal(googlePostalCode('94025-1234', 'US'), '94025')
  t.equal(normalizePostalCode('94025+1234', null), '94025')
  t.equal(normalizeRegion('ny', 'US'), 'ny')
  t.equal(normalizeCity('  '), null)
})

t.test('sources and limits', async (t) => {
  t.same(mergeAddress({ city: 'Berlin' }, { city: 'Hamburg', country: 'DE' }, { country: 'FR', region: 'BE' }),
    { city: 'Berlin', country: 'DE', region: 'BE' }, 'field by field, first source wins')
  const long = limitAddress({ city: 'x'.repeat(100), postalCode: '1'.repeat(40), country: 'DE' })
  t.equal(long.address.city?.length, 64)
  t.equal(long.address.postalCode?.length, 16)
  t.equal(long.notes.length, 2)
  t.match(long.notes[0], /city truncated from 100 to 64/)
  const fromRow = conversionAddress({
    properties: { person_postal_code: '10115' },
    person_metadata: { address: { city: 'Berlin', country: 'DE' } },
    geo: { country: 'AT', city: 'Wien', region: 'Wien' }
  })
  t.same(fromRow.address, { city: 'Berlin', region: 'Wien', postalCode: '10115', country: 'DE' }, 'conversion, then person, then geo')
})

const ctx: BuildContext = { credentials: {}, config: {}, nowMs: Date.parse('2026-01-05T12:00:00Z') }
const input: DispatchInput = {
  dispatchId: 'd1',
  connectorEventId: 'meta_abc',
  eventType: 'sale',
  occurredAt: new Date('2026-01-05T11:00:00Z'),
  amountCents: 12990,
  currency: 'EUR',
  visitor: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', city: 'München', region: 'Bayern', postalCode: '80331', country: 'Germany' },
  signals: { gclid: 'Cj0K', ttclid: 'E.C.P.x', li_fat_id: 'li-1' }
}

t.test('every platform payload carries the address fields', async (t) => {
  const meta = mapMetaEvent(input, ctx) as { user_data: Record<string, unknown> }
  t.match(meta.user_data, { ct: sha('münchen'), st: sha('bayern'), zp: sha('80331'), country: sha('de'), fn: sha('ada'), ln: sha('lovelace') })

  const dm = mapDataManagerEvent(input, ctx) as { userData: { userIdentifiers: unknown[] } }
  t.match(dm.userData.userIdentifiers, [{ emailAddress: String }, { address: { givenName: sha('ada'), familyName: sha('lovelace'), regionCode: 'DE', postalCode: '80331' } }])

  const ads = mapGoogleAdsConversion(input, ctx, 'customers/1/conversionActions/2') as { userIdentifiers: unknown[] }
  t.match(ads.userIdentifiers[1], { addressInfo: { hashedFirstName: sha('ada'), hashedLastName: sha('lovelace'), city: 'München', state: 'Bayern', countryCode: 'DE', postalCode: '80331' }, userIdentifierSource: 'FIRST_PARTY' })
  const noName = mapGoogleAdsConversion({ ...input, visitor: { ...input.visitor, lastName: null } }, ctx, 'x') as { userIdentifiers: unknown[] }
  t.equal(noName.userIdentifiers.length, 1, 'Google gets no partial address')

  const tiktok = mapTiktokEvent(input, ctx) as { user: Record<string, unknown> }
  t.match(tiktok.user, { city: 'münchen', state: 'bayern', country: 'de', zip_code: sha('80331') })

  const li = mapLinkedinElement(input, 'urn:lla:llaPartnerConversion:1') as { user: { userInfo: unknown } }
  t.same(li.user.userInfo, { firstName: 'Ada', lastName: 'Lovelace', countryCode: 'DE' })

  const hook = mapWebhookPayload(input) as { data: { visitor: unknown } }
  t.match(hook.data.visitor, { city: 'München', region: 'Bayern', postal_code: '80331', country: 'Germany' })
})

const row = (over: Partial<DispatchSourceRow>): DispatchSourceRow => ({
  id: 'd1', connector_event_id: 'meta_x', source_context: null, event_found: true, event_type: 'sale', event_name: null,
  occurred_at: new Date('2026-01-05T11:00:00Z'), event_occurred_at: new Date('2026-01-05T11:00:00Z'), amount_cents: 100, currency: 'EUR',
  url: null, client_ip: null, user_agent: null, properties: {}, person_email: 'a@b.co', person_phone: null, person_name: 'Ada Lovelace',
  person_external_id: null, click_id_params: {}, click_id_history: {}, connector_identifiers: {}, ...over
})

t.test('a backend sale borrows the last web event: Meta action_source website', async (t) => {
  const web = { url: 'https://shop.example/checkout', clientIp: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11)' }
  const borrowed = dispatchInputOf(row({}), web)
  t.match(borrowed, { eventSourceUrl: web.url, clientIp: web.clientIp, userAgent: web.userAgent })
  const meta = mapMetaEvent(borrowed, ctx) as Record<string, unknown> & { user_data: Record<string, unknown> }
  t.match(meta, { action_source: 'website', event_source_url: web.url, user_data: { client_ip_address: web.clientIp, client_user_agent: web.userAgent } })
  const own = dispatchInputOf(row({ url: 'https://shop.example/own', client_ip: '198.51.100.1', user_agent: 'UA' }), web)
  t.match(own, { eventSourceUrl: 'https://shop.example/own', clientIp: '198.51.100.1', userAgent: 'UA' }, 'a web conversion keeps its own')
  const none = mapMetaEvent(dispatchInputOf(row({}), null), ctx) as Record<string, unknown>
  t.equal(none.action_source, 'system_generated', 'no web event: honestly system_generated')
  const noted = dispatchInputOf(row({ properties: { person_city: 'y'.repeat(80) } }), null)
  t.match(noted.notes, [/city truncated/])
})
