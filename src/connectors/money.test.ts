// Guards minor → major unit conversion per currency exponent and currency validation.
import t from 'tap'
import { formatMajorUnits, moneyOf, normalizeCurrency, toMajorUnits } from './money.js'

const CASES: [number, string, string][] = [
  [12990, 'EUR', '129.90'],
  [5, 'USD', '0.05'],
  [0, 'USD', '0.00'],
  [-250, 'USD', '-2.50'],
  [1500, 'JPY', '1500'],
  [12345, 'KWD', '12.345']
]
for (const [minor, currency, want] of CASES) {
  t.test(`${minor} ${currency}`, async (t) => {
    t.equal(formatMajorUnits(minor, currency), want)
    t.equal(toMajorUnits(minor, currency), Number(want))
  })
}

t.test('currency normalisation and defaults', async (t) => {
  t.equal(normalizeCurrency(' eur '), 'EUR')
  t.equal(normalizeCurrency('XYZ1'), null)
  t.equal(normalizeCurrency('ZZZ'), null)
  t.same(moneyOf(100, null), { minor: 100, currency: 'USD' })
  t.same(moneyOf(100, 'bogus'), { minor: 100, currency: 'USD' })
  t.equal(moneyOf(null, 'EUR'), null)
})
