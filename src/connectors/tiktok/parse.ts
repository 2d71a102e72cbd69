// TikTok responses → outcome. Logical errors arrive as HTTP 200 with a non-zero `code`.
import { classifyHttpStatus, clip, isRecord, parseJson } from '../classify.js'
import type { DeliveryOutcome, FailureKind, ResponseHeaders } from '../types.js'
import { TIKTOK_CODES } from './schema.js'

export function tiktokCodeKind (code: number): FailureKind | 'ok' {
  if (code === TIKTOK_CODES.ok || code === TIKTOK_CODES.partialSuccess) return 'ok'
  if (code === TIKTOK_CODES.throttled) return 'rate_limited'
  if (code >= 40100 && code <= 40199) return 'credential' // 40105 token invalid/expired and its siblings
  if (code === TIKTOK_CODES.systemBusy || code >= 50000) return 'transient'
  return 'permanent' // 40001 invalid params, 40002 no permission, other 4xxxx
}

export function parseTiktokResponse (status: number, headers: ResponseHeaders, bodyText: string, nowMs = Date.now()): DeliveryOutcome {
  const body = parseJson(bodyText)
  if (status < 200 || status >= 300) {
    const message = isRecord(body) && typeof body.message === 'string' ? body.message : clip(bodyText)
    return classifyHttpStatus(status, headers, message, nowMs)
  }
  if (!isRecord(body) || typeof body.code !== 'number') {
    return { ok: false, kind: 'transient', reason: clip(`HTTP ${status} without a TikTok code: ${bodyText}`) }
  }
  const kind = tiktokCodeKind(body.code)
  const requestId = typeof body.request_id === 'string' ? body.request_id : undefined
  if (kind === 'ok') return requestId === undefined ? { ok: true } : { ok: true, platformRef: requestId }
  return { ok: false, kind, reason: clip(`TikTok code ${body.code}: ${String(body.message ?? '')}`) }
}
