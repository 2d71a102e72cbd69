import t from 'tap'
import { dispatchInputOf, fbclidSeenAt, splitName, type DispatchSourceRow } from './input.js'

const row: DispatchSourceRow = {
  id: 'd1', connector_event_id: 'meta_abc', source_context: { signals: { fbclid: 'NEW_ONE', gclid: 'bad value!' } }, event_found: true,
  event_type: 'sale', event_name: 'checkout', occurred_at: new Date('2026-03-01T10:00:00Z'), event_occurred_at: new Date('2026-03-01T10:00:00Z'),
  amount_cents: 4900, currency: 'EUR', url: 'https://shop.example/thanks', client_ip: '203.0.113.9', user_agent: 'UA',
  properties: { order_id: 'O-1', consent: 'granted' },
  person_email: 'a@b.co', person_phone: '+4917012345678', person_name: 'Ada Lovelace King', person_external_id: 'u1',
  click_id_params: { ttclid: 'tt1' },
  click_id_history: { fbclid: { value: 'NEW_ONE', first_value: 'OLD', first_seen_at: '2026-01-01T00:00:00Z', last_seen_at: '2026-02-01T00:00:00Z', value_first_seen_at: '2026-02-01T00:00:00Z' } },
  connector_identifiers: { _fbp: 'fb.1.1.2' }
}

t.test('dispatch input from the joined row', async (t) => {
  const input = dispatchInputOf(row)
  t.match(input, { dispatchId: 'd1', connectorEventId: 'meta_abc', eventType: 'sale', amountCents: 4900, orderId: 'O-1', clientIp: '203.0.113.9' })
  t.same(input.visitor, { email: 'a@b.co', phone: '+4917012345678', firstName: 'Ada', lastName: 'Lovelace King', externalId: 'u1' })
  t.same(input.signals, { fbclid: 'NEW_ONE', ttclid: 'tt1', _fbp: 'fb.1.1.2', fbclidSeenAtMs: Date.parse('2026-02-01T00:00:00Z') }, 'invalid gclid dropped')
  t.same(input.consent, { adUserData: 'granted', adPersonalization: 'granted' })
})

t.test('fbclid first-seen time and names', async (t) => {
  const h = row.click_id_history
  t.equal(fbclidSeenAt(h, 'OLD'), Date.parse('2026-01-01T00:00:00Z'))
  t.equal(fbclidSeenAt(h, 'OTHER'), undefined)
  t.equal(fbclidSeenAt(null, 'X'), undefined)
  t.same(splitName(null), { firstName: null, lastName: null })
  t.same(splitName('Cher'), { firstName: 'Cher', lastName: null })
})
