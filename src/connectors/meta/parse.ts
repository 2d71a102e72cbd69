// Meta Graph responses → outcome (reference §1.1 error table, after RudderStack's networkHandler).
import { classifyHttpStatus, clip, headerValue, isRecord, parseJson } from '../classify.js'
import type { DeliveryOutcome, ResponseHeaders } from '../types.js'

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80003, 80004])
const TRANSIENT_CODES = new Set([1, 2, 341, 368])
const CREDENTIAL_CODES = new Set([190, 10])
const MINUTE_MS = 60_000

function isPermissionCode (code: number): boolean {
  return CREDENTIAL_CODES.has(code) || (code >= 200 && code <= 299)
}

/** Largest `estimated_time_to_regain_access` (minutes) in X-Business-Use-Case-Usage, in ms. */
export function bucRetryAfterMs (headers: ResponseHeaders): number | undefined {
  const usage = parseJson(headerValue(headers, 'x-business-use-case-usage') ?? '')
  if (!isRecord(usage)) return undefined
  let minutes: number | undefined
  for (const entries of Object.values(usage)) {
    if (!Array.isArray(entries)) continue
    for (const entry of entries) {
      const value = isRecord(entry) ? entry.estimated_time_to_regain_access : undefined
      if (typeof value === 'number' && value > 0) minutes = Math.max(minutes ?? 0, value)
    }
  }
  return minutes === undefined ? undefined : minutes * MINUTE_MS
}

export function parseMetaResponse (status: number, headers: ResponseHeaders, bodyText: string, nowMs = Date.now()): DeliveryOutcome {
  const body = parseJson(bodyText)
  if (status >= 200 && status < 300) {
    if (isRecord(body) && typeof body.events_received === 'number') {
      return typeof body.fbtrace_id === 'string' ? { ok: true, platformRef: body.fbtrace_id } : { ok: true }
    }
    return { ok: false, kind: 'transient', reason: clip(`HTTP ${status} without events_received: ${bodyText}`) }
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined
  const base = classifyHttpStatus(status, headers, typeof error?.message === 'string' ? error.message : clip(bodyText), nowMs)
  if (error === undefined || base.ok) return base
  const code = typeof error.code === 'number' ? error.code : undefined
  const reason = clip(`Meta error ${code ?? '?'}${error.error_subcode === undefined ? '' : `/${String(error.error_subcode)}`}: ${String(error.message ?? '')}`)
  if ((code !== undefined && RATE_LIMIT_CODES.has(code)) || status === 429) {
    const retryAfterMs = base.retryAfterMs ?? bucRetryAfterMs(headers)
    return retryAfterMs === undefined ? { ok: false, kind: 'rate_limited', reason } : { ok: false, kind: 'rate_limited', retryAfterMs, reason }
  }
  if (code !== undefined && isPermissionCode(code)) return { ok: false, kind: 'credential', reason }
  if (error.is_transient === true || (code !== undefined && TRANSIENT_CODES.has(code)) || status >= 500) {
    return { ok: false, kind: 'transient', reason }
  }
  // code 100 (invalid parameter, event too old, …), code 3, and anything else: retrying cannot help.
  return { ok: false, kind: base.kind === 'credential' ? 'credential' : 'permanent', reason }
}
