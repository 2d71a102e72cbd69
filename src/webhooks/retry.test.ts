import t from 'tap'
import { failureText, nextRetryDelay, RETRY_SCHEDULE_MS, verdictOf } from './retry.js'

t.test('Svix schedule', async t => {
  const delays = [1, 2, 3, 4, 5, 6, 7, 8].map(n => nextRetryDelay(n))
  t.same(delays, [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, null])
  t.equal(RETRY_SCHEDULE_MS[0], 0, 'first attempt is immediate')
  t.equal(nextRetryDelay(2, [0, 10, 20]), 20)
  t.equal(nextRetryDelay(3, [0, 10, 20]), null)
  t.equal(nextRetryDelay(0), null)
})

t.test('verdicts', async t => {
  const table: Array<[number | null, string]> = [[200, 'delivered'], [204, 'delivered'], [299, 'delivered'], [301, 'retry'], [400, 'retry'], [410, 'gone'], [429, 'retry'], [500, 'retry'], [null, 'retry']]
  for (const [status, verdict] of table) t.equal(verdictOf(status), verdict, String(status))
})

t.test('failure text', async t => {
  t.equal(failureText(302, null), 'HTTP 302: redirects are not followed')
  t.equal(failureText(503, null), 'HTTP 503')
  t.equal(failureText(200, null), null)
  t.equal(failureText(null, Object.assign(new Error('boom'), { code: 'ECONNREFUSED' })), 'ECONNREFUSED: boom')
})
