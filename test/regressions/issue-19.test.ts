// Issue 19 end to end: the address on identify and on a sale reaches every platform in its
// normalised, hashed form; a backend sale of a visitor who converted on the web borrows that
// event's page, IP and browser (Meta: action_source website); control characters → 422; an over-long city is
// cut with a note in the dispatch; a beacon's search referrer keeps the rule and the search term.
import { createHash } from 'node:crypto'
import t from 'tap'
import { runDeliveryTick } from '../../src/connectors/plugin.js'
import { call, enable, setup, SIGNALS } from '../connectors/util.js'

const sha = (s: string): string => createHash('sha256').update(s).digest('hex')
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
const PAGE = 'https://shop.example.com'

t.test('address match keys and the borrowed web context', async (t) => {
  const { c, app, fakes } = await setup(t, ['meta', 'google', 'linkedin', 'tiktok'], { env: { GA_ALLOWED_ORIGINS: PAGE } })
  const gaId = crypto.randomUUID()
  const visitor = await call(c, 'POST', '/ga/api/visitors/resolve', { ga_id: gaId })
  t.equal(visitor.status, 200)
  const id = visitor.body.id as string

  // A web visit first: a pageview from a search engine, then a lead sent from the page (a web
  // conversion keeps the request's URL, IP and browser; connectors are not enabled yet).
  const beacon = async (body: Record<string, unknown>): Promise<void> => {
    const r = await app.inject({
      method: 'POST',
      url: '/ga/t/event',
      remoteAddress: '203.0.113.7',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': UA, origin: PAGE },
      payload: JSON.stringify({ event_id: crypto.randomUUID(), ga_id: gaId, ...body })
    })
    t.ok(r.statusCode < 300, `beacon ${r.statusCode} ${r.body}`)
  }
  await beacon({ event_type: 'pageview', url: `${PAGE}/product`, referrer: 'https://www.google.de/search?q=blue+shoes' })
  await beacon({ event_type: 'lead', url: `${PAGE}/product`, referrer: '' })
  for (const type of ['meta', 'google', 'linkedin', 'tiktok']) await enable(c, type)
  const events = await call(c, 'GET', `/ga/api/events?visitor_id=${id}&event_type=pageview`)
  const [pv] = events.body.events ?? events.body
  t.match(pv?.source, { platform: 'google', medium: 'organic', rule: 'referrer:search', term: 'blue shoes' }, 'the search term is the organic visit\'s term')

  // Bad input: control characters are refused on identify and on a sale.
  const badIdentify = await call(c, 'POST', `/ga/api/visitors/${id}/identify`, { person_city: 'Ber\u0000lin' })
  t.equal(badIdentify.status, 422)
  t.match(JSON.stringify(badIdentify.body), /person_city/)
  const badSale = await call(c, 'POST', '/ga/api/conversions/sale', { visitor_id: id, amount_cents: 100, currency: 'EUR', person_postal_code: '10115\n' })
  t.equal(badSale.status, 422)
  t.match(JSON.stringify(badSale.body), /person_postal_code/)

  const identified = await call(c, 'POST', `/ga/api/visitors/${id}/identify`, {
    person_email: 'ada@example.com', person_name: 'Ada Lovelace', person_city: 'Zu\u0308rich', person_region: 'Zürich', person_country: 'Schweiz'
  })
  t.equal(identified.status, 200, JSON.stringify(identified.body))
  t.same(identified.body.person_metadata.address, { city: 'Zu\u0308rich', region: 'Zürich', country: 'Schweiz' }, 'stored on the person')

  // A backend sale: no url, no IP, no browser; the postal code comes with the sale.
  const sale = await call(c, 'POST', '/ga/api/conversions/sale', {
    visitor_id: id, amount_cents: 4900, currency: 'EUR', connector_signals: SIGNALS, person_postal_code: '8001', person_city: 'Z'.repeat(300)
  })
  t.equal(sale.status, 201, JSON.stringify(sale.body))
  const tick = await runDeliveryTick(app)
  t.match(tick, { delivered: 4 })
  for (const [kind, fake] of Object.entries(fakes)) t.same(fake.requests[0]?.problems, [], `${kind}: accepted by the fake`)

  // The stored IP is the one the default GA_IP_MODE keeps (last octet zeroed): that is what is sent.
  const STORED_IP = '203.0.113.0'
  const metaEvent = (fakes.meta?.requests[0].body as { data: Array<Record<string, any>> }).data[0] // eslint-disable-line @typescript-eslint/no-explicit-any
  t.match(metaEvent, { action_source: 'website', event_source_url: `${PAGE}/product`, user_data: { client_ip_address: STORED_IP, client_user_agent: UA } })
  t.match(metaEvent.user_data, { ct: sha('z'.repeat(64)), st: sha('zürich'), zp: sha('8001'), country: sha('ch'), fn: sha('ada'), ln: sha('lovelace') })

  const dm = fakes.google?.requests[0].body as { events: Array<{ userData: { userIdentifiers: unknown[] } }> }
  t.match(dm.events[0].userData.userIdentifiers, [{ emailAddress: sha('ada@example.com') }, { address: { givenName: sha('ada'), familyName: sha('lovelace'), regionCode: 'CH', postalCode: '8001' } }])
  const tt = fakes.tiktok?.requests[0].body as { data: Array<{ user: Record<string, unknown> }> }
  t.match(tt.data[0].user, { city: 'z'.repeat(64), state: 'zürich', country: 'ch', zip_code: sha('8001'), ip: STORED_IP, user_agent: UA })
  const li = fakes.linkedin?.requests[0].body as { elements: Array<{ user: { userInfo: unknown } }> }
  t.same(li.elements[0].user.userInfo, { firstName: 'Ada', lastName: 'Lovelace', countryCode: 'CH' })

  const metaDispatch = sale.body.dispatches.find((d: { connector: string }) => d.connector === 'meta')
  const detail = await call(c, 'GET', `/ga/api/dispatches/${metaDispatch.id as string}`)
  t.match(detail.body, { status: 'delivered', attempt_log: [{ outcome: 'delivered', notes: /city truncated from 300 to 64 characters/ }] })
})
