// Which signals each built-in connector needs before a dispatch is worth planning (reference §7.1:
// a list of groups, AND of ORs; every group needs one present signal). The ONE place this lives:
// the connectors feature may replace it with its registry through `setRequiredSignals`.
export const BUILT_IN_CONNECTORS = ['meta', 'google', 'linkedin', 'tiktok'] as const
export type BuiltInConnector = typeof BUILT_IN_CONNECTORS[number]

/** Signal names: click ids and browser ids as sent, plus `email`, `phone`, `external_id` from the visitor. */
export type RequiredSignals = ReadonlyArray<readonly string[]>

const BUILT_IN: Readonly<Record<string, RequiredSignals>> = {
  meta: [['fbclid', '_fbc', '_fbp', 'email', 'phone', 'external_id']],
  google: [['gclid', 'gbraid', 'wbraid']],
  linkedin: [['li_fat_id', 'email']],
  tiktok: [['ttclid', 'email', 'phone']]
}

let registry: Readonly<Record<string, RequiredSignals>> = BUILT_IN

/** Connector types known to the planner, in planning order. */
export function plannableConnectors (): string[] { return Object.keys(registry) }
export function requiredSignalsOf (connector: string): RequiredSignals | undefined { return registry[connector] }
/** For the connectors feature: plan with its registry's requirements instead of the built-in table. */
export function setRequiredSignals (next: Readonly<Record<string, RequiredSignals>>): void { registry = { ...next } }
export function resetRequiredSignals (): void { registry = BUILT_IN }

export function hasRequiredSignals (required: RequiredSignals, signals: Readonly<Record<string, string>>): boolean {
  return required.every(group => group.some(name => typeof signals[name] === 'string' && signals[name] !== ''))
}
