// The cheap, pure guards a planner runs before creating a dispatch (reference §7.3 skip reasons),
// and the platform freshness window a worker checks before each attempt.
import { hasRequiredSignals } from './signals.js'
import type { Connector, Signals } from './types.js'

export const SKIP_REASONS = ['unsupported_event_type', 'missing_signals'] as const
export type SkipReason = (typeof SKIP_REASONS)[number]

export function connectorSkipReason (connector: Connector, eventType: string, signals: Signals): SkipReason | null {
  if (!connector.supportedEventTypes.includes(eventType)) return 'unsupported_event_type'
  if (!hasRequiredSignals(connector.requiredSignals, signals)) return 'missing_signals'
  return null
}

/** False once the event is older than the platform accepts: sending then is a certain permanent failure. */
export function isWithinDeliveryWindow (connector: Connector, occurredAt: Date, nowMs: number): boolean {
  return connector.deliveryWindowMs === null || nowMs - occurredAt.getTime() <= connector.deliveryWindowMs
}
