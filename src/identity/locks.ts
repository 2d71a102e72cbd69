// Race safety across processes (issue 3 item 3): before reading candidates, a transaction takes
// an advisory lock per signal value it carries, so two requests that could touch the same person
// serialise on the database. Keys are sorted so transactions never wait on each other in a cycle.
import { createHash } from 'node:crypto'
import type { Signals } from './signals.js'

const LOCKED_SIGNALS = ['person_external_id', 'person_email', 'ga_id', 'fingerprint', 'anonymous_id', 'click_id'] as const

/** A signed 64-bit key (as a decimal string) for one signal value of one workspace. */
export function signalLockKey (schema: string, workspaceId: string, name: string, value: string): string {
  const h = createHash('sha256').update(`${schema}:visitor-signal:${workspaceId}:${name}:${value}`).digest()
  return h.readBigInt64BE(0).toString()
}

/** Distinct keys, sorted ascending as bigints: the global lock order. */
export function sortLockKeys (keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort((a, b) => {
    const d = BigInt(a) - BigInt(b)
    return d < 0n ? -1 : d > 0n ? 1 : 0
  })
}

export function signalLockKeys (schema: string, workspaceId: string, signals: Signals): string[] {
  const keys: string[] = []
  for (const name of LOCKED_SIGNALS) {
    const value = signals[name]
    if (value !== undefined) keys.push(signalLockKey(schema, workspaceId, name, value))
  }
  return keys
}

/** The lock for a visitor row itself (identify and forget, which start from an id). */
export function visitorLockKey (schema: string, workspaceId: string, visitorId: string): string {
  return signalLockKey(schema, workspaceId, 'visitor', visitorId)
}
