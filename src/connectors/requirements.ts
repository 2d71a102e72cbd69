// What the dispatch planner requires before it plans a dispatch for a connector: the
// connector's requiredSignals (click/browser ids, AND of ORs), with each group widened by the
// person identifiers the platform itself can match a conversion on (hashed email, phone,
// external id). Meta, TikTok and LinkedIn match on those without any click id; Google's click
// conversions need a click id. Custom connectors declare exactly what they need.
import type { Connector } from './types.js'

export const PERSON_MATCH_KEYS: Readonly<Record<string, readonly string[]>> = {
  meta: ['email', 'phone', 'external_id'],
  tiktok: ['email', 'phone'],
  linkedin: ['email']
}

export function plannerRequirements (connector: Connector): string[][] {
  const extra = PERSON_MATCH_KEYS[connector.type] ?? []
  return connector.requiredSignals.map((group) => [...group, ...extra])
}
