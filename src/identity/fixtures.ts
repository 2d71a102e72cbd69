// Test fixtures for the identity tests: visitor rows with readable defaults. Not used by runtime code.
import { blankVisitor, type VisitorRecord } from './visitor.js'

export const WS = '00000000-0000-0000-0000-000000000000'
export const OTHER_WS = '11111111-1111-1111-1111-111111111111'
export const NOW = new Date('2026-06-10T12:00:00.000Z')

export const at = (iso: string): Date => new Date(iso)

/** A stable UUID per small number, so tests read `uuid(1)` instead of hex noise. */
export function uuid (n: number): string {
  return `0190a000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`
}

/** A visitor first seen at `first_seen_at` (default 2025-01-01) with the given overrides. */
export function visitor (id: string, overrides: Partial<VisitorRecord> = {}): VisitorRecord {
  const firstSeen = overrides.first_seen_at ?? at('2025-01-01T00:00:00.000Z')
  return {
    ...blankVisitor(id, WS, firstSeen),
    last_seen_at: overrides.last_seen_at ?? firstSeen,
    ...overrides
  }
}
