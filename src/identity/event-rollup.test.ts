// Guards the visitor-side rollup of conversions: lifetime value, first conversion, forward-only
// status moves and first-wins device. Browsing moves nothing on the visitor (issue 13).
import t from 'tap'
import { eventRollup, applyEventRollup, type RecordedEvent } from './event-rollup.js'
import type { VisitorRecord } from './visitor.js'
import { at, NOW, uuid, visitor } from './fixtures.js'

const when = at('2026-01-01T00:00:00Z')
const CASES: [string, RecordedEvent, Partial<VisitorRecord>, Partial<VisitorRecord>][] = [
  ['a pageview changes nothing', { event_type: 'pageview', occurred_at: when }, {}, { status: 'anonymous', ltv_cents: 0, converted_at: null }],
  ['lead converts and moves to lead', { event_type: 'lead', occurred_at: when }, { status: 'identified' }, { status: 'lead', converted_at: when }],
  ['sale adds value and moves to customer', { event_type: 'sale', occurred_at: when, amount_cents: 1999 }, { ltv_cents: 1 }, { ltv_cents: 2000, status: 'customer', converted_at: when }],
  ['negative or junk amounts add nothing', { event_type: 'sale', occurred_at: when, amount_cents: -5 }, {}, { ltv_cents: 0 }],
  ['lead never downgrades a customer', { event_type: 'lead', occurred_at: when }, { status: 'customer' }, { status: 'customer' }],
  ['earliest conversion kept', { event_type: 'sale', occurred_at: when }, { converted_at: at('2025-01-01T00:00:00Z') }, { converted_at: at('2025-01-01T00:00:00Z') }],
  ['earlier conversion replaces', { event_type: 'lead', occurred_at: when }, { converted_at: at('2027-01-01T00:00:00Z') }, { converted_at: when }],
  ['device first wins: empty gets it', { event_type: 'pageview', occurred_at: when, device: { type: 'tablet' } }, {}, { device: { type: 'tablet' } }],
  ['device first wins: set stays', { event_type: 'pageview', occurred_at: when, device: { type: 'tablet' } }, { device: { type: 'desktop' } }, { device: { type: 'desktop' } }],
  ['merged stays merged', { event_type: 'sale', occurred_at: when }, { status: 'merged' }, { status: 'merged' }]
]
for (const [name, event, before, want] of CASES) {
  t.test(name, async t => {
    const after = applyEventRollup(visitor(uuid(1), before), eventRollup(event), NOW)
    for (const [key, value] of Object.entries(want)) t.same(after[key as keyof VisitorRecord], value, key)
  })
}
