// Guards the planner's pure skip reasons and the per-platform delivery windows.
import t from 'tap'
import { connectorSkipReason, isWithinDeliveryWindow } from './eligibility.js'
import { BUILT_IN_CONNECTORS } from './registry.js'
import type { Signals } from './types.js'

const get = (type: string) => {
  const c = BUILT_IN_CONNECTORS.get(type)
  if (c === undefined) throw new Error(type)
  return c
}
const DAY = 24 * 3600 * 1000

const SKIPS: [string, string, Signals, string | null][] = [
  ['meta', 'lead', { _fbp: 'fb.1.1.2' }, null],
  ['meta', 'page_view', { _fbp: 'fb.1.1.2' }, 'unsupported_event_type'],
  ['meta', 'sale', { gclid: 'g' }, 'missing_signals'],
  ['google', 'sale', { wbraid: 'w' }, null],
  ['linkedin', 'lead', { ttclid: 't' }, 'missing_signals'],
  ['tiktok', 'sale', { ttclid: 't' }, null],
  ['webhook', 'lead', {}, null]
]
for (const [type, eventType, signals, want] of SKIPS) {
  t.test(`${type} ${eventType} ${JSON.stringify(signals)}`, async (t) => { t.equal(connectorSkipReason(get(type), eventType, signals), want) })
}

const WINDOWS: [string, number, boolean][] = [
  ['meta', 6 * DAY, true], ['meta', 8 * DAY, false], ['google', 89 * DAY, true], ['google', 91 * DAY, false],
  ['linkedin', 91 * DAY, false], ['tiktok', 8 * DAY, false], ['webhook', 400 * DAY, true]
]
for (const [type, age, want] of WINDOWS) {
  t.test(`${type} event ${age / DAY} days old`, async (t) => {
    const now = Date.parse('2026-06-01T00:00:00Z')
    t.equal(isWithinDeliveryWindow(get(type), new Date(now - age), now), want)
  })
}
