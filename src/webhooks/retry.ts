// When to try a failed delivery again, and what an answer means. Pure.
const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/**
 * Svix's schedule: the delay before attempt n+1 is RETRY_SCHEDULE_MS[n] (attempt 1 is immediate).
 * Eight attempts over about 27.5 hours, then the delivery is failed (replay can revive it).
 */
export const RETRY_SCHEDULE_MS = [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR] as const

/** Consecutive failed attempts after which an endpoint is disabled. */
export const DEFAULT_DISABLE_AFTER = 20

/** Delay before the next attempt after `attemptsMade` failed ones, or null when they are used up. */
export function nextRetryDelay (attemptsMade: number, schedule: readonly number[] = RETRY_SCHEDULE_MS): number | null {
  return attemptsMade >= 1 && attemptsMade < schedule.length ? schedule[attemptsMade] : null
}

export type AttemptVerdict = 'delivered' | 'retry' | 'gone'

/** 2xx delivers; 410 Gone retires the endpoint (Standard Webhooks); everything else, 3xx included, retries. */
export function verdictOf (status: number | null): AttemptVerdict {
  if (status !== null && status >= 200 && status < 300) return 'delivered'
  if (status === 410) return 'gone'
  return 'retry'
}

/** The failure text stored on the attempt (never a stack). */
export function failureText (status: number | null, err: unknown): string | null {
  if (err !== null && err !== undefined) {
    const e = err as { code?: unknown, name?: string, message?: string }
    const code = typeof e.code === 'string' ? e.code : e.name ?? 'ERROR'
    return `${code}: ${String(e.message ?? err).slice(0, 300)}`
  }
  if (status === null) return null
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed`
  if (status >= 200 && status < 300) return null
  return `HTTP ${status}`
}
