// Cache loader for the redirect and QR routes. A host serves only what its owner may serve
// (issue 14 item 1): on a shared default domain (GA_LINK_DOMAINS) any workspace's link, on an owned
// host only the owning workspace's links. A host that no workspace owns may fall back to a key on
// the shared domains, answering only when the key is unambiguous there: exactly one live link, or a
// single (expired) link. An owned host never falls back.
import type { Sql } from '../db/client.js'
import type { CachedLink } from './cache.js'
import { findRedirectLink, findRedirectLinksByKey, type RedirectRow } from './queries.js'

// More live links than this with one key is ambiguous whatever their expiry says.
const KEY_FALLBACK_LIMIT = 50

export async function loadRedirectLink (sql: Sql, domain: string, key: string, sharedDomains: readonly string[], nowMs = Date.now()): Promise<CachedLink | null> {
  const exact = await findRedirectLink(sql, domain, key, sharedDomains.includes(domain))
  if (exact !== null) return toCachedLink(exact)
  const byKey = await findRedirectLinksByKey(sql, key, domain, sharedDomains, KEY_FALLBACK_LIMIT)
  if (byKey.length >= KEY_FALLBACK_LIMIT) return null
  if (byKey.length === 1) return toCachedLink(byKey[0])
  const live = byKey.filter(row => row.expires_at === null || row.expires_at.getTime() > nowMs)
  return live.length === 1 ? toCachedLink(live[0]) : null
}

export function toCachedLink (row: RedirectRow): CachedLink {
  const geo = row.geo_targeting ?? {}
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    domain: row.domain,
    key: row.key,
    url: row.url,
    linkType: row.link_type,
    iosUrl: row.ios_url,
    androidUrl: row.android_url,
    geoTargeting: geo,
    hasGeoTargeting: Object.keys(geo).length > 0,
    utmSource: row.utm_source,
    utmMedium: row.utm_medium,
    utmCampaign: row.utm_campaign,
    utmContent: row.utm_content,
    utmTerm: row.utm_term,
    expiresAtMs: row.expires_at === null ? null : row.expires_at.getTime(),
    expiredUrl: row.expired_url,
    passwordHash: row.password_hash,
    referrerPolicy: row.referrer_policy
  }
}

export function isExpired (link: CachedLink, nowMs: number): boolean {
  return link.expiresAtMs !== null && nowMs >= link.expiresAtMs
}
