import t from 'tap'
import { controlCharPath, CONTROL_IN_IDENTIFIER } from './text.js'

const CASES: Array<[string, unknown, string | null]> = [
  ['plain', { a: 'x', b: [1, 'y'] }, null],
  ['newline and tab allowed in text', { d: 'line 1\nline 2\tend\r\n' }, null],
  ['NUL in a value', { og_title: 'a\u0000b' }, 'og_title'],
  ['escape in a nested value', { metadata: { deep: ['ok', 'x\u001b[31m'] } }, 'metadata.deep.1'],
  ['control in a key', { metadata: { 'k\u0001': 1 } }, 'metadata.k\u0001'],
  ['DEL', { tags: ['a\u007f'] }, 'tags.0'],
  ['top-level string', 'a\u0000', 'body'],
  ['numbers and nulls', { n: 1, z: null, b: true }, null]
]
for (const [name, value, want] of CASES) t.test(name, async t => { t.equal(controlCharPath(value), want) })

t.test('identifiers refuse tab and newlines too', async t => {
  for (const s of ['a\tb', 'a\nb', 'a\u0085b']) t.ok(CONTROL_IN_IDENTIFIER.test(s), JSON.stringify(s))
  t.notOk(CONTROL_IN_IDENTIFIER.test('order-123_ä'))
})
