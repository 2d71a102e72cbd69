// Reconciliation (reference §7.5): recent lead/sale events that lack a dispatch for a connector
// the workspace has enabled get one, with the same deterministic connector_event_id the planner
// would have given them. It only plans; the worker delivers. Idempotent: a unique index on
// (workspace, connector, event) turns a race with the planner or another process into a no-op.
// As in the planner, client-trust (beacon) conversions only for connectors that accept them.
import type { Sql } from '../db/client.js'
import { uuidv7 } from '../db/uuid.js'
import { connectorEventId, conversionSignals, type VisitorSignalFacts } from '../conversions/plan.js'
import { hasRequiredSignals } from '../conversions/required-signals.js'
import { plannerRequirements } from './requirements.js'
import type { Connector } from './types.js'

export const RECONCILIATION_WINDOW_HOURS = 24

export interface ReconcileResult { scanned: number, created: number, skipped?: 'connectors_disabled' }

interface Candidate extends VisitorSignalFacts {
  id: string
  event_type: string
  occurred_at: Date
  visitor_id: string | null
  connector_source_context: unknown
}

function sentSignals (context: unknown): Record<string, string> {
  const signals = context !== null && typeof context === 'object' ? (context as { signals?: unknown }).signals : undefined
  const out: Record<string, string> = {}
  if (signals !== null && typeof signals === 'object') for (const [k, v] of Object.entries(signals)) if (typeof v === 'string') out[k] = v
  return out
}

export async function reconcileDispatches (deps: { sql: Sql, connectorsEnabled: boolean, registry: ReadonlyMap<string, Connector> }, opts: { windowHours?: number } = {}): Promise<ReconcileResult> {
  if (!deps.connectorsEnabled) return { scanned: 0, created: 0, skipped: 'connectors_disabled' }
  const windowHours = opts.windowHours ?? RECONCILIATION_WINDOW_HOURS
  const enabled = await deps.sql<Array<{ workspace_id: string, type: string, accepts_client: boolean }>>`
    select workspace_id, substr(key, ${'connector:'.length + 1}) as type,
      coalesce(value -> 'config' -> 'accept_client_conversions' = 'true'::jsonb, false) as accepts_client
    from settings
    where key like 'connector:%' and value -> 'enabled' = 'true'::jsonb`
  let scanned = 0
  let created = 0
  for (const { workspace_id: ws, type, accepts_client: acceptsClient } of enabled) {
    const connector = deps.registry.get(type)
    if (connector === undefined) continue
    const candidates = await deps.sql<Candidate[]>`
      select e.id, e.event_type, e.occurred_at, m.visitor_id, e.context as connector_source_context,
        v.person_email, v.person_phone, v.person_external_id,
        coalesce(v.click_id_params, '{}'::jsonb) as click_id_params, coalesce(v.click_id_history, '{}'::jsonb) as click_id_history,
        coalesce(v.connector_identifiers, '{}'::jsonb) as connector_identifiers
      from events e
      left join visitor_browsers m on m.workspace_id = e.workspace_id and m.ga_id = e.ga_id::text
      left join visitors v on v.workspace_id = e.workspace_id and v.id = m.visitor_id
      where e.workspace_id = ${ws} and e.event_type = any(${[...connector.supportedEventTypes]}::text[])
        and e.occurred_at >= now() - ${windowHours} * interval '1 hour'
        and (e.trust = 'server' or ${acceptsClient})
        and not exists (select 1 from connector_dispatches d where d.workspace_id = e.workspace_id and d.connector = ${type} and d.event_id = e.id)`
    scanned += candidates.length
    const rows = candidates
      .filter((e) => hasRequiredSignals(plannerRequirements(connector), conversionSignals(e, sentSignals(e.connector_source_context))))
      .map((e) => ({
        id: uuidv7(),
        workspace_id: ws,
        event_id: e.id,
        event_occurred_at: e.occurred_at,
        visitor_id: e.visitor_id,
        connector: type,
        connector_event_id: connectorEventId(type, e.id, e.occurred_at),
        status: 'pending',
        next_attempt_at: new Date(),
        source_context: e.connector_source_context === null ? null : deps.sql.json(e.connector_source_context as never)
      }))
    if (rows.length === 0) continue
    const inserted = await deps.sql`insert into connector_dispatches ${deps.sql(rows, 'id', 'workspace_id', 'event_id', 'event_occurred_at', 'visitor_id', 'connector', 'connector_event_id', 'status', 'next_attempt_at', 'source_context')}
      on conflict (workspace_id, connector, event_id) do nothing`
    created += inserted.count
  }
  return { scanned, created }
}
