// Field rules of the webhooks API that a schema cannot say (pure).
import { STREAM_TOPICS, WEBHOOK_EVENT_TYPES, isWebhookEventType, type StreamTopic, type WebhookEventType } from './event-types.js'

export type Checked<T> = { ok: true, value: T } | { ok: false, error: string }

/** Known types only, duplicates removed; omitted means every type. */
export function checkEventTypes (given: readonly string[] | undefined): Checked<WebhookEventType[]> {
  if (given === undefined) return { ok: true, value: [...WEBHOOK_EVENT_TYPES] }
  const unknown = given.filter(t => !isWebhookEventType(t))
  if (unknown.length > 0) return { ok: false, error: `unknown event type '${unknown[0].slice(0, 64)}' (allowed: ${WEBHOOK_EVENT_TYPES.join(', ')})` }
  return { ok: true, value: [...new Set(given as WebhookEventType[])] }
}

/** "link_clicks,events" → the set; omitted or empty means both. */
export function checkTopics (given: string | undefined): Checked<Set<StreamTopic>> {
  const parts = (given ?? '').split(',').map(s => s.trim()).filter(Boolean)
  if (parts.length === 0) return { ok: true, value: new Set(STREAM_TOPICS) }
  const unknown = parts.find(p => !(STREAM_TOPICS as readonly string[]).includes(p))
  if (unknown !== undefined) return { ok: false, error: `unknown topic '${unknown.slice(0, 40)}' (allowed: ${STREAM_TOPICS.join(', ')})` }
  return { ok: true, value: new Set(parts as StreamTopic[]) }
}
