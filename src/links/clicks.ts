// Click recording off the hot path. The redirect pushes a ClickInput into an IngestBuffer
// (fire-and-forget, retried until committed); each flush is ONE transaction that resolves the
// visitors, inserts the link_click events, decides unique clicks in the database and applies
// the counters once per link.
import { createHmac } from 'node:crypto'
import type postgres from 'postgres'
import { anonymizeIp, classifySource, type Device, type GeoLookup, type IpMode } from '../classify/index.js'
import type { Sql } from '../db/client.js'
import { uuidv7 } from '../db/uuid.js'
import type { IdentityPort, ResolveInput } from '../identity/port.js'
import type { HookPublisher } from '../webhooks/publisher.js'
import {
  addLinkCounters, claimUniqueWindows, insertClickEvents, uniquePairKey,
  type ClickEventRow, type CounterDeltas, type UniqueCandidate
} from './queries.js'

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
}

export interface ClickStoreDeps {
  sql: Sql
  identity: () => IdentityPort | null
  geo: GeoLookup | null
  ipMode: IpMode
  ownDomains: readonly string[]
  /** Keys the IP+UA hash, so the unique-click table holds nothing reversible. */
  hashKey: string
  onIdentityError?: (err: unknown) => void
  /** Webhook outbox + live stream NOTIFY for the clicks, in the flush's transaction. */
  hooks?: () => HookPublisher | null
}

const MAX_STORED_URL = 2083
const MAX_STORED_UA = 1024

export function createClickFlush (deps: ClickStoreDeps): (items: ClickInput[]) => Promise<void> {
  return async items => {
    const enriched = items.map(item => enrich(item, deps))
    let stored: ClickEventRow[] = []
    await deps.sql.begin(async tx => {
      const visitorIds = await resolveVisitors(tx, enriched, deps)
      const uniques = await decideUniques(tx, enriched, visitorIds, deps.hashKey)
      const rows = enriched.map((c, i) => eventRow(c, visitorIds[i], uniques[i], deps.ipMode))
      await insertClickEvents(tx, rows)
      await deps.hooks?.()?.recordedInTransaction(tx, rows)
      stored = rows
      const deltas = new Map<string, CounterDeltas>()
      for (const [i, c] of enriched.entries()) {
        const d = deltas.get(c.item.linkId) ?? {}
        if (c.item.bot) d.botClicks = (d.botClicks ?? 0) + 1
        else {
          d.clicks = (d.clicks ?? 0) + 1
          if (uniques[i]) d.uniqueClicks = (d.uniqueClicks ?? 0) + 1
        }
        deltas.set(c.item.linkId, d)
      }
      await addLinkCounters(tx, deltas)
    })
    // Not awaited: the next batch need not wait for it (announceLive never rejects).
    void deps.hooks?.()?.announceLive(stored)
  }
}

interface Enriched {
  item: ClickInput
  source: ReturnType<typeof classifySource>
  geo: ReturnType<GeoLookup['lookup']>
}

function enrich (item: ClickInput, deps: ClickStoreDeps): Enriched {
  const source = classifySource({ queryParams: item.query, referrer: item.referrer, ownDomains: deps.ownDomains })
  return { item, source, geo: deps.geo?.lookup(item.ip) ?? null }
}

// Bots never create or touch visitors (security §3.8); without the identity plugin visitor_id stays null.
async function resolveVisitors (tx: postgres.TransactionSql, clicks: Enriched[], deps: ClickStoreDeps): Promise<Array<string | null>> {
  const ids: Array<string | null> = clicks.map(() => null)
  const identity = deps.identity()
  if (identity === null) return ids
  const byWorkspace = new Map<string, number[]>()
  for (const [i, c] of clicks.entries()) {
    if (c.item.bot) continue
    const list = byWorkspace.get(c.item.workspaceId) ?? []
    list.push(i)
    byWorkspace.set(c.item.workspaceId, list)
  }
  for (const [workspaceId, indexes] of byWorkspace) {
    const inputs: ResolveInput[] = indexes.map(i => toResolveInput(clicks[i]))
    try {
      // A savepoint: a failing resolution must not abort the clicks' transaction (the redirect was already sent).
      const resolved = await tx.savepoint(async sp => await identity.resolveMany(sp, workspaceId, inputs))
      for (const [n, i] of indexes.entries()) ids[i] = resolved[n] ?? null
    } catch (err) {
      deps.onIdentityError?.(err)
    }
  }
  return ids
}

function toResolveInput ({ item, source, geo }: Enriched): ResolveInput {
  const { device } = item
  return {
    ga_id: item.gaId,
    click_id: item.clickId,
    click_id_params: source.captured_click_ids,
    source,
    geo: geo === null ? null : { ...geo },
    device: { device_type: device.device_type, browser: device.browser, os: device.os },
    occurred_at: item.at
  }
}

// The first click of a (link, visitor) in a rolling hour is unique. The visitor is the resolved
// visitor or cookie ga_id for a returning browser, else a keyed hash of IP + User-Agent. A unique
// click without a cookie then also claims the identity it was just given (the ga_id cookie set on
// its 302), so that browser coming back with the cookie within the hour is not unique again.
async function decideUniques (tx: postgres.TransactionSql, clicks: Enriched[], visitorIds: Array<string | null>, hashKey: string): Promise<boolean[]> {
  const decidedBy = new Map<string, number>() // pair → the click whose uniqueness it decides
  const candidates: UniqueCandidate[] = []
  const identityKeys: string[] = []
  const mintedInBatch = new Set<string>() // identity pairs handed out by this batch's cookie-less clicks
  for (const [i, { item }] of clicks.entries()) {
    identityKeys[i] = visitorIds[i] !== null ? `v:${visitorIds[i]}` : `g:${item.gaId}`
    if (item.bot) continue
    const visitorKey = item.gaIdFromCookie
      ? identityKeys[i]
      : `h:${createHmac('sha256', hashKey).update(`${item.ip ?? ''}\n${item.userAgent ?? ''}`).digest('base64url').slice(0, 32)}`
    const pair = uniquePairKey(item.linkId, visitorKey)
    // A pair already claimed in this batch, or a cookie handed out moments ago in it: a duplicate.
    if (!item.gaIdFromCookie) mintedInBatch.add(uniquePairKey(item.linkId, identityKeys[i]))
    else if (mintedInBatch.has(pair)) continue
    if (decidedBy.has(pair)) continue
    decidedBy.set(pair, i)
    candidates.push({ linkId: item.linkId, visitorKey, at: item.at })
  }
  const claimed = await claimUniqueWindows(tx, candidates)
  const unique = clicks.map(() => false)
  for (const [pair, i] of decidedBy) if (claimed.has(pair)) unique[i] = true

  const aliases = new Map<string, UniqueCandidate>()
  for (const [i, { item }] of clicks.entries()) {
    const pair = uniquePairKey(item.linkId, identityKeys[i])
    if (unique[i] && !item.gaIdFromCookie && !decidedBy.has(pair)) aliases.set(pair, { linkId: item.linkId, visitorKey: identityKeys[i], at: item.at })
  }
  await claimUniqueWindows(tx, [...aliases.values()])
  return unique
}

function eventRow ({ item, source, geo }: Enriched, visitorId: string | null, unique: boolean, ipMode: IpMode): ClickEventRow {
  const { device } = item
  return {
    id: uuidv7(item.at.getTime()),
    workspace_id: item.workspaceId,
    visitor_id: visitorId,
    event_type: 'link_click',
    link_id: item.linkId,
    click_id: item.clickId,
    url: item.url.slice(0, MAX_STORED_URL),
    host: item.host,
    path: `/${item.key}`,
    referrer: item.referrer === null ? null : item.referrer.slice(0, MAX_STORED_URL),
    source_platform: source.platform,
    source_medium: source.medium,
    source_campaign: source.campaign,
    channel: source.channel,
    source: { ...source },
    ip_address: anonymizeIp(item.ip, ipMode),
    user_agent: item.userAgent === null ? null : item.userAgent.slice(0, MAX_STORED_UA),
    device_type: device.device_type,
    browser: device.browser,
    browser_version: device.browser_version,
    os: device.os,
    os_version: device.os_version,
    device_brand: device.device_brand,
    device_model: device.device_model,
    bot: item.bot,
    bot_name: item.botName,
    country: geo?.country ?? null,
    geo: geo === null ? null : { ...geo },
    properties: { ga_id: item.gaId },
    unique_click: unique,
    qr: item.qr,
    occurred_at: item.at
  }
}
