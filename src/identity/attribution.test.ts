// Guards click-id history for single observations (first value and its time are never lost,
// late observations are placed correctly) and which click ids an observation carries.
import t from 'tap'
import { observeClickIds, observedClickIds } from './attribution.js'
import type { ClickIdHistory } from './visitor.js'
import type { Signals } from './signals.js'

const T = (day: number): Date => new Date(Date.UTC(2025, 0, day))
const I = (day: number): string => T(day).toISOString()

t.test('click-id history across observations of one visitor', async t => {
  let h: ClickIdHistory = {}
  h = observeClickIds(h, { fbclid: 'fb1' }, T(10))
  t.same(h.fbclid, { value: 'fb1', first_value: 'fb1', first_seen_at: I(10), last_seen_at: I(10), value_first_seen_at: I(10) })
  h = observeClickIds(h, { fbclid: 'fb1' }, T(11))
  t.same(h.fbclid, { value: 'fb1', first_value: 'fb1', first_seen_at: I(10), last_seen_at: I(11), value_first_seen_at: I(10) }, 'same value: only last_seen moves')
  h = observeClickIds(h, { fbclid: 'fb2' }, T(12))
  t.same(h.fbclid, { value: 'fb2', first_value: 'fb1', first_seen_at: I(10), last_seen_at: I(12), value_first_seen_at: I(12) }, 'new value: first kept')
  h = observeClickIds(h, { fbclid: 'fb0' }, T(5))
  t.same(h.fbclid, { value: 'fb2', first_value: 'fb0', first_seen_at: I(5), last_seen_at: I(12), value_first_seen_at: I(12) }, 'late older observation becomes first')
  h = observeClickIds(h, { gclid: 'g' }, T(13))
  t.same(Object.keys(h).sort(), ['fbclid', 'gclid'])
})

const OBSERVED: [string, Signals, Record<string, string>][] = [
  ['explicit params', { click_id_params: { gclid: 'g' } }, { gclid: 'g' }],
  ['classifier captured ids', { source: { captured_click_ids: { gclid: 'g', fbclid: 'f' } } }, { gclid: 'g', fbclid: 'f' }],
  ['classifier winner', { source: { click_id_type: 'ttclid', click_id_value: 't' } }, { ttclid: 't' }],
  ['explicit beats classifier', { source: { captured_click_ids: { gclid: 'from-url' } }, click_id_params: { gclid: 'explicit' } }, { gclid: 'explicit' }],
  ['junk captured values dropped', { source: { captured_click_ids: { gclid: 'null', fbclid: 7 } } }, {}],
  ['nothing', { ga_id: 'x' }, {}]
]
for (const [name, signals, want] of OBSERVED) {
  t.test(`observedClickIds: ${name}`, async t => { t.strictSame(observedClickIds(signals), want) })
}
