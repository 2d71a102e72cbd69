// DispatchInput → Google payloads (pure): a Data Manager event and a Google Ads ClickConversion.
import { compact, nonEmpty, rfc3339Seconds } from '../build-helpers.js'
import { moneyOf, toMajorUnits } from '../money.js'
import { countryCode, googlePostalCode } from '../address.js'
import { hashEmail, hashName, hashPhone } from '../normalize.js'
import type { BuildContext, ConsentState, DispatchInput, Signals } from '../types.js'
import { GOOGLE_CLICK_ID_ORDER } from './schema.js'

type ClickId = { gclid: string } | { gbraid: string } | { wbraid: string } | Record<string, never>

/** Google allows one click id per conversion (GBRAID_WBRAID_BOTH_SET otherwise): gclid, then gbraid, then wbraid. */
export function googleClickId (signals: Signals): ClickId {
  for (const key of GOOGLE_CLICK_ID_ORDER) {
    const value = nonEmpty(signals[key])
    if (value !== null) return { [key]: value } as ClickId
  }
  return {}
}

function hashedIdentifiers (input: DispatchInput, ctx: BuildContext): { email: string | null, phone: string | null } {
  return {
    email: hashEmail(input.visitor.email, 'google'),
    phone: hashPhone(input.visitor.phone, 'google', ctx.config.defaultCallingCode)
  }
}

/**
 * Google matches on an address only as a whole: hashed first and last name plus the plain
 * country code and postal code (city and state optional, Ads API only). Anything less is not sent.
 */
export function googleAddress (input: DispatchInput): { givenName: string, familyName: string, countryCode: string, postalCode: string, city: string | null, state: string | null } | null {
  const v = input.visitor
  const givenName = hashName(v.firstName, 'google')
  const familyName = hashName(v.lastName, 'google')
  const country = countryCode(v.country)
  const postalCode = googlePostalCode(v.postalCode, country)
  if (givenName === null || familyName === null || country === null || postalCode === null) return null
  return { givenName, familyName, countryCode: country, postalCode, city: nonEmpty(v.city), state: nonEmpty(v.region) }
}

function dataManagerConsent (state: ConsentState | undefined): string | undefined {
  if (state === 'granted') return 'CONSENT_GRANTED'
  if (state === 'denied') return 'CONSENT_DENIED'
  return undefined
}

export function mapDataManagerEvent (input: DispatchInput, ctx: BuildContext): Record<string, unknown> {
  const ids = hashedIdentifiers(input, ctx)
  const address = googleAddress(input)
  const userIdentifiers = [
    ...(ids.email === null ? [] : [{ emailAddress: ids.email }]),
    ...(ids.phone === null ? [] : [{ phoneNumber: ids.phone }]),
    ...(address === null ? [] : [{ address: { givenName: address.givenName, familyName: address.familyName, regionCode: address.countryCode, postalCode: address.postalCode } }])
  ]
  const money = moneyOf(input.amountCents, input.currency)
  // The UA/IP we hold were captured with the conversion, so they describe the event's device,
  // not the landing page's: they go to eventDeviceInfo.
  const device = compact({ userAgent: nonEmpty(input.userAgent), ipAddress: nonEmpty(input.clientIp) })
  const consent = compact({
    adUserData: dataManagerConsent(input.consent?.adUserData),
    adPersonalization: dataManagerConsent(input.consent?.adPersonalization)
  })
  const clickId = googleClickId(input.signals)
  return compact({
    transactionId: input.connectorEventId,
    eventTimestamp: rfc3339Seconds(input.occurredAt),
    adIdentifiers: Object.keys(clickId).length === 0 ? undefined : clickId,
    userData: userIdentifiers.length === 0 ? undefined : { userIdentifiers },
    conversionValue: money === null ? undefined : toMajorUnits(money.minor, money.currency),
    currency: money?.currency,
    eventSource: 'WEB',
    eventDeviceInfo: Object.keys(device).length === 0 ? undefined : device,
    consent: Object.keys(consent).length === 0 ? undefined : consent
  })
}

/** "yyyy-mm-dd hh:mm:ss+00:00" in UTC, the format ClickConversion.conversion_date_time demands. */
export function googleAdsDateTime (date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}+00:00`
}

function googleAdsConsent (state: ConsentState | undefined): string | undefined {
  if (state === 'granted') return 'GRANTED'
  if (state === 'denied') return 'DENIED'
  return undefined
}

export function mapGoogleAdsConversion (input: DispatchInput, ctx: BuildContext, conversionAction: string): Record<string, unknown> {
  const ids = hashedIdentifiers(input, ctx)
  const address = googleAddress(input)
  const addressInfo = address === null
    ? null
    : compact({ hashedFirstName: address.givenName, hashedLastName: address.familyName, city: address.city ?? undefined, state: address.state ?? undefined, countryCode: address.countryCode, postalCode: address.postalCode })
  const userIdentifiers = [
    ...(ids.email === null ? [] : [{ hashedEmail: ids.email, userIdentifierSource: 'FIRST_PARTY' }]),
    ...(ids.phone === null ? [] : [{ hashedPhoneNumber: ids.phone, userIdentifierSource: 'FIRST_PARTY' }]),
    ...(addressInfo === null ? [] : [{ addressInfo, userIdentifierSource: 'FIRST_PARTY' }])
  ]
  const money = moneyOf(input.amountCents, input.currency)
  const consent = compact({
    adUserData: googleAdsConsent(input.consent?.adUserData),
    adPersonalization: googleAdsConsent(input.consent?.adPersonalization)
  })
  return compact({
    ...googleClickId(input.signals),
    conversionAction,
    conversionDateTime: googleAdsDateTime(input.occurredAt),
    conversionValue: money === null ? undefined : toMajorUnits(money.minor, money.currency),
    currencyCode: money?.currency,
    orderId: input.connectorEventId,
    userIdentifiers: userIdentifiers.length === 0 ? undefined : userIdentifiers,
    consent: Object.keys(consent).length === 0 ? undefined : consent
  })
}
