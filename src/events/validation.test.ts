// Guards issue 3 item 7's bad inputs at function level: amounts, currencies, properties, the
// occurred_at window and idempotency key length, each with the field it names.
import t from 'tap'
import {
  checkAmount, checkCurrency, checkIdempotencyKey, checkOccurredAt, checkProperties, cleanConnectorSignals
} from './validation.js'

const NOW = new Date('2026-06-10T12:00:00.000Z')
const run = <T>(fn: (errors: Record<string, string>) => T): { value: T, errors: Record<string, string> } => {
  const errors: Record<string, string> = {}
  return { value: fn(errors), errors }
}

t.test('amount_cents', async t => {
  const cases: Array<[unknown, number | null, boolean]> = [
    [0, 0, true], [100, 100, true], [1e12, 1e12, true], [undefined, null, true], [null, null, true],
    [-1, null, false], [1.5, null, false], ['100', null, false], [1e20, null, false], [1e12 + 1, null, false]
  ]
  for (const [input, want, ok] of cases) {
    const r = run(e => checkAmount(input, e))
    t.equal(r.value, want, `value of ${String(input)}`)
    t.equal(r.errors.amount_cents === undefined, ok, `ok of ${String(input)}`)
  }
})

t.test('currency', async t => {
  const cases: Array<[unknown, string | null, boolean]> = [
    ['usd', 'USD', true], ['EUR', 'EUR', true], [' gbp ', 'GBP', true], [undefined, null, true],
    ['XXX', null, false], ['EURO', null, false], ['', null, false], [840, null, false], ['XAU', null, false]
  ]
  for (const [input, want, ok] of cases) {
    const r = run(e => checkCurrency(input, e))
    t.equal(r.value, want, `value of ${String(input)}`)
    t.equal(r.errors.currency === undefined, ok, `ok of ${String(input)}`)
  }
})

t.test('properties', async t => {
  const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]))
  const fiftyOne = { ...fifty, extra: 1 }
  const cases: Array<[string, unknown, boolean]> = [
    ['absent', undefined, true], ['scalars', { a: 'x', b: 1, c: true, d: null }, true], ['50 keys', fifty, true],
    ['51 keys', fiftyOne, false], ['nested object', { a: { b: 1 } }, false], ['nested array', { a: [1] }, false],
    ['not an object', [1, 2], false], ['reserved key', { _x: 1 }, false], ['string', 'x', false]
  ]
  for (const [name, input, ok] of cases) t.equal(run(e => checkProperties(input, e)).errors.properties === undefined, ok, name)
})

t.test('occurred_at window', async t => {
  const cases: Array<[string, unknown, boolean]> = [
    ['absent', undefined, true], ['now', NOW.toISOString(), true],
    ['6 days ago', new Date(NOW.getTime() - 6 * 86_400_000).toISOString(), true],
    ['8 days ago', new Date(NOW.getTime() - 8 * 86_400_000).toISOString(), false],
    ['4 minutes ahead', new Date(NOW.getTime() + 4 * 60_000).toISOString(), true],
    ['6 minutes ahead', new Date(NOW.getTime() + 6 * 60_000).toISOString(), false],
    ['garbage', 'yesterday', false]
  ]
  for (const [name, input, ok] of cases) t.equal(run(e => checkOccurredAt(input, NOW, e)).errors.occurred_at === undefined, ok, name)
})

t.test('idempotency key length', async t => {
  t.equal(run(e => checkIdempotencyKey('k'.repeat(255), e)).value, 'k'.repeat(255))
  t.ok(run(e => checkIdempotencyKey('k'.repeat(256), e)).errors.idempotency_key)
})

t.test('connector signals keep known, well-formed keys only', async t => {
  t.same(cleanConnectorSignals({ fbclid: 'abc.1-2_3', gclid: 'bad value', foo: 'x', _fbp: 'fb.1.2.3' }), { _fbp: 'fb.1.2.3', fbclid: 'abc.1-2_3' })
  t.same(cleanConnectorSignals('x'), {})
})
