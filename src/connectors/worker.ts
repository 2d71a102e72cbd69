// The delivery worker: one tick claims due dispatches, groups them per workspace+connector,
// batches each group up to the platform's cap, sends, and records every outcome. Delivery is
// at-least-once: a dispatch is marked delivered only after the platform's 2xx, in a
// transaction; if that write fails the lease runs out and the row is sent again with the same
// connector_event_id, which the platforms dedupe on.
import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher } from 'undici'
import type { ReadyConfig } from '../config.js'
import type { Sql } from '../db/client.js'
import { BlockedAddressError } from '../net/safe-fetch.js'
import type { HookPublisher } from '../webhooks/publisher.js'
import { claimDueDispatches, loadDispatchSources, recordResults, renewLeases, type ClaimedDispatch, type DispatchResult } from './claim.js'
import { consentStatus } from './consent.js'
import { isWithinDeliveryWindow } from './eligibility.js'
import { dispatchInputOf } from './input.js'
import { loadLastWebEvents } from './last-web-event.js'
import { askDispatchPolicy } from './policy.js'
import { redactExcerpt } from './redact.js'
import { decideAfterFailure, windowExpiredReason } from './retry.js'
import { sendBuiltRequest } from './send.js'
import { connectorConfigOf } from './settings.js'
import { loadSettings, openCredentials, pauseConnector } from './store.js'
import { ConnectorBuildError, type BuildContext, type BuiltRequest, type Connector, type DeliveryOutcome, type DispatchInput } from './types.js'

export interface DeliveryDeps {
  sql: Sql
  config: ReadyConfig
  registry: ReadonlyMap<string, Connector>
  log: FastifyBaseLogger
  /** SSRF-safe dispatcher for customer-chosen URLs (the webhook connector). */
  safeDispatcher: Dispatcher
  /** Announces permanent failures (webhook `dispatch.failed`) when the webhooks plugin is present. */
  hooks?: () => HookPublisher | null
}

export interface TickOptions {
  /** Dispatches claimed per tick. */
  limit?: number
  /** How long a claim keeps other workers away; past it the row is re-claimed. */
  leaseMs?: number
  /** Per-request timeout toward the platform. */
  timeoutMs?: number
  random?: () => number
}

export interface TickResult {
  claimed: number
  delivered: number
  failed: number
  permanentlyFailed: number
  skipped: number
  paused: number
  /** Outcomes that could not be written (database unavailable): the leases will expire. */
  unrecorded: number
}

export const DEFAULT_CLAIM_LIMIT = 500
export const DEFAULT_LEASE_MS = 120_000
export const DEFAULT_PLATFORM_TIMEOUT_MS = 30_000

const PLATFORM_API_BASE: Readonly<Record<string, 'meta' | 'google' | 'linkedin' | 'tiktok'>> = { meta: 'meta', google: 'google', linkedin: 'linkedin', tiktok: 'tiktok' }

function emptyResult (): TickResult {
  return { claimed: 0, delivered: 0, failed: 0, permanentlyFailed: 0, skipped: 0, paused: 0, unrecorded: 0 }
}

function result (dispatch: ClaimedDispatch, outcome: DispatchResult['outcome'], lastError?: string, extra: Partial<DispatchResult> = {}): DispatchResult {
  return { dispatch, outcome, durationMs: 0, ...(lastError === undefined ? {} : { lastError }), ...extra }
}

/** One pass of the worker. Safe to run concurrently in many processes. */
export async function deliveryTick (deps: DeliveryDeps, opts: TickOptions = {}): Promise<TickResult> {
  const totals = emptyResult()
  if (!deps.config.connectorsEnabled) return totals
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS
  const claimed = await claimDueDispatches(deps.sql, { limit: opts.limit ?? DEFAULT_CLAIM_LIMIT, leaseMs })
  totals.claimed = claimed.length
  if (claimed.length === 0) return totals
  // The lease must outlive the sending (issue 14 item 14): it is renewed a few times per lease
  // period until every outcome is written, and re-confirmed right before each platform call.
  const renewal = setInterval(() => {
    renewLeases(deps.sql, claimed, leaseMs).catch((err: unknown) => { deps.log.warn({ err }, 'connectors.lease_renewal_failed') })
  }, Math.max(50, Math.floor(leaseMs / 3)))
  renewal.unref()
  try {
    await deliverClaimed(deps, claimed, { ...opts, leaseMs }, totals)
  } finally {
    clearInterval(renewal)
  }
  return totals
}

async function deliverClaimed (deps: DeliveryDeps, claimed: ClaimedDispatch[], opts: TickOptions & { leaseMs: number }, totals: TickResult): Promise<void> {
  const groups = new Map<string, ClaimedDispatch[]>()
  for (const d of claimed) {
    const key = `${d.workspace_id}|${d.connector}`
    groups.set(key, [...(groups.get(key) ?? []), d])
  }
  await Promise.all([...groups.values()].map(async (group) => {
    let results: DispatchResult[]
    try {
      results = await deliverGroup(deps, group, opts)
    } catch (err) {
      // Database trouble while preparing: nothing was sent or marked; the leases will expire.
      deps.log.error({ err, connector: group[0].connector }, 'connectors.delivery_group_failed')
      totals.unrecorded += group.length
      return
    }
    try {
      await recordResults(deps.sql, results, deps.hooks?.() ?? null)
    } catch (err) {
      deps.log.error({ err, connector: group[0].connector, count: results.length }, 'connectors.record_failed')
      totals.unrecorded += results.length
      return
    }
    for (const r of results) {
      if (r.outcome === 'delivered') totals.delivered++
      else if (r.outcome === 'failed') totals.failed++
      else if (r.outcome === 'permanently_failed') totals.permanentlyFailed++
      else if (r.outcome === 'skipped') totals.skipped++
      else totals.paused++
    }
  }))
}

async function deliverGroup (deps: DeliveryDeps, group: ClaimedDispatch[], opts: TickOptions): Promise<DispatchResult[]> {
  const { workspace_id: ws, connector: type } = group[0]
  const connector = deps.registry.get(type)
  if (connector === undefined) return group.map((d) => result(d, 'permanently_failed', `unknown connector "${type}"`))
  const stored = await loadSettings(deps.sql, ws, type)
  if (!stored.enabled) return group.map((d) => result(d, 'skipped', `connector ${type} is disabled for this workspace`))
  if (stored.paused !== null) return group.map((d) => result(d, 'paused', `paused: ${stored.paused?.reason ?? ''}`))
  let credentials: Record<string, string>
  try {
    credentials = openCredentials(stored, ws, type, [deps.config.secret])
  } catch (err) {
    const reason = `credentials cannot be decrypted: ${(err as Error).message}`
    await pauseConnector(deps.sql, ws, type, reason, new Date())
    return group.map((d) => result(d, 'paused', reason, { errorKind: 'credential' }))
  }
  const sources = new Map((await loadDispatchSources(deps.sql, ws, group.map((d) => d.id))).map((s) => [s.id, s]))
  // Backend conversions (no page, IP or browser of their own) borrow those of the visitor's last web event.
  const needWeb = [...sources.values()].filter((s) => s.visitor_id != null && (s.url === null || s.client_ip === null || s.user_agent === null))
  const lastWeb = await loadLastWebEvents(deps.sql, ws, needWeb.map((s) => s.visitor_id as string))
  const nowMs = Date.now()
  const done: DispatchResult[] = []
  const ready: { dispatch: ClaimedDispatch, input: DispatchInput }[] = []
  for (const dispatch of group) {
    const source = sources.get(dispatch.id)
    if (source === undefined || !source.event_found) { done.push(result(dispatch, 'permanently_failed', 'the conversion event no longer exists')); continue }
    const input = dispatchInputOf(source, source.visitor_id == null ? null : lastWeb.get(source.visitor_id) ?? null)
    if (!connector.supportedEventTypes.includes(input.eventType)) { done.push(result(dispatch, 'skipped', `unsupported_event_type: ${type} does not take ${input.eventType}`)); continue }
    if (!isWithinDeliveryWindow(connector, input.occurredAt, nowMs)) {
      done.push(result(dispatch, 'permanently_failed', windowExpiredReason(type, connector.deliveryWindowMs ?? 0), { errorKind: 'expired' }))
      continue
    }
    const skip = await policySkip(deps, connector, dispatch, input)
    if (skip !== null) { done.push(result(dispatch, 'skipped', skip)); continue }
    ready.push({ dispatch, input })
  }
  const ctx: BuildContext = {
    credentials,
    config: connectorConfigOf(stored.config),
    apiBase: PLATFORM_API_BASE[type] === undefined ? null : deps.config.apiBases[PLATFORM_API_BASE[type]],
    nowMs
  }
  for (let i = 0; i < ready.length; i += connector.maxBatchSize) {
    done.push(...await sendBatch(deps, connector, ready.slice(i, i + connector.maxBatchSize), ctx, Object.values(credentials), opts))
  }
  const credentialFailure = done.find((r) => r.outcome === 'paused' && r.errorKind === 'credential')
  if (credentialFailure !== undefined) await pauseConnector(deps.sql, ws, type, credentialFailure.lastError ?? 'credential error', new Date())
  return done
}

/** Consent and the dispatch policy, checked on a dispatch's first attempt only (replays count as first). */
async function policySkip (deps: DeliveryDeps, connector: Connector, dispatch: ClaimedDispatch, input: DispatchInput): Promise<string | null> {
  if (dispatch.attempts > 1) return null
  const status = consentStatus(input.consent ?? null)
  const url = deps.config.dispatchPolicyUrl
  if (url === null) return status === 'denied' ? 'no_consent: the visitor denied ad user data consent' : null
  const decision = await askDispatchPolicy(url, {
    connector_type: connector.type,
    workspace_id: dispatch.workspace_id,
    dispatch_id: dispatch.id,
    connector_event_id: dispatch.connector_event_id,
    consent_status: status,
    event: {
      id: dispatch.event_id,
      event_type: input.eventType,
      event_name: input.eventName ?? null,
      occurred_at: input.occurredAt.toISOString(),
      amount_cents: input.amountCents ?? null,
      currency: input.currency ?? null
    },
    signals: Object.keys(input.signals).filter((k) => k !== 'fbclidSeenAtMs')
  }, { timeoutMs: deps.config.dispatchPolicyTimeoutMs, failMode: deps.config.dispatchPolicyFail })
  if (decision.allow) {
    if (decision.note !== undefined) deps.log.warn({ dispatch_id: dispatch.id }, `connectors.${decision.note}`)
    return null
  }
  return `policy_rejected: ${decision.reason}`
}

type Item = { dispatch: ClaimedDispatch, input: DispatchInput }

/** Builds the batch; a build error isolates the inputs that cannot be built (permanent) from the rest. */
function buildIsolating (connector: Connector, items: Item[], ctx: BuildContext): { built: BuiltRequest | null, sendable: Item[], failed: DispatchResult[] } {
  try {
    return { built: connector.buildBatchRequest(items.map((i) => i.input), ctx), sendable: items, failed: [] }
  } catch (err) {
    if (!(err instanceof ConnectorBuildError) && items.length === 1) throw err
    const failed: DispatchResult[] = []
    const sendable: Item[] = []
    for (const item of items) {
      try { connector.buildRequest(item.input, ctx); sendable.push(item) } catch (e) {
        failed.push(result(item.dispatch, 'permanently_failed', `payload_build_error: ${(e as Error).message}`, { errorKind: 'build' }))
      }
    }
    if (sendable.length === 0 || sendable.length === items.length) {
      return { built: null, sendable: [], failed: failed.length > 0 ? failed : items.map((i) => result(i.dispatch, 'permanently_failed', `payload_build_error: ${(err as Error).message}`, { errorKind: 'build' })) }
    }
    return { built: connector.buildBatchRequest(sendable.map((i) => i.input), ctx), sendable, failed }
  }
}

async function sendBatch (deps: DeliveryDeps, connector: Connector, allItems: Item[], ctx: BuildContext, secrets: string[], opts: TickOptions): Promise<DispatchResult[]> {
  // Fence the send: only dispatches whose lease this worker still holds (renewed here) go out; one
  // that another worker took over is theirs now, and recording an outcome for it would be fenced anyway.
  const held = await renewLeases(deps.sql, allItems.map((i) => i.dispatch), opts.leaseMs ?? DEFAULT_LEASE_MS)
  const items = allItems.filter((i) => held.has(i.dispatch.id))
  if (items.length === 0) return []
  const { built, sendable, failed } = buildIsolating(connector, items, ctx)
  if (built === null) return failed
  const started = performance.now()
  let outcome: DeliveryOutcome
  let httpStatus: number | undefined
  let excerpt: string | undefined
  try {
    const raw = await sendBuiltRequest(built, {
      timeoutMs: opts.timeoutMs ?? DEFAULT_PLATFORM_TIMEOUT_MS,
      ...(connector.type === 'webhook' ? { dispatcher: deps.safeDispatcher } : {})
    })
    httpStatus = raw.status
    excerpt = redactExcerpt(raw.bodyText, secrets)
    outcome = connector.parseResponse(raw.status, raw.headers, raw.bodyText, Date.now())
  } catch (err) {
    const e = err as { name?: string, code?: string, message?: string }
    const why = `transport: ${e.code ?? e.name ?? 'error'}${e.message === undefined ? '' : ` ${e.message}`}`.slice(0, 300)
    outcome = { ok: false, kind: err instanceof BlockedAddressError ? 'permanent' : 'transient', reason: why }
  }
  const durationMs = performance.now() - started
  const common = { durationMs, ...(httpStatus === undefined ? {} : { httpStatus }), ...(excerpt === undefined ? {} : { responseExcerpt: excerpt }) }
  const nowMs = Date.now()
  const random = opts.random ?? Math.random
  const failedIndexes = outcome.ok ? [] : outcome.failedIndexes
  return [...failed, ...sendable.map((item, index): DispatchResult => {
    const noted = item.input.notes === undefined || item.input.notes.length === 0 ? common : { ...common, notes: item.input.notes.join('; ') }
    if (outcome.ok || (failedIndexes !== undefined && failedIndexes.length > 0 && !failedIndexes.includes(index))) {
      return result(item.dispatch, 'delivered', undefined, { ...noted, ...(outcome.ok && outcome.platformRef !== undefined ? { platformRef: outcome.platformRef } : {}) })
    }
    const decision = decideAfterFailure({
      connectorType: connector.type,
      kind: outcome.kind,
      reason: outcome.reason,
      ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
      attempts: item.dispatch.attempts,
      occurredAt: item.input.occurredAt,
      deliveryWindowMs: connector.deliveryWindowMs,
      nowMs,
      random
    })
    return result(item.dispatch, decision.status, decision.lastError, {
      ...noted,
      errorKind: outcome.kind,
      ...(decision.status === 'failed' ? { nextAttemptAt: decision.nextAttemptAt } : {})
    })
  })]
}
