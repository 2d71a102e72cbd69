// Deterministic conversion ids, the platforms' dedup keys (Meta event_id, TikTok event_id,
// LinkedIn eventId, Google transactionId/orderId).
import { sha256Hex } from './normalize.js'

/**
 * connectorEventId(workspaceId, eventId) = "ga_" + first 32 hex chars of
 * SHA-256("<workspaceId>:<eventId>").
 *
 * Without `platform` the id is the same for every platform, so a host page can hand ONE id to all
 * its pixels (fbq eventID, ttq event_id, LinkedIn event_id) and each platform dedupes the browser
 * copy against ours. With `platform` the id is "<platform>_" + SHA-256("<ws>:<event>:<platform>")
 * for receivers that must not share ids. Same input → same id, so retries are deduped too;
 * replays must use a fresh id on purpose. Ids contain no '.' (safe as a Standard Webhooks msg id).
 */
export function connectorEventId (workspaceId: string, eventId: string, platform?: string): string {
  if (platform === undefined) return `ga_${sha256Hex(`${workspaceId}:${eventId}`).slice(0, 32)}`
  return `${platform}_${sha256Hex(`${workspaceId}:${eventId}:${platform}`).slice(0, 32)}`
}
