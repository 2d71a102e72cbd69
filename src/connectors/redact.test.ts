import t from 'tap'
import { redactExcerpt } from './redact.js'

t.test('redacts credential values and token fields, clips', async (t) => {
  const out = redactExcerpt('{"error":"bad token tok-SECRET-123","access_token":"abc","url":"https://x/?access_token=zzz&a=1"}', ['tok-SECRET-123'])
  t.notMatch(out, /tok-SECRET-123|"abc"|zzz/)
  t.match(out, /\[redacted\]/)
  t.match(out, /a=1/)
  t.equal(redactExcerpt('x'.repeat(600), []).length, 501)
})
