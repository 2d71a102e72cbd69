// Guards dispatch planning: one row per enabled connector whose signals are present, none with
// the kill switch off or for non-conversions, deterministic connector_event_id (reference §7.3);
// client-trust (beacon) conversions only to connectors that accept them (issue 14 item 2).
import t from 'tap'
import { connectorEventId, connectorSettings, conversionSignals, isoMicro, planDispatches } from './plan.js'

const base = {
  connectorsEnabled: true,
  eventType: 'lead',
  eventId: '0190a000-0000-7000-8000-000000000001',
  occurredAt: new Date('2026-04-21T12:00:00.000Z'),
  newId: (() => { let n = 0; return () => `id-${++n}` })()
}
const on = { enabled: true, acceptClientConversions: false }
const all = { meta: on, google: on, linkedin: on, tiktok: on }
const metaTakesClient = { ...all, meta: { enabled: true, acceptClientConversions: true } }

t.test('isoMicro renders six fractional digits', async t => {
  t.equal(isoMicro(new Date('2026-04-21T12:00:00.123Z')), '2026-04-21T12:00:00.123000Z')
})

t.test('connector_event_id is deterministic and differs per connector and event', async t => {
  const a = connectorEventId('meta', base.eventId, base.occurredAt)
  t.match(a, /^meta_[0-9a-f]{32}$/)
  t.equal(a, connectorEventId('meta', base.eventId, base.occurredAt))
  t.not(a.slice(5), connectorEventId('google', base.eventId, base.occurredAt).slice(7))
  t.not(a, connectorEventId('meta', '0190a000-0000-7000-8000-000000000002', base.occurredAt))
})

t.test('planning table', async t => {
  const cases: Array<[string, Partial<Parameters<typeof planDispatches>[0]>, string[]]> = [
    ['gclid only → google', { settings: all, signals: { gclid: 'g' } }, ['google']],
    ['email → meta, linkedin, tiktok', { settings: all, signals: { email: 'a@b.c' } }, ['meta', 'linkedin', 'tiktok']],
    ['disabled connectors get nothing', { settings: { google: { enabled: false, acceptClientConversions: true } }, signals: { gclid: 'g' } }, []],
    ['kill switch', { settings: all, signals: { gclid: 'g' }, connectorsEnabled: false }, []],
    ['not a conversion', { settings: all, signals: { gclid: 'g' }, eventType: 'pageview' }, []],
    ['no signals', { settings: all, signals: {} }, []],
    ['_fbp → meta', { settings: all, signals: { _fbp: 'fb.1.1.1' } }, ['meta']],
    ['server trust as before', { settings: all, signals: { email: 'a@b.c' }, trust: 'server' }, ['meta', 'linkedin', 'tiktok']],
    ['client trust: nobody opted in', { settings: all, signals: { email: 'a@b.c', gclid: 'g' }, trust: 'client' }, []],
    ['client trust: only the connector that accepts it', { settings: metaTakesClient, signals: { email: 'a@b.c', gclid: 'g' }, trust: 'client' }, ['meta']],
    ['client trust sale: same rule', { settings: metaTakesClient, signals: { email: 'a@b.c' }, trust: 'client', eventType: 'sale' }, ['meta']],
    ['accepting but disabled: nothing', { settings: { meta: { enabled: false, acceptClientConversions: true } }, signals: { email: 'a@b.c' }, trust: 'client' }, []]
  ]
  for (const [name, over, want] of cases) {
    const planned = planDispatches({ ...base, settings: {}, signals: {}, ...over })
    t.same(planned.map(p => p.connector), want, name)
  }
})

t.test('signals merge visitor history, stored ids, the request and person fields', async t => {
  const s = conversionSignals({
    person_email: 'a@b.c', person_phone: null, person_external_id: 'u1',
    click_id_params: { gclid: 'new' },
    click_id_history: { gclid: { value: 'old', first_value: 'old', first_seen_at: '', last_seen_at: '', value_first_seen_at: '' }, fbclid: { value: 'f', first_value: 'f', first_seen_at: '', last_seen_at: '', value_first_seen_at: '' } },
    connector_identifiers: { _fbp: 'fb.1' }
  }, { ttclid: 't' })
  t.same(s, { gclid: 'new', fbclid: 'f', _fbp: 'fb.1', ttclid: 't', email: 'a@b.c', external_id: 'u1' })
})

t.test('settings rows', async t => {
  t.same(connectorSettings([
    { key: 'connector:meta', value: { enabled: true } },
    { key: 'connector:google', value: { enabled: 'yes', config: { accept_client_conversions: 'yes' } } },
    { key: 'connector:tiktok', value: { enabled: true, config: { accept_client_conversions: true } } },
    { key: 'domain:x', value: {} }
  ]), {
    meta: { enabled: true, acceptClientConversions: false },
    google: { enabled: false, acceptClientConversions: false },
    tiktok: { enabled: true, acceptClientConversions: true }
  })
})
