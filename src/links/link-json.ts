// Row → API JSON. The password hash and workspace never leave; `password_protected` says whether one is set.
import type { LinkReply } from './schemas.js'
import type { LinkRow } from './table.js'

export function shortUrl (domain: string, key: string): string {
  return `https://${domain}/${key}`
}

export function linkJson (row: LinkRow): LinkReply {
  return {
    id: row.id,
    domain: row.domain,
    key: row.key,
    short_url: shortUrl(row.domain, row.key),
    url: row.url,
    link_type: row.linkType,
    utm_source: row.utmSource,
    utm_medium: row.utmMedium,
    utm_campaign: row.utmCampaign,
    utm_content: row.utmContent,
    utm_term: row.utmTerm,
    ios_url: row.iosUrl,
    android_url: row.androidUrl,
    geo_targeting: row.geoTargeting,
    expires_at: iso(row.expiresAt),
    expired_url: row.expiredUrl,
    password_protected: row.passwordHash !== null,
    og_title: row.ogTitle,
    og_description: row.ogDescription,
    og_image: row.ogImage,
    tags: row.tags,
    external_id: row.externalId,
    metadata: row.metadata,
    referrer_policy: row.referrerPolicy,
    archived_at: iso(row.archivedAt),
    total_clicks: row.totalClicks,
    unique_clicks: row.uniqueClicks,
    bot_clicks: row.botClicks,
    total_leads: row.totalLeads,
    total_sales: row.totalSales,
    total_revenue_cents: row.totalRevenueCents,
    created_at: iso(row.createdAt) as string,
    updated_at: iso(row.updatedAt) as string
  }
}

// drizzle's second pool may hand back strings for timestamps; accept both.
function iso (value: Date | string | null): string | null {
  if (value === null) return null
  return (value instanceof Date ? value : new Date(value)).toISOString()
}
