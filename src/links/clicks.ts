// Clicks on the spine. The redirect (and /ga/t/click) turn a click into a spine item (clickItem:
// pure apart from the geo lookup); the links feature consumes every batch:
//   before-insert   decides unique clicks in the database (exact across processes);
//   in-transaction  adds the batch's clicks to its links' counters, and counts each lead and sale
//                   on the link its visitor last clicked (ordered locking, one statement).
import { createHmac } from 'node:crypto'
import type postgres from 'postgres'
import { classifySource, queryParamsFromUrl, type Device, type GeoLookup } from '../classify/index.js'
import { uuidv7At } from '../db/uuid.js'
import { blankRow, deviceColumns, sourceColumns } from '../events/row-builder.js'
import { lastClickedLink } from '../events/queries.js'
import { revenueOf, type SpineItem, type Tx } from '../events/spine.js'
import { browsersOf } from '../identity/queries.js'
import { addLinkCounters, claimUniqueWindows, uniquePairKey, type CounterDeltas, type UniqueCandidate } from './queries.js'

export interface ClickInput {
  linkId: string
  workspaceId: string
  clickId: string
  gaId: string
  /** True when ga_id came from a valid signed `_ga_good` cookie (a returning browser). */
  gaIdFromCookie: boolean
  at: Date
  ip: string | null
  userAgent: string | null
  referrer: string | null
  query: Record<string, string>
  /** The destination the visitor was sent to. */
  url: string
  host: string
  key: string
  qr: boolean
  device: Device
  /** Prefetch or bot verdict: stored, counted only in bot_clicks. */
  bot: boolean
  botName: string | null
  partnerId?: string | null
}

export interface ClickDeps {
  geo: GeoLookup | null
  ownDomains: readonly string[]
}

/** A click as a spine item: an event of its browser like any other, no visitor involved. */
export function clickItem (c: ClickInput, deps: ClickDeps): SpineItem {
  // Classified as if the request carried what the destination carries: the link's UTMs win over
  // the visitor's query, as on the destination URL (DESIGN §6).
  const source = classifySource({ queryParams: { ...c.query, ...queryParamsFromUrl(c.url) }, referrer: c.referrer, ownDomains: deps.ownDomains })
  const geo = deps.geo?.lookup(c.ip) ?? null
  const row = blankRow({ id: uuidv7At(c.at.getTime()), workspace_id: c.workspaceId, ga_id: c.gaId, event_type: 'link_click', occurred_at: c.at })
  Object.assign(row, sourceColumns(source, c.referrer), deviceColumns(c.device))
  row.bot = c.bot
  row.bot_name = c.bot ? c.botName : null
  // Where the click happened (the short link), not where it went: the destination's query holds
  // the ga_id and UTMs the redirect appended.
  row.host = c.host
  row.path = `/${c.key}`
  row.link_id = c.linkId
  row.click_id = c.clickId
  row.partner_id = c.partnerId ?? null
  row.qr = c.qr
  row.country = geo?.country ?? null
  row.unique_click = false
  return {
    row,
    facts: {
      via: 'redirect',
      ip: c.ip,
      userAgent: c.userAgent,
      url: c.url,
      referrer: c.referrer,
      source: { ...source },
      device: { ...c.device },
      geo: geo === null ? null : { ...geo },
      connectorSignals: {},
      gaIdFromCookie: c.gaIdFromCookie
    },
    subject: { kind: 'browser' },
    key: null
  }
}

/**
 * The first click of a (link, browser) in a rolling hour is unique. A returning browser is its
 * cookie's ga_id; a cookie-less one a keyed hash of IP + User-Agent (it has no identity yet). A
 * unique click without a cookie then also claims the ga_id it was just given (the cookie set on
 * its 302), so that browser coming back with the cookie within the hour is not unique again.
 */
export async function decideUniques (tx: Tx, clicks: readonly SpineItem[], hashKey: string): Promise<void> {
  const decidedBy = new Map<string, SpineItem>() // pair → the click whose uniqueness it decides
  const candidates: UniqueCandidate[] = []
  const mintedInBatch = new Set<string>() // identity pairs handed out by this batch's cookie-less clicks
  const linkOf = (c: SpineItem): string => c.row.link_id as string
  for (const c of clicks) {
    if (c.row.bot) continue
    const browserKey = `g:${c.row.ga_id}`
    const visitorKey = c.facts.gaIdFromCookie
      ? browserKey
      : `h:${createHmac('sha256', hashKey).update(`${c.facts.ip ?? ''}\n${c.facts.userAgent ?? ''}`).digest('base64url').slice(0, 32)}`
    const pair = uniquePairKey(linkOf(c), visitorKey)
    // A pair already claimed in this batch, or a cookie handed out moments ago in it: a duplicate.
    if (!c.facts.gaIdFromCookie) mintedInBatch.add(uniquePairKey(linkOf(c), browserKey))
    else if (mintedInBatch.has(pair)) continue
    if (decidedBy.has(pair)) continue
    decidedBy.set(pair, c)
    candidates.push({ linkId: linkOf(c), visitorKey, at: c.row.occurred_at })
  }
  const claimed = await claimUniqueWindows(tx, candidates)
  for (const [pair, c] of decidedBy) if (claimed.has(pair)) c.row.unique_click = true

  const aliases = new Map<string, UniqueCandidate>()
  for (const c of clicks) {
    const pair = uniquePairKey(linkOf(c), `g:${c.row.ga_id}`)
    if (c.row.unique_click === true && !c.facts.gaIdFromCookie && !decidedBy.has(pair)) aliases.set(pair, { linkId: linkOf(c), visitorKey: `g:${c.row.ga_id}`, at: c.row.occurred_at })
  }
  await claimUniqueWindows(tx, [...aliases.values()])
}

/** Click counters of the batch, plus each lead and sale on the link its visitor last clicked. */
export async function countOnLinks (tx: Tx, items: readonly SpineItem[]): Promise<void> {
  const deltas = new Map<string, CounterDeltas>()
  const add = (linkId: string, f: (d: CounterDeltas) => void): void => {
    const d = deltas.get(linkId) ?? {}
    f(d)
    deltas.set(linkId, d)
  }
  for (const c of items) {
    if (c.row.event_type !== 'link_click' || c.row.link_id === null) continue
    if (c.row.bot) add(c.row.link_id, d => { d.botClicks = (d.botClicks ?? 0) + 1 })
    else add(c.row.link_id, d => { d.clicks = (d.clicks ?? 0) + 1; if (c.row.unique_click === true) d.uniqueClicks = (d.uniqueClicks ?? 0) + 1 })
  }
  const conversions = items.filter(i => (i.row.event_type === 'lead' || i.row.event_type === 'sale') && i.visitorId != null)
  for (const item of conversions) {
    const ws = item.row.workspace_id
    const browsers = (await browsersOf(tx, ws, [item.visitorId as string])).map(b => b.ga_id)
    const linkId = await lastClickedLink(tx, ws, browsers)
    if (linkId === null) continue
    if (item.row.event_type === 'lead') add(linkId, d => { d.leads = (d.leads ?? 0) + 1 })
    // A client-trust sale adds no revenue unless the workspace opted in (issue 14 item 2).
    else add(linkId, d => { d.sales = (d.sales ?? 0) + 1; d.revenueCents = (d.revenueCents ?? 0) + (revenueOf(item) ?? 0) })
  }
  await addLinkCounters(tx as postgres.TransactionSql, deltas)
}
