// DispatchInput → LinkedIn conversion event element (pure).
import { compact, nonEmpty } from '../build-helpers.js'
import { formatMajorUnits, moneyOf } from '../money.js'
import { countryCode } from '../address.js'
import { hashEmail } from '../normalize.js'
import type { DispatchInput } from '../types.js'

export function linkedinUser (input: DispatchInput): Record<string, unknown> {
  const email = hashEmail(input.visitor.email, 'linkedin')
  const liFatId = nonEmpty(input.signals.li_fat_id)
  const userIds = [
    ...(email === null ? [] : [{ idType: 'SHA256_EMAIL', idValue: email }]),
    // The click id is matched verbatim, never hashed.
    ...(liFatId === null ? [] : [{ idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: liFatId }])
  ]
  const firstName = nonEmpty(input.visitor.firstName)
  const lastName = nonEmpty(input.visitor.lastName)
  // userInfo is plaintext and LinkedIn needs both names in it; half a name is not sent. The
  // country (ISO alpha-2) is the only address field LinkedIn's userInfo takes.
  const country = countryCode(input.visitor.country)
  const userInfo = firstName !== null && lastName !== null ? compact({ firstName, lastName, countryCode: country ?? undefined }) : undefined
  return compact({ userIds, userInfo })
}

export function mapLinkedinElement (input: DispatchInput, conversionUrn: string): Record<string, unknown> {
  const money = moneyOf(input.amountCents, input.currency)
  return compact({
    conversion: conversionUrn,
    conversionHappenedAt: input.occurredAt.getTime(), // epoch MILLISECONDS
    // Major units as a decimal string ("129.90"); upstream sent cents [QUIRK, fixed].
    conversionValue: money === null ? undefined : { currencyCode: money.currency, amount: formatMajorUnits(money.minor, money.currency) },
    eventId: input.connectorEventId,
    user: linkedinUser(input)
  })
}
