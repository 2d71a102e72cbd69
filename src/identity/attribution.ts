// Attribution memory of a visitor: the timestamped touchpoint path and the per-type history of
// ad-platform click ids. Both must survive merges without losing the first touch, because
// connectors need it (Meta's `fbc` is built from the first-seen fbclid and its time).
import type { ClickIdHistory, ClickIdObservation, SourceMap, Touchpoint } from './visitor.js'
import { cleanClickIdParams, isPlainObject, type Signals } from './signals.js'

/**
 * Reference §2.3: the path keeps the **most recent** 50 touchpoints. The first touch is not
 * lost when it falls off: `first_source` and `click_id_history[*].first_value` keep it.
 */
export const MAX_ATTRIBUTION_PATH = 50

export function touchpoint (source: SourceMap, at: Date): Touchpoint {
  return { ...source, timestamp: at.toISOString() }
}

// Upstream's creation touchpoint had no timestamp; such entries are the oldest, so they sort first.
function touchTime (entry: Touchpoint): number {
  const time = typeof entry.timestamp === 'string' ? Date.parse(entry.timestamp) : Number.NaN
  return Number.isFinite(time) ? time : Number.NEGATIVE_INFINITY
}

/** Key-order-independent JSON, so identical touchpoints from two visitors dedupe. */
export function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort()
      .map(key => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** Concatenate, drop identical entries, order by time (stable), keep the newest 50. */
export function mergePaths (...paths: readonly Touchpoint[][]): Touchpoint[] {
  const seen = new Set<string>()
  const unique: Touchpoint[] = []
  for (const entry of paths.flat()) {
    const key = canonicalJson(entry)
    if (seen.has(key)) continue
    seen.add(key)
    unique.push(entry)
  }
  unique.sort((a, b) => touchTime(a) - touchTime(b))
  return unique.slice(-MAX_ATTRIBUTION_PATH)
}

/**
 * All ad-platform click ids one observation carries: the classifier's captured ids and winning
 * click id (reference §3.1), overridden by ids the caller passed explicitly.
 */
export function observedClickIds (signals: Signals): Record<string, string> {
  const source = signals.source ?? {}
  const winner: Record<string, unknown> = typeof source.click_id_type === 'string'
    ? { [source.click_id_type]: source.click_id_value }
    : {}
  const captured = isPlainObject(source.captured_click_ids) ? source.captured_click_ids : {}
  return {
    ...cleanClickIdParams({ ...captured, ...winner }),
    ...signals.click_id_params
  }
}

const ms = (iso: string): number => Date.parse(iso)

function observeOne (entry: ClickIdObservation | undefined, value: string, at: Date): ClickIdObservation {
  const time = at.toISOString()
  if (entry === undefined) {
    return { value, first_value: value, first_seen_at: time, last_seen_at: time, value_first_seen_at: time }
  }
  const next = { ...entry }
  const t = at.getTime()
  // A late-arriving older observation can still be the first touch.
  if (t < ms(entry.first_seen_at)) {
    next.first_value = value
    next.first_seen_at = time
  }
  if (t >= ms(entry.last_seen_at)) {
    if (value !== entry.value) next.value_first_seen_at = time
    next.value = value
    next.last_seen_at = time
  } else if (value === entry.value && t < ms(entry.value_first_seen_at)) {
    next.value_first_seen_at = time
  }
  return next
}

export function observeClickIds (history: ClickIdHistory, ids: Record<string, string>, at: Date): ClickIdHistory {
  const next: ClickIdHistory = { ...history }
  for (const [type, value] of Object.entries(ids)) next[type] = observeOne(history[type], value, at)
  return next
}

/** First-seen wins the `first_*` pair; newest wins `value`/`last_seen_at`. */
function combine (a: ClickIdObservation, b: ClickIdObservation): ClickIdObservation {
  const first = ms(b.first_seen_at) < ms(a.first_seen_at) ? b : a
  const last = ms(b.last_seen_at) > ms(a.last_seen_at) ? b : a
  const other = last === a ? b : a
  let valueFirstSeen = last.value_first_seen_at
  if (other.value === last.value && ms(other.value_first_seen_at) < ms(valueFirstSeen)) valueFirstSeen = other.value_first_seen_at
  if (other.first_value === last.value && ms(other.first_seen_at) < ms(valueFirstSeen)) valueFirstSeen = other.first_seen_at
  return {
    value: last.value,
    last_seen_at: last.last_seen_at,
    value_first_seen_at: valueFirstSeen,
    first_value: first.first_value,
    first_seen_at: first.first_seen_at
  }
}

export function mergeClickIdHistories (histories: readonly ClickIdHistory[]): ClickIdHistory {
  const merged: ClickIdHistory = {}
  for (const history of histories) {
    for (const [type, entry] of Object.entries(history)) {
      merged[type] = merged[type] === undefined ? { ...entry } : combine(merged[type], entry)
    }
  }
  return merged
}
