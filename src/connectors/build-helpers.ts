// Small pieces every payload builder shares: credentials, event names, timestamps.
import { ConnectorBuildError, type BuildContext, type DispatchInput } from './types.js'

export function requireCredential (ctx: BuildContext, connectorType: string, name: string): string {
  const value = ctx.credentials[name]
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConnectorBuildError(connectorType, `missing credential "${name}"`)
  }
  return value.trim()
}

export function optionalCredential (ctx: BuildContext, name: string): string | null {
  const value = ctx.credentials[name]
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}

export function option (ctx: BuildContext, name: string): string | null {
  const value = ctx.config.options?.[name]
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}

/** Mapping by the host's event name first, then by event type, then the platform default, then the raw type. */
export function platformEventName (input: DispatchInput, ctx: BuildContext, defaults: Readonly<Record<string, string>>): string {
  const mapping = ctx.config.eventNameMapping ?? {}
  const byName = input.eventName ? mapping[input.eventName] : undefined
  return byName ?? mapping[input.eventType] ?? defaults[input.eventType] ?? input.eventType
}

export function unixSeconds (date: Date): number {
  return Math.floor(date.getTime() / 1000)
}

/** RFC 3339 in UTC with whole seconds: "2026-01-05T13:03:22Z". */
export function rfc3339Seconds (date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Drops undefined/null members so payloads carry only what we know. */
export function compact<T extends Record<string, unknown>> (record: T): Partial<T> {
  const out: Partial<T> = {}
  for (const [key, value] of Object.entries(record)) {
    if (value !== undefined && value !== null) (out as Record<string, unknown>)[key] = value
  }
  return out
}

export function nonEmpty (value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null
  const trimmed = value.trim()
  return trimmed === '' ? null : trimmed
}

export function ensureBatch (connectorType: string, inputs: readonly unknown[], max: number): void {
  if (inputs.length === 0) throw new ConnectorBuildError(connectorType, 'empty batch')
  if (inputs.length > max) throw new ConnectorBuildError(connectorType, `batch of ${inputs.length} exceeds ${max}`)
}

/**
 * Meta and TikTok test their events with a code from the platform's Events Manager: in test mode
 * it is required (sending real conversions by mistake is worse than refusing), otherwise unused.
 */
export function testEventCode (ctx: BuildContext, type: string): string | null {
  if (ctx.config.testMode !== true) return null
  const code = option(ctx, 'test_event_code')
  if (code === null) throw new ConnectorBuildError(type, 'test mode needs the test_event_code option (Events Manager → Test events)')
  return code
}
