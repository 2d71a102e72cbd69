// DispatchInput → Standard Webhooks conversion payload (pure). The receiver is the operator's own
// endpoint, so it gets the conversion as we hold it (plaintext person fields included).
import { compact, nonEmpty } from '../build-helpers.js'
import { formatMajorUnits, moneyOf } from '../money.js'
import type { DispatchInput } from '../types.js'

export function webhookEventType (eventType: string): string {
  return `conversion.${eventType}`
}

export function mapWebhookPayload (input: DispatchInput): Record<string, unknown> {
  const money = moneyOf(input.amountCents, input.currency)
  const visitor = compact({
    external_id: nonEmpty(input.visitor.externalId),
    email: nonEmpty(input.visitor.email),
    phone: nonEmpty(input.visitor.phone),
    first_name: nonEmpty(input.visitor.firstName),
    last_name: nonEmpty(input.visitor.lastName),
    city: nonEmpty(input.visitor.city),
    region: nonEmpty(input.visitor.region),
    postal_code: nonEmpty(input.visitor.postalCode),
    country: nonEmpty(input.visitor.country)
  })
  return {
    type: webhookEventType(input.eventType),
    timestamp: input.occurredAt.toISOString(),
    data: compact({
      connector_event_id: input.connectorEventId,
      event_type: input.eventType,
      event_name: nonEmpty(input.eventName),
      occurred_at: input.occurredAt.toISOString(),
      amount_cents: money?.minor,
      currency: money?.currency,
      value: money === null ? undefined : formatMajorUnits(money.minor, money.currency),
      order_id: nonEmpty(input.orderId),
      event_source_url: nonEmpty(input.eventSourceUrl),
      client_ip: nonEmpty(input.clientIp),
      user_agent: nonEmpty(input.userAgent),
      visitor: Object.keys(visitor).length === 0 ? undefined : visitor,
      signals: input.signals,
      consent: input.consent ?? undefined
    })
  }
}
