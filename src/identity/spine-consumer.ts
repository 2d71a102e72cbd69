// Identity on the ingest spine (issue 13): a before-insert consumer that gives a person to the
// events where one matters — identify, lead, sale, person claims, REST events that name a visitor —
// and leaves every other event to its browser alone (no visitor is created per click or pageview,
// as PostHog creates persons only on identify and Dub customers on the lead).
//
// For each visitor a batch touches: its browsers are mapped (visitor_browsers), the touches of
// those browsers' events are folded into its attribution (first/last source, path, click ids),
// and the batch's conversions roll up onto it (status, ltv, first conversion), written once.
import type { EventRow } from '../events/columns.js'
import { isDirect } from '../events/row-builder.js'
import { sourceOf } from '../events/columns.js'
import { clickBrowsers, touchEvents } from '../events/queries.js'
import { revenueOf, type SpineItem, type Tx } from '../events/spine.js'
import { isUuid } from '../db/uuid.js'
import { eventRollup, applyEventRollup } from './event-rollup.js'
import { VisitorNotFound } from './errors.js'
import { applySignals } from './merge.js'
import type { IdentityPort, ResolveInput } from './port.js'
import {
  browsersOf, findBrowserOwners, findByExternalId, findCandidates, findLiving, findVisitor, mapBrowsers, updateVisitor
} from './queries.js'
import { cleanSignals, type Signals } from './signals.js'
import type { JsonObject, VisitorRecord } from './visitor.js'

const BROWSER_IDS = ['_fbp', '_fbc'] as const
const MAX_TOUCHES = 500

/** The touch an event row stands for, as an observation the identity rules fold in. */
export function touchSignals (row: Pick<EventRow, 'occurred_at' | 'click_id' | 'click_id_type' | 'click_id_value' | 'partner_id' | 'link_id' | 'source_platform' | 'source_medium' | 'source_campaign' | 'source_content' | 'source_term' | 'source_rule' | 'referrer_host' | 'channel' | 'event_type'>): Signals {
  const direct = row.source_platform === null
  const out: Signals = { occurred_at: row.occurred_at }
  if (!direct) out.source = sourceOf(row as EventRow) as unknown as JsonObject
  if (row.click_id !== null) out.click_id = row.click_id
  if (row.click_id_type !== null && row.click_id_value !== null) out.click_id_params = { [row.click_id_type]: row.click_id_value }
  if (row.partner_id !== null) out.referral = { partner_id: row.partner_id, referral_link_id: row.link_id, referral_click_id: row.event_type === 'link_click' ? row.click_id : null }
  return out
}

function resolveInput (item: SpineItem): ResolveInput {
  const signals = item.subject.kind === 'resolve' ? item.subject.signals : {}
  const f = item.facts
  return {
    ...(signals as Omit<ResolveInput, 'occurred_at'>),
    // The source as every fold stores it (the row's columns), so the path never holds one touch twice.
    source: f.source === null || isDirect(f.source as never) ? null : sourceOf(item.row) as never,
    geo: f.geo,
    device: f.device === null ? null : { device_type: f.device.device_type, browser: f.device.browser, os: f.device.os } as Record<string, unknown>,
    occurred_at: item.row.occurred_at
  }
}

/** The visitor REST selectors name; never creates one. */
async function namedVisitor (tx: Tx, ws: string, item: SpineItem): Promise<VisitorRecord | null> {
  const s = item.subject
  if (s.kind === 'visitor') return isUuid(s.visitorId) ? await findLiving(tx, ws, s.visitorId.toLowerCase()) : null
  if (s.kind !== 'selector') return null
  if (s.selector.person_external_id !== undefined) return await findByExternalId(tx, ws, s.selector.person_external_id)
  if (s.selector.ga_id !== undefined) return (await findBrowserOwners(tx, ws, [s.selector.ga_id])).get(s.selector.ga_id) ?? null
  const signals = cleanSignals({ anonymous_id: s.selector.anonymous_id })
  if (signals.anonymous_id === undefined) return null
  const [oldest] = await findCandidates(tx, ws, signals, false)
  return oldest ?? null
}

/** The browser an event about a named visitor is keyed by: its latest, or its own id when it has none. */
async function browserFor (tx: Tx, ws: string, visitorId: string): Promise<string> {
  const [latest] = await browsersOf(tx, ws, [visitorId])
  if (latest !== undefined) return latest.ga_id
  await mapBrowsers(tx, ws, [[visitorId, visitorId]])
  return visitorId
}

/** Attribution from the visitor's browsers, plus the batch's conversions; the row written once. */
async function refreshVisitor (tx: Tx, ws: string, visitorId: string, conversions: readonly SpineItem[], batch: readonly SpineItem[], now: Date): Promise<void> {
  let visitor = await findVisitor(tx, ws, visitorId, true)
  if (visitor === null) return
  const browsers = (await browsersOf(tx, ws, [visitorId])).map(b => b.ga_id)
  const inBatch = batch.filter(i => browsers.includes(i.row.ga_id)).map(i => i.row)
  const stored = await touchEvents(tx, ws, browsers, MAX_TOUCHES)
  // A landing that came through a short link on another domain names the click: its browser is
  // this person's too (unless it already belongs to someone).
  const adopted = (await clickBrowsers(tx, ws, [...stored, ...inBatch].flatMap(r => (r.click_id === null ? [] : [r.click_id])))).filter(g => !browsers.includes(g))
  if (adopted.length > 0) {
    await mapBrowsers(tx, ws, adopted.map(g => [g, visitorId] as const), { keepExisting: true })
    stored.push(...await touchEvents(tx, ws, adopted, MAX_TOUCHES))
  }
  for (const row of [...stored, ...inBatch]) visitor = applySignals(visitor, touchSignals(row), now)
  for (const item of conversions) {
    const r = item.row
    // A client-trust sale adds no ltv unless the workspace opted in (issue 14 item 2).
    visitor = applyEventRollup(visitor, eventRollup({ event_type: r.event_type, occurred_at: r.occurred_at, amount_cents: revenueOf(item) }), now)
    const ids: Record<string, string> = {}
    for (const k of BROWSER_IDS) if (item.facts.connectorSignals[k] !== undefined) ids[k] = item.facts.connectorSignals[k]
    if (Object.keys(ids).length > 0) visitor = { ...visitor, connector_identifiers: { ...visitor.connector_identifiers, ...ids } }
  }
  await updateVisitor(tx, visitor)
}

export async function giveEventsTheirPeople (tx: Tx, identity: IdentityPort, items: readonly SpineItem[], now: () => Date): Promise<void> {
  const byWorkspace = new Map<string, SpineItem[]>()
  for (const item of items) byWorkspace.set(item.row.workspace_id, [...(byWorkspace.get(item.row.workspace_id) ?? []), item])
  for (const [ws, group] of byWorkspace) {
    const people = group.filter(i => i.subject.kind !== 'browser')
    for (const item of people.filter(i => i.subject.kind === 'visitor' || i.subject.kind === 'selector')) {
      const visitor = await namedVisitor(tx, ws, item)
      if (visitor === null) { item.outcome = { ok: false, error: new VisitorNotFound() }; continue }
      item.visitorId = visitor.id
      item.row.ga_id = await browserFor(tx, ws, visitor.id)
    }
    const resolving = people.filter(i => i.subject.kind === 'resolve')
    if (resolving.length > 0) {
      const ids = await identity.resolveMany(tx, ws, resolving.map(resolveInput))
      resolving.forEach((item, n) => { item.visitorId = ids[n] })
    }
    const touched = new Map<string, SpineItem[]>()
    for (const item of people) {
      if (item.outcome !== undefined || item.visitorId == null) continue
      touched.set(item.visitorId, [...(touched.get(item.visitorId) ?? []), item])
    }
    // Sorted: two batches lock shared visitors in the same order.
    for (const [visitorId, list] of [...touched].sort(([a], [b]) => (a < b ? -1 : 1))) await refreshVisitor(tx, ws, visitorId, list, group, now())
    // Browsing events only learn whose browser it is (their answer and webhooks show it).
    const browsing = group.filter(i => i.subject.kind === 'browser' && i.facts.via !== 'redirect')
    if (browsing.length > 0) {
      const owners = await findBrowserOwners(tx, ws, [...new Set(browsing.map(i => i.row.ga_id))])
      for (const item of browsing) item.visitorId = owners.get(item.row.ga_id)?.id ?? null
    }
  }
}
