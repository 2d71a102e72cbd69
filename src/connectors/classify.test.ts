// Guards the shared HTTP classification, Retry-After parsing and the API-origin override.
import t from 'tap'
import { classifyHttpStatus, parseRetryAfter } from './classify.js'
import { platformUrl } from './url.js'

const NOW = Date.parse('2026-01-05T12:00:00Z')
const STATUS: [number, string][] = [[200, 'ok'], [204, 'ok'], [400, 'permanent'], [401, 'credential'], [403, 'credential'], [404, 'permanent'], [408, 'transient'], [422, 'permanent'], [429, 'rate_limited'], [500, 'transient'], [503, 'transient']]
for (const [status, want] of STATUS) {
  t.test(`status ${status}`, async (t) => {
    const outcome = classifyHttpStatus(status, {}, '', NOW)
    t.equal(outcome.ok ? 'ok' : outcome.kind, want)
  })
}

const RETRY_AFTER: [string | undefined, number | undefined][] = [
  ['120', 120_000],
  ['0', 0],
  ['Mon, 05 Jan 2026 12:00:30 GMT', 30_000],
  ['Mon, 05 Jan 2026 11:00:00 GMT', 0],
  ['999999999', 24 * 3600 * 1000],
  ['soon', undefined],
  [undefined, undefined]
]
for (const [value, want] of RETRY_AFTER) {
  t.test(`Retry-After ${String(value)}`, async (t) => { t.equal(parseRetryAfter(value, NOW), want) })
}

t.test('header lookup is case-insensitive and arrays use the first value', async (t) => {
  t.match(classifyHttpStatus(429, { 'Retry-After': ['5', '9'] }, '', NOW), { kind: 'rate_limited', retryAfterMs: 5000 })
})

const URLS: [string | null, string | RegExp][] = [
  [null, 'https://graph.facebook.com/v24.0/1/events'],
  ['', 'https://graph.facebook.com/v24.0/1/events'],
  ['http://127.0.0.1:4010', 'http://127.0.0.1:4010/v24.0/1/events'],
  ['http://127.0.0.1:4010/', 'http://127.0.0.1:4010/v24.0/1/events'],
  ['https://proxy.internal', 'https://proxy.internal/v24.0/1/events'],
  ['http://127.0.0.1:4010/base', /scheme:\/\/host:port only/],
  ['http://u:p@127.0.0.1', /scheme:\/\/host:port only/],
  ['ftp://127.0.0.1', /scheme:\/\/host:port only/],
  ['not a url', /invalid API base/]
]
for (const [base, want] of URLS) {
  t.test(`apiBase ${String(base)}`, async (t) => {
    if (typeof want === 'string') t.equal(platformUrl('https://graph.facebook.com', '/v24.0/1/events', base), want)
    else t.throws(() => platformUrl('https://graph.facebook.com', '/v24.0/1/events', base), want)
  })
}
