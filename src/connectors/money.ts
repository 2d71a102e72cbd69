// Minor units → the decimal major units every platform wants, with the currency's own exponent
// (JPY 0, EUR 2, KWD 3), validated against the ISO 4217 codes the runtime knows.

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'))
export const DEFAULT_CURRENCY = 'USD'

export function isKnownCurrency (code: string): boolean {
  return KNOWN_CURRENCIES.has(code)
}

export function currencyExponent (code: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2
}

/** Upper-cased known code, or null (the caller decides whether to default it). */
export function normalizeCurrency (raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null
  const code = raw.trim().toUpperCase()
  return /^[A-Z]{3}$/.test(code) && isKnownCurrency(code) ? code : null
}

/** "129.90" for 12990 EUR cents; exact decimal string, no float rounding. */
export function formatMajorUnits (minor: number, currency: string): string {
  const exponent = currencyExponent(currency)
  const negative = minor < 0
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, '0')
  const whole = digits.slice(0, digits.length - exponent)
  const fraction = exponent > 0 ? `.${digits.slice(-exponent)}` : ''
  return `${negative ? '-' : ''}${whole}${fraction}`
}

export function toMajorUnits (minor: number, currency: string): number {
  return Number(formatMajorUnits(minor, currency))
}

export interface Money {
  currency: string
  minor: number
}

/** The conversion's amount, or null when it has none. A missing/unknown currency falls back to USD (upstream default). */
export function moneyOf (amountCents: number | null | undefined, currency: string | null | undefined): Money | null {
  if (amountCents === null || amountCents === undefined || !Number.isFinite(amountCents)) return null
  return { minor: Math.trunc(amountCents), currency: normalizeCurrency(currency) ?? DEFAULT_CURRENCY }
}
