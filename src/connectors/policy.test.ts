import t from 'tap'
import { failDecision, parsePolicyAnswer } from './policy.js'

t.test('policy answers', async (t) => {
  t.same(parsePolicyAnswer(200, '{"decision":"allow"}'), { allow: true })
  t.same(parsePolicyAnswer(200, '{"decision":"reject","reason":"test account"}'), { allow: false, reason: 'test account' })
  t.same(parsePolicyAnswer(200, '{"decision":"reject"}'), { allow: false, reason: 'no reason given' })
  t.equal(parsePolicyAnswer(200, '{"decision":"maybe"}'), null)
  t.equal(parsePolicyAnswer(500, '{"decision":"allow"}'), null)
  t.equal(parsePolicyAnswer(200, 'not json'), null)
  t.match(failDecision('open', 'timeout'), { allow: true })
  t.match(failDecision('closed', 'timeout'), { allow: false, reason: /failing closed/ })
})
