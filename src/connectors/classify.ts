// The HTTP-level classification shared by every connector; platform parsers refine it from the body.
import type { DeliveryOutcome, ResponseHeaders } from './types.js'

const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000

export function headerValue (headers: ResponseHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue
    return Array.isArray(value) ? value[0] : value
  }
  return undefined
}

/** Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms, capped at a day. */
export function parseRetryAfter (value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  let ms: number
  if (/^\d+$/.test(text)) ms = Number(text) * 1000
  else {
    const at = Date.parse(text)
    if (Number.isNaN(at)) return undefined
    ms = Math.max(0, at - nowMs)
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS)
}

export function parseJson (bodyText: string): unknown {
  try {
    return JSON.parse(bodyText)
  } catch {
    return undefined
  }
}

export function isRecord (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Keeps a platform's message short enough for an error column and log line. */
export function clip (text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/**
 * 2xx ok; 429 rate_limited (Retry-After honoured); 401/403 credential (the connection pauses until
 * its credentials change); 408/425 and 5xx transient; every other status permanent.
 */
export function classifyHttpStatus (status: number, headers: ResponseHeaders, reason: string, nowMs: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return { ok: true }
  const why = clip(`HTTP ${status}${reason === '' ? '' : `: ${reason}`}`)
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'), nowMs)
    return retryAfterMs === undefined ? { ok: false, kind: 'rate_limited', reason: why } : { ok: false, kind: 'rate_limited', retryAfterMs, reason: why }
  }
  if (status === 401 || status === 403) return { ok: false, kind: 'credential', reason: why }
  if (status === 408 || status === 425 || status >= 500) {
    const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'), nowMs)
    return retryAfterMs === undefined ? { ok: false, kind: 'transient', reason: why } : { ok: false, kind: 'transient', retryAfterMs, reason: why }
  }
  return { ok: false, kind: 'permanent', reason: why }
}
