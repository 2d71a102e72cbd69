import t from 'tap'
import { backoffDelayMs, BACKOFF_CAP_MS, decideAfterFailure, MAX_ATTEMPTS, type FailureFacts } from './retry.js'

const NOW = Date.parse('2026-03-01T12:00:00Z')
const DAY = 86_400_000
const base: FailureFacts = { connectorType: 'meta', kind: 'transient', reason: 'HTTP 500', attempts: 1, occurredAt: new Date(NOW - 60_000), deliveryWindowMs: 7 * DAY, nowMs: NOW, random: () => 0.5 }

t.test('backoff grows, is capped and jittered within [d/2, d]', async (t) => {
  t.equal(backoffDelayMs(1, () => 0), 15_000)
  t.equal(backoffDelayMs(1, () => 1), 30_000)
  t.equal(backoffDelayMs(2, () => 1), 60_000)
  t.equal(backoffDelayMs(30, () => 1), BACKOFF_CAP_MS)
  t.equal(backoffDelayMs(30, () => 0), BACKOFF_CAP_MS / 2)
})

const CASES: [string, Partial<FailureFacts>, Record<string, unknown>][] = [
  ['permanent gives up', { kind: 'permanent' }, { status: 'permanently_failed' }],
  ['credential pauses', { kind: 'credential' }, { status: 'paused' }],
  ['transient retries with backoff', {}, { status: 'failed', nextAttemptAt: new Date(NOW + 22_500) }],
  ['Retry-After is honoured', { kind: 'rate_limited', retryAfterMs: 7000 }, { status: 'failed', nextAttemptAt: new Date(NOW + 7000) }],
  ['exhaustion gives up', { attempts: MAX_ATTEMPTS }, { status: 'permanently_failed' }],
  ['retry past the window gives up', { occurredAt: new Date(NOW - 7 * DAY + 1000) }, { status: 'permanently_failed' }],
  ['no window: retries', { deliveryWindowMs: null, occurredAt: new Date(0) }, { status: 'failed' }]
]
t.test('decideAfterFailure', async (t) => {
  for (const [name, facts, want] of CASES) t.match(decideAfterFailure({ ...base, ...facts }), want, name)
  t.match(decideAfterFailure({ ...base, attempts: MAX_ATTEMPTS }), { lastError: /gave up after 10 attempts/ })
  t.match(decideAfterFailure({ ...base, occurredAt: new Date(NOW - 7 * DAY + 1000) }), { lastError: /outside meta's delivery window \(7 days\)/ })
})
