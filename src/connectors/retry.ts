// What happens to a dispatch after a failed attempt (ad-platforms-and-delivery.md §2.1/§2.4), as a
// pure decision: retry later with capped exponential backoff and jitter, honouring Retry-After,
// but never past the platform's freshness window; give up on permanent errors and on exhaustion;
// pause the connection on credential errors.
import type { FailureKind } from './types.js'

export const MAX_ATTEMPTS = 10
export const BACKOFF_BASE_MS = 30_000
export const BACKOFF_CAP_MS = 60 * 60 * 1000

/** "Equal jitter": half the capped exponential delay fixed, half random, so retries spread but never bunch at 0. */
export function backoffDelayMs (attempt: number, random: () => number): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1))
  return Math.round(exponential / 2 + random() * exponential / 2)
}

export function formatWindow (ms: number): string {
  const days = ms / 86_400_000
  return Number.isInteger(days) ? `${days} days` : `${Math.round(ms / 3_600_000)} hours`
}

export function windowExpiredReason (connectorType: string, windowMs: number): string {
  return `event is older than ${connectorType}'s delivery window (${formatWindow(windowMs)}); not sent`
}

export type FailureDecision =
  | { status: 'permanently_failed', lastError: string }
  | { status: 'failed', nextAttemptAt: Date, lastError: string }
  | { status: 'paused', lastError: string }

export interface FailureFacts {
  connectorType: string
  kind: FailureKind
  reason: string
  retryAfterMs?: number
  /** Attempts made so far, this one included. */
  attempts: number
  occurredAt: Date
  deliveryWindowMs: number | null
  nowMs: number
  random: () => number
}

export function decideAfterFailure (f: FailureFacts): FailureDecision {
  if (f.kind === 'permanent') return { status: 'permanently_failed', lastError: `permanent: ${f.reason}` }
  if (f.kind === 'credential') return { status: 'paused', lastError: `credential: ${f.reason}` }
  if (f.attempts >= MAX_ATTEMPTS) return { status: 'permanently_failed', lastError: `gave up after ${f.attempts} attempts: ${f.kind}: ${f.reason}` }
  const delay = f.retryAfterMs ?? backoffDelayMs(f.attempts, f.random)
  const next = f.nowMs + delay
  if (f.deliveryWindowMs !== null && next - f.occurredAt.getTime() > f.deliveryWindowMs) {
    return { status: 'permanently_failed', lastError: `the next retry would fall outside ${f.connectorType}'s delivery window (${formatWindow(f.deliveryWindowMs)}): ${f.kind}: ${f.reason}` }
  }
  return { status: 'failed', nextAttemptAt: new Date(next), lastError: `${f.kind}: ${f.reason}` }
}
