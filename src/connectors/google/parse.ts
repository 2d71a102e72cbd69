// Google responses → outcome. Both APIs speak google.rpc.Status for request-level errors; the
// Google Ads API also answers 200 with a partialFailureError listing per-row failures.
import { classifyHttpStatus, clip, headerValue, isRecord, parseJson, parseRetryAfter } from '../classify.js'
import type { DeliveryOutcome, FailureKind, ResponseHeaders } from '../types.js'
import { GOOGLE_TOO_RECENT_RETRY_MS } from './schema.js'

const DUPLICATE = new Set(['CLICK_CONVERSION_ALREADY_EXISTS', 'ORDER_ID_ALREADY_IN_USE'])
const UNMATCHED = new Set(['CLICK_NOT_FOUND', 'EVENT_NOT_FOUND'])
const TOO_RECENT = new Set(['TOO_RECENT_EVENT', 'TOO_RECENT_CONVERSION_ACTION'])
const CREDENTIAL_CODES = new Set(['CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE', 'USER_PERMISSION_DENIED', 'DEVELOPER_TOKEN_NOT_APPROVED'])
const TRANSIENT_CODES = new Set(['TRANSIENT_ERROR', 'INTERNAL_ERROR', 'DEADLINE_EXCEEDED'])
const RATE_CODES = new Set(['RESOURCE_EXHAUSTED', 'RESOURCE_TEMPORARILY_EXHAUSTED'])

const RPC_STATUS_KIND: Readonly<Record<string, FailureKind>> = {
  UNAUTHENTICATED: 'credential',
  PERMISSION_DENIED: 'credential',
  RESOURCE_EXHAUSTED: 'rate_limited',
  UNAVAILABLE: 'transient',
  INTERNAL: 'transient',
  DEADLINE_EXCEEDED: 'transient',
  ABORTED: 'transient',
  INVALID_ARGUMENT: 'permanent',
  FAILED_PRECONDITION: 'permanent',
  NOT_FOUND: 'permanent',
  ALREADY_EXISTS: 'permanent',
  OUT_OF_RANGE: 'permanent'
}

// Worst first: one failing row of this kind decides the outcome of a single conversion.
const KIND_PRIORITY: readonly FailureKind[] = ['credential', 'permanent', 'rate_limited', 'transient']

interface RowError {
  /** "conversionUploadError", "authenticationError", … */
  category: string
  code: string
  message: string
  index?: number
}

/** GoogleAdsFailure.errors found in a google.rpc.Status `details` array. */
export function googleAdsErrors (details: unknown): RowError[] {
  if (!Array.isArray(details)) return []
  const out: RowError[] = []
  for (const detail of details) {
    if (!isRecord(detail) || !Array.isArray(detail.errors)) continue
    for (const error of detail.errors) {
      if (!isRecord(error) || !isRecord(error.errorCode)) continue
      const [category, code] = Object.entries(error.errorCode)[0] ?? []
      const path = isRecord(error.location) && Array.isArray(error.location.fieldPathElements) ? error.location.fieldPathElements : []
      const first = path[0]
      out.push({
        category: String(category ?? ''),
        code: String(code ?? ''),
        message: typeof error.message === 'string' ? error.message : '',
        ...(isRecord(first) && typeof first.index === 'number' ? { index: first.index } : {})
      })
    }
  }
  return out
}

/** google.rpc.RetryInfo.retryDelay ("30s", "1.5s") in ms. */
export function retryInfoDelayMs (details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined
  for (const detail of details) {
    if (!isRecord(detail) || typeof detail.retryDelay !== 'string') continue
    const match = /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay)
    if (match) return Math.round(Number(match[1]) * 1000)
  }
  return undefined
}

function rowErrorKind (error: RowError): FailureKind | 'duplicate' | 'unmatched' | 'too_recent' {
  if (DUPLICATE.has(error.code)) return 'duplicate'
  if (UNMATCHED.has(error.code)) return 'unmatched'
  if (TOO_RECENT.has(error.code)) return 'too_recent'
  if (error.category === 'authenticationError' || error.category === 'authorizationError' || CREDENTIAL_CODES.has(error.code)) return 'credential'
  if (error.category === 'quotaError' || RATE_CODES.has(error.code)) return 'rate_limited'
  if (TRANSIENT_CODES.has(error.code)) return 'transient'
  return 'permanent'
}

function describe (errors: RowError[]): string {
  return clip(errors.map((e) => `${e.code}${e.message === '' ? '' : ` (${e.message})`}`).join('; '))
}

/** Rows that failed for real decide; duplicates and unmatched rows are accepted. */
export function classifyRowErrors (errors: RowError[]): DeliveryOutcome {
  const kinds = errors.map(rowErrorKind)
  const failedIndexes = [...new Set(errors.flatMap((e, i) => {
    const kind = kinds[i]
    return kind !== 'duplicate' && kind !== 'unmatched' && e.index !== undefined ? [e.index] : []
  }))]
  const withIndexes = failedIndexes.length === 0 ? {} : { failedIndexes }
  for (const kind of KIND_PRIORITY) {
    if (kinds.includes(kind)) return { ok: false, kind, reason: describe(errors), ...withIndexes }
  }
  if (kinds.includes('too_recent')) {
    return { ok: false, kind: 'transient', retryAfterMs: GOOGLE_TOO_RECENT_RETRY_MS, reason: describe(errors), ...withIndexes }
  }
  if (kinds.includes('unmatched')) return { ok: true, unmatched: true }
  return { ok: true, duplicate: true }
}

function requestLevelError (status: number, headers: ResponseHeaders, error: Record<string, unknown>, nowMs: number): DeliveryOutcome {
  const rowErrors = googleAdsErrors(error.details)
  const message = typeof error.message === 'string' ? error.message : ''
  const rpcStatus = typeof error.status === 'string' ? error.status : ''
  const retryAfterMs = retryInfoDelayMs(error.details) ?? parseRetryAfter(headerValue(headers, 'retry-after'), nowMs)
  const reason = clip(`HTTP ${status} ${rpcStatus}: ${rowErrors.length > 0 ? describe(rowErrors) : message}`)
  let kind: FailureKind | undefined = RPC_STATUS_KIND[rpcStatus]
  if (rowErrors.length > 0) {
    const fromRows = classifyRowErrors(rowErrors)
    // A request-level auth/quota verdict from the row errors is more precise than INVALID_ARGUMENT.
    if (!fromRows.ok && (fromRows.kind !== 'permanent' || kind === undefined)) kind = fromRows.kind
  }
  if (kind === undefined) {
    const base = classifyHttpStatus(status, headers, message, nowMs)
    if (base.ok) return base
    kind = base.kind
  }
  if ((kind === 'rate_limited' || kind === 'transient') && retryAfterMs !== undefined) return { ok: false, kind, retryAfterMs, reason }
  return { ok: false, kind, reason }
}

export function parseGoogleResponse (status: number, headers: ResponseHeaders, bodyText: string, nowMs = Date.now()): DeliveryOutcome {
  const body = parseJson(bodyText)
  if (status >= 200 && status < 300) {
    if (!isRecord(body)) return { ok: true }
    const partial = body.partialFailureError
    if (isRecord(partial) && partial.code !== 0 && partial.code !== undefined) {
      const errors = googleAdsErrors(partial.details)
      if (errors.length > 0) return classifyRowErrors(errors)
      return { ok: false, kind: 'permanent', reason: clip(`partial failure: ${String(partial.message ?? '')}`) }
    }
    return typeof body.requestId === 'string' ? { ok: true, platformRef: body.requestId } : { ok: true }
  }
  if (isRecord(body) && isRecord(body.error)) return requestLevelError(status, headers, body.error, nowMs)
  return classifyHttpStatus(status, headers, clip(bodyText), nowMs)
}
