// LinkedIn responses → outcome. BATCH_CREATE answers 200 with a status per element; a 422 may name
// failing indexes in its message ("Index: 3, ERROR :: …").
import { classifyHttpStatus, clip, headerValue, isRecord, parseJson } from '../classify.js'
import type { DeliveryOutcome, FailureKind, ResponseHeaders } from '../types.js'
import { LINKEDIN_DEFAULT_RETRY_MS } from './schema.js'

const KIND_PRIORITY: readonly FailureKind[] = ['credential', 'permanent', 'rate_limited', 'transient']

export function indexesFromMessage (message: string): number[] {
  return [...message.matchAll(/Index:\s*(\d+)/g)].map((m) => Number(m[1]))
}

function elementOutcomes (elements: unknown[], headers: ResponseHeaders, nowMs: number): DeliveryOutcome {
  const failures: { index: number, kind: FailureKind, reason: string }[] = []
  elements.forEach((element, index) => {
    const status = isRecord(element) && typeof element.status === 'number' ? element.status : 0
    const message = isRecord(element) && isRecord(element.error) && typeof element.error.message === 'string' ? element.error.message : ''
    const outcome = classifyHttpStatus(status, headers, message, nowMs)
    if (!outcome.ok) failures.push({ index, kind: outcome.kind, reason: `#${index} ${outcome.reason}` })
  })
  if (failures.length === 0) return { ok: true }
  const kind = KIND_PRIORITY.find((k) => failures.some((f) => f.kind === k)) ?? 'permanent'
  const outcome: DeliveryOutcome = { ok: false, kind, reason: clip(failures.map((f) => f.reason).join('; ')), failedIndexes: failures.map((f) => f.index) }
  return kind === 'rate_limited' ? { ...outcome, retryAfterMs: LINKEDIN_DEFAULT_RETRY_MS } : outcome
}

export function parseLinkedinResponse (status: number, headers: ResponseHeaders, bodyText: string, nowMs = Date.now()): DeliveryOutcome {
  const body = parseJson(bodyText)
  if (status >= 200 && status < 300) {
    if (isRecord(body) && Array.isArray(body.elements)) return elementOutcomes(body.elements, headers, nowMs)
    const id = headerValue(headers, 'x-restli-id')
    return id === undefined ? { ok: true } : { ok: true, platformRef: id }
  }
  const message = isRecord(body) && typeof body.message === 'string' ? body.message : clip(bodyText)
  const serviceCode = isRecord(body) && typeof body.serviceErrorCode === 'number' ? ` (serviceErrorCode ${body.serviceErrorCode})` : ''
  const outcome = classifyHttpStatus(status, headers, `${message}${serviceCode}`, nowMs)
  if (outcome.ok) return outcome
  if (outcome.kind === 'rate_limited' && outcome.retryAfterMs === undefined) return { ...outcome, retryAfterMs: LINKEDIN_DEFAULT_RETRY_MS }
  const indexes = status === 422 ? indexesFromMessage(message) : []
  return indexes.length > 0 ? { ...outcome, failedIndexes: indexes } : outcome
}
