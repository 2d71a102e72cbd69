// Connector dispatch planning on the spine (reference §7.3, DESIGN §7): an in-transaction consumer,
// so the outbox rows of a lead or sale commit with it or not at all. The planning itself is pure
// (conversions/plan.ts); this file reads what it needs and writes the outbox, which it owns.
import type { FastifyBaseLogger } from 'fastify'
import { uuidv7 } from '../db/uuid.js'
import type { SpineItem, Tx } from '../events/spine.js'
import {
  connectorSettings, conversionSignals, isConversion, planDispatches, type ConnectorSetting, type VisitorSignalFacts
} from '../conversions/plan.js'

async function settingsOf (tx: Tx, ws: string, cache: Map<string, Record<string, ConnectorSetting>>): Promise<Record<string, ConnectorSetting>> {
  const hit = cache.get(ws)
  if (hit !== undefined) return hit
  const rows = await tx<Array<{ key: string, value: unknown }>>`select key, value from settings where workspace_id = ${ws} and key like 'connector:%'`
  const settings = connectorSettings(rows)
  cache.set(ws, settings)
  return settings
}

/** What the delivery worker reads besides the event: the signals the request sent and the source. */
function sourceContext (item: SpineItem): Record<string, unknown> | null {
  const signals = item.facts.connectorSignals
  if (Object.keys(signals).length === 0) return null
  const r = item.row
  const ctx: Record<string, unknown> = { signals, visitor_id: item.visitorId, source: item.facts.source, event_type: r.event_type, amount_cents: r.amount_cents, currency: r.currency, captured_at: new Date().toISOString() }
  for (const k of Object.keys(ctx)) if (ctx[k] === null || ctx[k] === undefined) delete ctx[k]
  return ctx
}

export async function planConversionDispatches (tx: Tx, items: readonly SpineItem[], deps: { connectorsEnabled: boolean, log: FastifyBaseLogger }): Promise<void> {
  const cache = new Map<string, Record<string, ConnectorSetting>>()
  for (const item of items) {
    const r = item.row
    if (!isConversion(r.event_type) || item.visitorId == null) continue
    if (!deps.connectorsEnabled) { item.dispatches = []; continue }
    const [facts] = await tx<VisitorSignalFacts[]>`
      select person_email, person_phone, person_external_id, click_id_params, click_id_history, connector_identifiers
      from visitors where workspace_id = ${r.workspace_id} and id = ${item.visitorId}`
    if (facts === undefined) continue
    const planned = planDispatches({
      connectorsEnabled: deps.connectorsEnabled,
      eventType: r.event_type,
      trust: r.trust,
      eventId: r.id,
      occurredAt: r.occurred_at,
      settings: await settingsOf(tx, r.workspace_id, cache),
      signals: conversionSignals(facts, item.facts.connectorSignals),
      newId: uuidv7
    })
    if (planned.length > 0) {
      const ctx = sourceContext(item)
      const rows = planned.map(p => ({
        id: p.id, workspace_id: r.workspace_id, event_id: r.id, event_occurred_at: r.occurred_at, visitor_id: item.visitorId,
        connector: p.connector, connector_event_id: p.connector_event_id, status: p.status, next_attempt_at: new Date(),
        source_context: ctx === null ? null : tx.json(ctx as never)
      }))
      await tx`insert into connector_dispatches ${tx(rows, 'id', 'workspace_id', 'event_id', 'event_occurred_at', 'visitor_id', 'connector', 'connector_event_id', 'status', 'next_attempt_at', 'source_context')}
        on conflict (workspace_id, connector, event_id) do nothing`
    }
    item.dispatches = planned.map(p => ({ id: p.id, connector: p.connector, status: p.status }))
  }
}
