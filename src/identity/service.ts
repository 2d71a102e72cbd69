// The identity graph against the database: resolve (create / update / merge), identify and
// forget, each inside a caller-supplied transaction and race-safe across processes (advisory
// locks on every signal value, taken in one sorted batch, then row locks on the candidates).
import type { FastifyBaseLogger } from 'fastify'
import { uuidv7 } from '../db/uuid.js'
import type { ResolveInput } from './port.js'
import { cleanSignals, type Signals } from './signals.js'
import { planResolution, type ResolutionPlan } from './resolve-plan.js'
import { planIdentify, cleanPersonAttrs, type RawPersonAttrs } from './identify.js'
import { scrubVisitor } from './forget.js'
import { persistMerge, type MergeWrite } from './persist-merge.js'
import { CandidatePool } from './batch-pool.js'
import { signalLockKeys, sortLockKeys, visitorLockKey } from './locks.js'
import {
  browsersOf, clusterIds, findBrowserOwners, findByEmail, findByExternalId, findCandidatesForBatch, findLiving, insertVisitor, insertVisitors, mapBrowsers, toVisitor, updateVisitor, type Tx
} from './queries.js'
import type { JsonObject, VisitorRecord } from './visitor.js'
import { deleteBrowserEvents } from '../events/queries.js'
import { deleteBrowserSessions } from '../sessions/queries.js'
import { IdentityConflict, VisitorNotFound } from './errors.js'

export interface IdentityServiceDeps {
  schema: string
  log: FastifyBaseLogger
  now?: () => Date
  /** Announces visitor_merged events (webhooks, live streams) in the merge's transaction. */
  announce?: MergeWrite['announce']
}

/** ResolveInput (the port's shape) → cleaned Signals. A self-referral is not a touchpoint. */
export function signalsOf (input: ResolveInput): Signals {
  const source = input.source != null && input.source.self_referral !== true ? input.source : undefined
  return cleanSignals({
    ga_id: input.ga_id,
    anonymous_id: input.anonymous_id,
    fingerprint: input.fingerprint,
    person_external_id: input.person_external_id,
    person_email: input.person_email,
    click_id: input.click_id,
    click_id_params: input.click_id_params,
    source: source as unknown as JsonObject | undefined,
    geo: input.geo,
    device: input.device,
    occurred_at: input.occurred_at
  })
}

async function lockKeys (sql: Tx, keys: string[]): Promise<void> {
  if (keys.length === 0) return
  // unnest yields the array in order, so the locks are taken in the sorted order given.
  await sql`select pg_advisory_xact_lock(k) from unnest(${sortLockKeys(keys)}::int8[]) as k`
}

/**
 * The candidates of one observation, plus the survivor of a merged row whose ga_id it carries
 * (shown to the planner holding that ga_id, which resolution assigns it anyway: last one wins).
 */
function withMergedAlias (pool: CandidatePool, signals: Signals, aliases: Map<string, VisitorRecord>): VisitorRecord[] {
  const found = pool.candidates(signals)
  const aliased = signals.ga_id === undefined ? undefined : aliases.get(signals.ga_id)
  if (aliased === undefined) return found
  const current = pool.get(aliased.id) ?? aliased
  if (current.status === 'merged' || found.some(v => v.id === current.id)) return found
  return [...found, { ...current, ga_id: signals.ga_id ?? null }]
}

// Candidate rows can change between the search and their row lock (a concurrent merge folds one
// away): one locked search for every observation, repeated under the locks until the set is stable.
async function stableBatchCandidates (sql: Tx, ws: string, batch: readonly Signals[]): Promise<VisitorRecord[]> {
  // A plain read first. With every signal's advisory lock held, nobody can give one of these
  // signals to a visitor we cannot see (a merge only moves signals a visible row already holds),
  // so an empty answer is final: new visitors, the common case, need no locked rounds. The locked
  // read can NOT answer that: rows it drops after waiting for their lock (merged meanwhile) would
  // look like "nothing found".
  if ((await findCandidatesForBatch(sql, ws, batch, false)).length === 0) return []
  let rows = await findCandidatesForBatch(sql, ws, batch, true)
  for (let i = 0; i < 3; i++) {
    const again = await findCandidatesForBatch(sql, ws, batch, true)
    if (again.map(v => v.id).join() === rows.map(v => v.id).join()) return again
    rows = again
  }
  return rows
}

export function createIdentityService (deps: IdentityServiceDeps) {
  const now = deps.now ?? (() => new Date())

  async function persistPlan (sql: Tx, plan: ResolutionPlan, at: Date): Promise<VisitorRecord> {
    switch (plan.kind) {
      case 'create': await insertVisitor(sql, plan.visitor); return plan.visitor
      case 'update': await updateVisitor(sql, plan.visitor); return plan.visitor
      case 'merge':
        await persistMerge(sql, { survivor: plan.survivor, loserPatches: plan.loserPatches, reason: plan.reason, decidingSignals: plan.decidingSignals, now: at, announce: deps.announce })
        return plan.survivor
      case 'conflict':
        deps.log.warn({ visitor_ids: plan.visitorIds, reason: plan.reason }, 'identity.conflict')
        return await persistPlan(sql, plan.fallback, at)
    }
  }

  /** One observation, locks already held. */
  async function resolveLocked (sql: Tx, ws: string, signals: Signals): Promise<{ visitor: VisitorRecord, kind: ResolutionPlan['kind'] }> {
    const at = now()
    const pool = new CandidatePool(await stableBatchCandidates(sql, ws, [signals]))
    const aliases = await findBrowserOwners(sql, ws, signals.ga_id === undefined ? [] : [signals.ga_id], true)
    const plan = planResolution(signals, withMergedAlias(pool, signals, aliases), at, { id: uuidv7(), workspace_id: ws })
    const visitor = await persistPlan(sql, plan, at)
    if (signals.ga_id !== undefined) await mapBrowsers(sql, ws, [[signals.ga_id, visitor.id]])
    return { visitor, kind: plan.kind }
  }

  /**
   * The port: one visitor id per input, in order; inputs without any usable signal get a fresh
   * visitor. Batched: one lock round trip, one candidate search for the whole batch, planning in
   * memory against a pool that later inputs of the batch see, then pipelined writes. Merges (rare)
   * write what is pending first and are persisted one by one.
   */
  async function resolveMany (sql: Tx, ws: string, inputs: ResolveInput[]): Promise<string[]> {
    const all = inputs.map(signalsOf)
    await lockKeys(sql, all.flatMap(s => signalLockKeys(deps.schema, ws, s)))
    const pool = new CandidatePool(await stableBatchCandidates(sql, ws, all))
    const gaIds = [...new Set(all.map(s => s.ga_id).filter((g): g is string => g !== undefined))]
    const mergedAliases = await findBrowserOwners(sql, ws, gaIds, true)
    const pendingInserts = new Map<string, VisitorRecord>()
    const pendingUpdates = new Map<string, VisitorRecord>()
    const writePending = async (): Promise<void> => {
      await insertVisitors(sql, [...pendingInserts.values()])
      // Issued together, postgres.js pipelines them on the transaction's connection, in id order.
      await Promise.all([...pendingUpdates.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(async v => { await updateVisitor(sql, v) }))
      pendingInserts.clear()
      pendingUpdates.clear()
    }
    const stage = (v: VisitorRecord): void => {
      pool.put(v)
      if (pendingInserts.has(v.id)) pendingInserts.set(v.id, v)
      else pendingUpdates.set(v.id, v)
    }
    const ids: string[] = []
    for (const signals of all) {
      const at = now()
      let plan = planResolution(signals, withMergedAlias(pool, signals, mergedAliases), at, { id: uuidv7(), workspace_id: ws })
      if (plan.kind === 'conflict') {
        deps.log.warn({ visitor_ids: plan.visitorIds, reason: plan.reason }, 'identity.conflict')
        plan = plan.fallback
      }
      if (plan.kind === 'create') { const v = plan.visitor; pendingInserts.set(v.id, v); pool.put(v); ids.push(v.id); continue }
      if (plan.kind === 'update') { const v = plan.visitor; stage(v); ids.push(v.id); continue }
      await writePending()
      const survivor = plan.survivor
      await persistMerge(sql, { survivor, loserPatches: plan.loserPatches, reason: plan.reason, decidingSignals: plan.decidingSignals, now: at, announce: deps.announce })
      for (const loser of plan.losers) pool.remove(loser.id)
      pool.put(survivor)
      ids.push(survivor.id)
    }
    await writePending()
    await mapBrowsers(sql, ws, all.flatMap((s, n) => s.ga_id === undefined ? [] : [[s.ga_id, ids[n]] as const]))
    return ids
  }

  async function resolve (sql: Tx, ws: string, signals: Signals): Promise<{ visitor: VisitorRecord, kind: ResolutionPlan['kind'] }> {
    await lockKeys(sql, signalLockKeys(deps.schema, ws, signals))
    return await resolveLocked(sql, ws, signals)
  }

  /**
   * Reference §2.5 with the fixes of planIdentify. A merged visitor's id acts for its survivor.
   * Throws VisitorNotFound, or IdentityConflict when the visitor already is another person.
   */
  async function identify (sql: Tx, ws: string, visitorId: string, raw: RawPersonAttrs): Promise<VisitorRecord> {
    const { attrs } = cleanPersonAttrs(raw)
    const keys = signalLockKeys(deps.schema, ws, { person_external_id: attrs.person_external_id, person_email: attrs.person_email })
    const first = await findLiving(sql, ws, visitorId)
    if (first === null) throw new VisitorNotFound()
    await lockKeys(sql, [...keys, visitorLockKey(deps.schema, ws, first.id)])
    const visitor = await findLiving(sql, ws, first.id, true)
    if (visitor === null) throw new VisitorNotFound()
    const byExternalId = attrs.person_external_id === undefined ? null : await findByExternalId(sql, ws, attrs.person_external_id, true)
    const byEmail = attrs.person_email === undefined ? [] : await findByEmail(sql, ws, attrs.person_email, true)
    const at = now()
    const plan = planIdentify(visitor, raw, { byExternalId, byEmail }, at)
    switch (plan.kind) {
      case 'update': await updateVisitor(sql, plan.visitor); return plan.visitor
      case 'merge':
        await persistMerge(sql, {
          survivor: plan.survivor,
          loserPatches: plan.loserPatches,
          reason: 'identify',
          decidingSignals: ['person_external_id', 'person_email'].filter(k => (attrs as Record<string, unknown>)[k] !== undefined),
          now: at,
          announce: deps.announce
        })
        return plan.survivor
      case 'conflict':
        deps.log.warn({ visitor_ids: plan.visitorIds, reason: plan.reason }, 'identity.conflict')
        throw new IdentityConflict('The visitor is already identified as another person (different person_external_id); nothing was merged')
    }
  }

  /**
   * GDPR forget (reference §2.7 + issue 3 item 5): the person behind the id (its survivor when
   * merged) and every row merged into it lose their events, sessions, dispatch context and every
   * PII column; the rows stay, anonymous, so counters add up. Returns the forgotten row, or null.
   */
  async function forget (sql: Tx, ws: string, visitorId: string): Promise<VisitorRecord | null> {
    const root = await findLiving(sql, ws, visitorId)
    if (root === null) return null
    await lockKeys(sql, [visitorLockKey(deps.schema, ws, root.id)])
    const ids = await clusterIds(sql, ws, root.id)
    const rows = await sql`select * from visitors where workspace_id = ${ws} and id = any(${ids}::uuid[]) order by id for update`
    const browsers = (await browsersOf(sql, ws, ids)).map(b => b.ga_id)
    await deleteBrowserEvents(sql, ws, browsers)
    await deleteBrowserSessions(sql, ws, browsers)
    await sql`delete from visitor_browsers where workspace_id = ${ws} and visitor_id = any(${ids}::uuid[])`
    await sql`update connector_dispatches set source_context = null, payload = null, last_error = null, updated_at = now()
      where workspace_id = ${ws} and visitor_id = any(${ids}::uuid[])`
    const at = now()
    let forgotten: VisitorRecord | null = null
    for (const row of rows) {
      const scrubbed = scrubVisitor(toVisitor(row), at)
      await updateVisitor(sql, scrubbed)
      if (scrubbed.id === root.id) forgotten = scrubbed
    }
    return forgotten
  }

  return { resolveMany, resolve, identify, forget }
}

export type IdentityService = ReturnType<typeof createIdentityService>
