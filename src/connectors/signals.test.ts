// Guards signal sanitising (reference §7.2), the AND-of-ORs required-signals rule, Meta's fbc
// built from the first-seen fbclid, and the deterministic connector event id.
import { createHash } from 'node:crypto'
import t from 'tap'
import { connectorEventId } from './event-id.js'
import { buildFbc, hasRequiredSignals, sanitizeSignals } from './signals.js'
import type { SignalKey, Signals } from './types.js'

const SANITIZE: [string, unknown, Signals][] = [
  ['keeps valid values of known keys', { gclid: 'Cj0_a-b.c', _fbp: 'fb.1.2.3', other: 'x' }, { gclid: 'Cj0_a-b.c', _fbp: 'fb.1.2.3' }],
  ['drops invalid characters', { gclid: 'abc def', fbclid: 'a<script>', ttclid: 'ok' }, { ttclid: 'ok' }],
  ['drops empty and non-string', { gclid: '', wbraid: 42, gbraid: null }, {}],
  ['drops values longer than 512', { li_fat_id: 'a'.repeat(513), ttclid: 'b'.repeat(512) }, { ttclid: 'b'.repeat(512) }],
  ['keeps fbclid first-seen time only with an fbclid', { fbclid: 'F1', fbclidSeenAtMs: 1767600000123 }, { fbclid: 'F1', fbclidSeenAtMs: 1767600000123 }],
  ['drops a seen time without fbclid', { fbclidSeenAtMs: 1767600000123 }, {}],
  ['drops a non-integer seen time', { fbclid: 'F1', fbclidSeenAtMs: '1767600000123' }, { fbclid: 'F1' }],
  ['non-objects give nothing', 'gclid=abc', {}],
  ['null gives nothing', null, {}]
]
for (const [name, raw, want] of SANITIZE) {
  t.test(`sanitizeSignals: ${name}`, async (t) => { t.same(sanitizeSignals(raw), want) })
}

const REQUIRED: [string, SignalKey[][], Signals, boolean][] = [
  ['empty requirement is always met', [], {}, true],
  ['one of a group', [['gclid', 'gbraid', 'wbraid']], { wbraid: 'w' }, true],
  ['none of a group', [['gclid', 'gbraid', 'wbraid']], { fbclid: 'f' }, false],
  ['every group needed (AND)', [['gclid'], ['_fbp', '_fbc']], { gclid: 'g' }, false],
  ['both groups met', [['gclid'], ['_fbp', '_fbc']], { gclid: 'g', _fbc: 'fb.1.1.x' }, true],
  ['empty string does not count', [['ttclid']], { ttclid: '' }, false]
]
for (const [name, required, signals, want] of REQUIRED) {
  t.test(`hasRequiredSignals: ${name}`, async (t) => { t.equal(hasRequiredSignals(required, signals), want) })
}

const FBC: [string, Signals, string | null][] = [
  ['built from the first-seen time, fbclid case kept', { fbclid: 'IwAR2xYz_AbC', fbclidSeenAtMs: 1767600000123 }, 'fb.1.1767600000123.IwAR2xYz_AbC'],
  ['falls back to the event time', { fbclid: 'IwAR' }, 'fb.1.1767618202000.IwAR'],
  ['cookie with the same fbclid wins', { fbclid: 'IwAR', fbclidSeenAtMs: 5, _fbc: 'fb.1.1700000000000.IwAR' }, 'fb.1.1700000000000.IwAR'],
  ['a newer fbclid replaces the cookie', { fbclid: 'NEW', fbclidSeenAtMs: 1767600000123, _fbc: 'fb.1.1700000000000.OLD' }, 'fb.1.1767600000123.NEW'],
  ['cookie alone', { _fbc: 'fb.1.1700000000000.OLD' }, 'fb.1.1700000000000.OLD'],
  ['nothing', { _fbp: 'fb.1.1.2' }, null]
]
for (const [name, signals, want] of FBC) {
  t.test(`buildFbc: ${name}`, async (t) => { t.equal(buildFbc(signals, 1767618202000), want) })
}

t.test('connectorEventId is deterministic and documented', async (t) => {
  const sha = (s: string): string => createHash('sha256').update(s).digest('hex')
  t.equal(connectorEventId('ws-1', 'evt-1'), `ga_${sha('ws-1:evt-1').slice(0, 32)}`)
  t.equal(connectorEventId('ws-1', 'evt-1'), connectorEventId('ws-1', 'evt-1'))
  t.not(connectorEventId('ws-1', 'evt-1'), connectorEventId('ws-2', 'evt-1'))
  t.not(connectorEventId('ws-1', 'evt-1'), connectorEventId('ws-1', 'evt-2'))
  t.equal(connectorEventId('ws-1', 'evt-1', 'meta'), `meta_${sha('ws-1:evt-1:meta').slice(0, 32)}`)
  t.not(connectorEventId('ws-1', 'evt-1', 'meta'), connectorEventId('ws-1', 'evt-1', 'tiktok'))
  t.notOk(connectorEventId('ws-1', 'evt-1').includes('.'))
})
