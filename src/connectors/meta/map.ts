// DispatchInput → Meta CAPI server event (pure).
import { compact, nonEmpty, platformEventName, unixSeconds } from '../build-helpers.js'
import { metaAddress } from '../address.js'
import { moneyOf, toMajorUnits, DEFAULT_CURRENCY, normalizeCurrency } from '../money.js'
import { hashEmail, hashExternalId, hashName, hashPhone } from '../normalize.js'
import { buildFbc } from '../signals.js'
import type { BuildContext, DispatchInput } from '../types.js'
import { META_DEFAULT_EVENT_NAMES } from './schema.js'

const PURCHASE = 'Purchase'

function one (hash: string | null): string[] | undefined {
  return hash === null ? undefined : [hash]
}

export function metaUserData (input: DispatchInput, ctx: BuildContext): Record<string, unknown> {
  const v = input.visitor
  const cc = ctx.config.defaultCallingCode
  return compact({
    em: one(hashEmail(v.email, 'meta')),
    ph: one(hashPhone(v.phone, 'meta', cc)),
    fn: hashName(v.firstName, 'meta'),
    ln: hashName(v.lastName, 'meta'),
    // Address keys: each hashed from Meta's normal form (address.ts).
    ...metaAddress(v),
    external_id: one(hashExternalId(v.externalId)),
    // Never hashed (Meta matches these verbatim).
    client_ip_address: nonEmpty(input.clientIp),
    client_user_agent: nonEmpty(input.userAgent),
    fbc: buildFbc(input.signals, input.occurredAt.getTime()),
    fbp: nonEmpty(input.signals._fbp)
  })
}

/**
 * Meta requires value + currency on Purchase. A sale without an amount is still sent as Purchase
 * (so it dedupes with the pixel's Purchase and counts as a conversion) with value 0: we report no
 * revenue rather than invent one or drop the conversion.
 */
export function metaCustomData (input: DispatchInput, eventName: string): Record<string, unknown> | undefined {
  const money = moneyOf(input.amountCents, input.currency)
  const custom = compact({
    value: money === null ? (eventName === PURCHASE ? 0 : undefined) : toMajorUnits(money.minor, money.currency),
    currency: money === null ? (eventName === PURCHASE ? normalizeCurrency(input.currency) ?? DEFAULT_CURRENCY : undefined) : money.currency,
    order_id: nonEmpty(input.orderId)
  })
  return Object.keys(custom).length === 0 ? undefined : custom
}

export function mapMetaEvent (input: DispatchInput, ctx: BuildContext): Record<string, unknown> {
  const eventName = platformEventName(input, ctx, META_DEFAULT_EVENT_NAMES)
  const url = nonEmpty(input.eventSourceUrl)
  // "website" obliges event_source_url and client_user_agent; a backend-only conversion without
  // them is honestly "system_generated" rather than a website event Meta would reject.
  const website = url !== null && nonEmpty(input.userAgent) !== null
  return compact({
    event_name: eventName,
    event_time: unixSeconds(input.occurredAt),
    event_id: input.connectorEventId,
    action_source: website ? 'website' : 'system_generated',
    event_source_url: url,
    user_data: metaUserData(input, ctx),
    custom_data: metaCustomData(input, eventName)
  })
}
