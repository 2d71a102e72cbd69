// The closed set of things a webhook can subscribe to (issue 7), and which of them are the
// recorder's event types (the rest are lifecycle notifications published by their features).
export const WEBHOOK_EVENT_TYPES = [
  'link_click', 'pageview', 'lead', 'sale', 'custom', 'identify', 'visitor_merged',
  'link.created', 'link.updated', 'link.archived', 'dispatch.failed'
] as const
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

export function isWebhookEventType (s: unknown): s is WebhookEventType {
  return typeof s === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(s)
}

export const DELIVERY_STATUSES = ['pending', 'sending', 'retrying', 'delivered', 'failed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** Live stream topics (GET /ga/api/stream?topics=...). */
export const STREAM_TOPICS = ['link_clicks', 'events'] as const
export type StreamTopic = (typeof STREAM_TOPICS)[number]
