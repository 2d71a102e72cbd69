// The optional dispatch policy (GA_DISPATCH_POLICY_URL): an operator's HTTP endpoint asked
// before a dispatch is first sent. It answers {"decision":"allow"} or
// {"decision":"reject","reason":"…"}; a timeout, a non-2xx or anything unparsable applies
// GA_DISPATCH_POLICY_FAIL (open = send, closed = skip). The URL is operator configuration, not
// customer input, so it is called directly (it is usually an internal service).
import { request } from 'undici'
import type { FailMode } from '../config.js'
import type { ConsentStatus } from './consent.js'

export interface PolicyRequest {
  connector_type: string
  workspace_id: string
  dispatch_id: string
  connector_event_id: string
  consent_status: ConsentStatus
  event: { id: string, event_type: string, event_name: string | null, occurred_at: string, amount_cents: number | null, currency: string | null }
  /** Names of the signals present (never their values). */
  signals: string[]
}

export type PolicyDecision = { allow: true, note?: string } | { allow: false, reason: string }

/** Parses the policy's answer; null when it is not a usable decision. */
export function parsePolicyAnswer (status: number, bodyText: string): PolicyDecision | null {
  if (status < 200 || status >= 300) return null
  let body: unknown
  try { body = JSON.parse(bodyText) } catch { return null }
  if (body === null || typeof body !== 'object') return null
  const b = body as Record<string, unknown>
  if (b.decision === 'allow') return { allow: true }
  if (b.decision === 'reject') return { allow: false, reason: typeof b.reason === 'string' && b.reason !== '' ? b.reason.slice(0, 200) : 'no reason given' }
  return null
}

export function failDecision (mode: FailMode, why: string): PolicyDecision {
  return mode === 'open' ? { allow: true, note: `policy unavailable (${why}); failing open` } : { allow: false, reason: `policy unavailable (${why}); failing closed` }
}

export async function askDispatchPolicy (url: string, body: PolicyRequest, opts: { timeoutMs: number, failMode: FailMode }): Promise<PolicyDecision> {
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      signal: AbortSignal.timeout(opts.timeoutMs)
    })
    const text = await res.body.text()
    return parsePolicyAnswer(res.statusCode, text) ?? failDecision(opts.failMode, `HTTP ${res.statusCode} without a decision`)
  } catch (err) {
    const e = err as { name?: string, code?: string }
    return failDecision(opts.failMode, e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' ? 'timeout' : (e.code ?? e.name ?? 'error'))
  }
}
