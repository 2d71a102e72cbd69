// What travels through NOTIFY for live streams: ids only (a NOTIFY payload is limited to 8000
// bytes), packed several to a payload. Rows are fetched by the processes that have listeners.
// Pure encode/decode.
export const LIVE_CHANNEL = 'ga_live'
/** Below PostgreSQL's 8000-byte NOTIFY payload limit, with room to spare. */
const MAX_PAYLOAD_CHARS = 7000

export type LiveNotice =
  | { kind: 'click', workspaceId: string, eventId: string, linkId: string, unique: boolean }
  | { kind: 'event', workspaceId: string, eventId: string }

type Wire = [string, string, string] | [string, string, string, string, 0 | 1]

function toWire (n: LiveNotice): Wire {
  return n.kind === 'click' ? ['c', n.workspaceId, n.eventId, n.linkId, n.unique ? 1 : 0] : ['e', n.workspaceId, n.eventId]
}

/** Notices → as few NOTIFY payloads as fit. */
export function encodeNotices (notices: readonly LiveNotice[]): string[] {
  const payloads: string[] = []
  let batch: Wire[] = []
  let size = 2
  for (const n of notices) {
    const wire = toWire(n)
    const len = JSON.stringify(wire).length + 1
    if (batch.length > 0 && size + len > MAX_PAYLOAD_CHARS) { payloads.push(JSON.stringify(batch)); batch = []; size = 2 }
    batch.push(wire)
    size += len
  }
  if (batch.length > 0) payloads.push(JSON.stringify(batch))
  return payloads
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A payload → its notices; anything malformed is skipped (another version may share the channel). */
export function decodeNotices (payload: string): LiveNotice[] {
  let parsed: unknown
  try { parsed = JSON.parse(payload) } catch { return [] }
  if (!Array.isArray(parsed)) return []
  const out: LiveNotice[] = []
  for (const w of parsed) {
    if (!Array.isArray(w) || !UUID_RE.test(String(w[1])) || !UUID_RE.test(String(w[2]))) continue
    if (w[0] === 'e') out.push({ kind: 'event', workspaceId: w[1], eventId: w[2] })
    else if (w[0] === 'c' && UUID_RE.test(String(w[3]))) out.push({ kind: 'click', workspaceId: w[1], eventId: w[2], linkId: w[3], unique: w[4] === 1 })
  }
  return out
}

/** The SSE `id:` of a notice: unique across both topics, identical in every process. */
export function noticeId (n: LiveNotice): string {
  return n.kind === 'click' ? `${n.eventId}-click` : n.eventId
}
