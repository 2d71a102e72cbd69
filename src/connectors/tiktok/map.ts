// DispatchInput → TikTok Events API event (pure).
import { compact, nonEmpty, platformEventName, unixSeconds } from '../build-helpers.js'
import { tiktokAddress } from '../address.js'
import { moneyOf, toMajorUnits } from '../money.js'
import { hashEmail, hashExternalId, hashName, hashPhone } from '../normalize.js'
import type { BuildContext, DispatchInput } from '../types.js'
import { TIKTOK_DEFAULT_EVENT_NAMES } from './schema.js'

export function tiktokUser (input: DispatchInput, ctx: BuildContext): Record<string, unknown> {
  const v = input.visitor
  return compact({
    // Never hashed: click id, cookie id, IP and UA are matched verbatim.
    ttclid: nonEmpty(input.signals.ttclid),
    ttp: nonEmpty(input.signals._ttp),
    email: hashEmail(v.email, 'tiktok'),
    phone: hashPhone(v.phone, 'tiktok', ctx.config.defaultCallingCode),
    external_id: hashExternalId(v.externalId),
    first_name: hashName(v.firstName, 'tiktok'),
    last_name: hashName(v.lastName, 'tiktok'),
    // zip_code hashed; city, state and country plain in their normal form (address.ts).
    ...tiktokAddress(v),
    ip: nonEmpty(input.clientIp),
    user_agent: nonEmpty(input.userAgent)
  })
}

export function mapTiktokEvent (input: DispatchInput, ctx: BuildContext): Record<string, unknown> {
  const money = moneyOf(input.amountCents, input.currency)
  const url = nonEmpty(input.eventSourceUrl)
  const properties = compact({
    value: money === null ? undefined : toMajorUnits(money.minor, money.currency),
    currency: money?.currency,
    order_id: nonEmpty(input.orderId)
  })
  return compact({
    event: platformEventName(input, ctx, TIKTOK_DEFAULT_EVENT_NAMES),
    event_time: unixSeconds(input.occurredAt),
    event_id: input.connectorEventId,
    user: tiktokUser(input, ctx),
    page: url === null ? undefined : { url },
    properties: Object.keys(properties).length === 0 ? undefined : properties
  })
}
