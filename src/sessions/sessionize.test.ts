// The sessioniser's rules (reference §4.6/§4.7) on hand-built event lists: the 30-minute window,
// splits on a new acquisition, direct and self-referral visits continuing, bounce and engagement,
// engagement pings without a live session dropped, out-of-order events.
import t from 'tap'
import { normalizeAcquisition, sessionize, type SessionEvent, type SessionState } from './sessionize.js'

const WS = '00000000-0000-0000-0000-000000000000'
const GA = '0190aaaa-0000-7000-8000-000000000001'
const T0 = Date.parse('2026-03-29T00:50:00Z') // DST night in Europe: sessions run on UTC instants

function ev (minute: number, over: Partial<SessionEvent> = {}): SessionEvent {
  return {
    event_type: 'pageview',
    occurred_at: new Date(T0 + minute * 60_000),
    host: 'www.example.com',
    path: `/p${minute}`,
    acquisition: null,
    channel: 'Direct',
    referrer_host: null,
    link_id: null,
    partner_id: null,
    device_type: 'desktop',
    browser: 'Chrome',
    os: 'Windows',
    country: 'DE',
    engaged_seconds: 0,
    ...over
  }
}

const google = { platform: 'google', medium: 'organic', campaign: null, click_id: null }
const newsletter = { platform: 'newsletter', medium: 'email', campaign: 'spring', click_id: null }

function run (events: SessionEvent[], live: SessionState | null = null): ReturnType<typeof sessionize> {
  let n = 0
  return sessionize(WS, GA, live, events, () => `s${++n}`)
}

const CASES: Array<[string, SessionEvent[], Array<string | null>]> = [
  ['events ≤ 30 min apart share a session', [ev(0), ev(10), ev(40)], ['s1', 's1', 's1']],
  ['exactly 30 min apart still continues (inclusive)', [ev(0), ev(30)], ['s1', 's1']],
  ['31 min of silence starts a new session', [ev(0), ev(31)], ['s1', 's2']],
  ['direct after a campaign continues it', [ev(0, { acquisition: newsletter }), ev(5)], ['s1', 's1']],
  ['a campaign after direct takes over the session', [ev(0), ev(5, { acquisition: google })], ['s1', 's1']],
  ['the same campaign again continues', [ev(0, { acquisition: google }), ev(5, { acquisition: google })], ['s1', 's1']],
  ['another campaign splits the session', [ev(0, { acquisition: google }), ev(5, { acquisition: newsletter })], ['s1', 's2']],
  ['a new link click id splits it', [ev(0, { acquisition: { ...google, click_id: 'A' } }), ev(5, { acquisition: { ...google, click_id: 'B' } })], ['s1', 's2']],
  ['"direct" written out counts as no acquisition', [ev(0, { acquisition: google }), ev(5, { acquisition: { platform: 'Direct', medium: 'direct', campaign: null, click_id: null } })], ['s1', 's1']],
  ['an engagement ping without a live session is dropped', [ev(0, { event_type: 'engagement', engaged_seconds: 5 })], [null]],
  ['an engagement ping 31 min later is dropped', [ev(0), ev(31, { event_type: 'engagement', engaged_seconds: 5 })], ['s1', null]]
]

for (const [name, events, want] of CASES) {
  t.test(name, async t => { t.same(run(events).sessionIds, want) })
}

t.test('counters, entry and exit, bounce and engagement', async t => {
  const one = run([ev(0)]).sessions[0]
  t.match(one, { pageviews: 1, events: 1, is_bounce: true, is_engaged: false, entry_path: '/p0', exit_path: '/p0', duration_seconds: 0 })

  const two = run([ev(0), ev(3), ev(4, { event_type: 'custom', path: '/ignored' })]).sessions[0]
  t.match(two, { pageviews: 2, events: 3, is_bounce: false, is_engaged: true, entry_path: '/p0', exit_path: '/p3', duration_seconds: 240 })

  const engaged = run([ev(0), ev(1, { event_type: 'engagement', engaged_seconds: 12 })]).sessions[0]
  t.match(engaged, { pageviews: 1, events: 1, engaged_seconds: 12, is_bounce: true, is_engaged: true, duration_seconds: 60 })

  const sale = run([ev(0, { event_type: 'sale' })]).sessions[0]
  t.match(sale, { is_bounce: false, is_engaged: true })
})

t.test('a split leaves the old session as it was and starts the new one with its acquisition', async t => {
  const r = run([ev(0, { acquisition: google }), ev(2), ev(5, { acquisition: newsletter })])
  t.equal(r.sessions.length, 2)
  t.match(r.sessions[0], { id: 's1', source_platform: 'google', pageviews: 2 })
  t.match(r.sessions[1], { id: 's2', source_platform: 'newsletter', source_campaign: 'spring', pageviews: 1, started_at: new Date(T0 + 5 * 60_000) })
})

t.test('a live session from the database is continued; an out-of-order event adds no time', async t => {
  const live = run([ev(0), ev(10)]).sessions[0]
  const r = sessionize(WS, GA, live, [ev(5), ev(20)], () => 'new')
  t.same(r.sessionIds, [live.id, live.id])
  t.match(r.sessions[0], { pageviews: 4, events: 4, duration_seconds: 20 * 60, last_event_at: new Date(T0 + 20 * 60_000), exit_path: '/p20' })
})

t.test('an event earlier than the session start (another process was faster) becomes its entry', async t => {
  const live = run([ev(2), ev(3)]).sessions[0]
  const r = sessionize(WS, GA, live, [ev(0)], () => 'new')
  t.match(r.sessions[0], { started_at: new Date(T0), entry_path: '/p0', exit_path: '/p3', duration_seconds: 180, pageviews: 3 })
})

t.test('per-hop time is capped at 30 minutes', async t => {
  const live = run([ev(0)]).sessions[0]
  const r = sessionize(WS, GA, live, [ev(30)], () => 'new')
  t.equal(r.sessions[0].duration_seconds, 1800)
})

t.test('normalizeAcquisition', async t => {
  t.equal(normalizeAcquisition(null), null)
  t.equal(normalizeAcquisition({ platform: ' ', medium: 'DIRECT', campaign: null, click_id: null }), null)
  t.same(normalizeAcquisition({ platform: ' google ', medium: 'cpc', campaign: '', click_id: 'ABC' }), { platform: 'google', medium: 'cpc', campaign: null, click_id: 'abc' })
})
