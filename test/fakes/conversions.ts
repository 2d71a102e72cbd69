// Sample conversions and build contexts shared by the connector tests.
import type { BuildContext, ConnectorConfig, DispatchInput } from '../../src/connectors/types.js'

export const OCCURRED_AT = new Date('2026-01-05T13:03:22.000Z')
export const NOW_MS = Date.parse('2026-01-05T14:00:00.000Z')

export function leadInput (overrides: Partial<DispatchInput> = {}): DispatchInput {
  return {
    dispatchId: 'dispatch-1',
    connectorEventId: 'ga_0123456789abcdef0123456789abcdef',
    eventType: 'lead',
    eventName: null,
    occurredAt: OCCURRED_AT,
    amountCents: null,
    currency: null,
    orderId: null,
    eventSourceUrl: 'https://shop.example.com/signup/thanks',
    clientIp: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Test',
    visitor: {
      email: '  John.Doe+promo@GMail.com ',
      phone: '+49 (0)170 123-4567',
      firstName: ' Zoë ',
      lastName: "O'Brien",
      externalId: 'user-42'
    },
    signals: {
      fbclid: 'IwAR2xYz_AbC-123',
      fbclidSeenAtMs: 1767600000123,
      _fbp: 'fb.1.1767000000000.1234567890',
      gclid: 'Cj0KCQiA_test-gclid',
      li_fat_id: 'a1b2c3d4-e5f6-4711-8899-aabbccddeeff',
      ttclid: 'E.C.P.abc123',
      _ttp: '2YkTtpValue'
    },
    consent: { adUserData: 'granted', adPersonalization: 'denied' },
    ...overrides
  }
}

export function saleInput (overrides: Partial<DispatchInput> = {}): DispatchInput {
  return leadInput({ dispatchId: 'dispatch-2', eventType: 'sale', amountCents: 12990, currency: 'eur', orderId: 'ORD-1001', ...overrides })
}

export function contextFor (credentials: Record<string, string>, config: ConnectorConfig = {}, apiBase?: string): BuildContext {
  return { credentials, config, apiBase: apiBase ?? null, nowMs: NOW_MS }
}

export const CREDENTIALS = {
  meta: { pixel_id: '1234567890', access_token: 'meta-token' },
  google: { access_token: 'google-token', customer_id: '123-456-7890', conversion_action_id: '987654321' },
  google_ads: { access_token: 'google-token', customer_id: '123-456-7890', conversion_action_id: '987654321', developer_token: 'dev-token' },
  linkedin: { access_token: 'linkedin-token', conversion_rule_id: '13125090' },
  tiktok: { access_token: 'tiktok-token', pixel_code: 'C1ABCDEF2GHIJ3KL4MN' },
  webhook: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }
} as const
