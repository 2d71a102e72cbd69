// Turns a create/PATCH body into column changes, or per-field errors (422). Pure: the password is
// returned in clear for the service to hash, key generation and uniqueness are the service's job.
// PATCH semantics: an absent field is left alone, an explicit null clears it (to its empty value).
import { normalizeGeoTargeting } from './geo-targeting.js'
import { normalizeHost } from './host.js'
import { validateKey } from './keys.js'
import { MAX_PASSWORD_LENGTH } from './password.js'
import { validateDestinationUrl, type DestinationRules } from './url-validation.js'
import { LINK_TYPES, type LinkType } from './table.js'
import { CONTROL_IN_IDENTIFIER, CONTROL_IN_TEXT, CONTROL_MESSAGE, controlCharPath } from '../text.js'

export const MAX_TEXT_LENGTH = 255
export const MAX_OG_DESCRIPTION_LENGTH = 1000
export const MAX_TAGS = 50
export const MAX_TAG_LENGTH = 64
export const MAX_METADATA_BYTES = 16 * 1024

// The Referrer-Policy tokens (W3C Referrer Policy §3) a link may ask its redirect to send.
export const REFERRER_POLICIES = ['no-referrer', 'no-referrer-when-downgrade', 'origin', 'origin-when-cross-origin', 'same-origin',
  'strict-origin', 'strict-origin-when-cross-origin', 'unsafe-url'] as const

export const UTM_FIELDS = [
  ['utm_source', 'utmSource'], ['utm_medium', 'utmMedium'], ['utm_campaign', 'utmCampaign'],
  ['utm_content', 'utmContent'], ['utm_term', 'utmTerm']
] as const
const OPTIONAL_URL_FIELDS = [['ios_url', 'iosUrl'], ['android_url', 'androidUrl'], ['expired_url', 'expiredUrl'], ['og_image', 'ogImage']] as const
const OPTIONAL_TEXT_FIELDS = [['og_title', 'ogTitle', MAX_TEXT_LENGTH], ['og_description', 'ogDescription', MAX_OG_DESCRIPTION_LENGTH], ['external_id', 'externalId', MAX_TEXT_LENGTH]] as const

export interface LinkBody {
  url?: string | null
  domain?: string | null
  key?: string | null
  link_type?: string | null
  utm_source?: string | null
  utm_medium?: string | null
  utm_campaign?: string | null
  utm_content?: string | null
  utm_term?: string | null
  ios_url?: string | null
  android_url?: string | null
  geo_targeting?: unknown
  expires_at?: string | null
  expired_url?: string | null
  password?: string | null
  og_title?: string | null
  og_description?: string | null
  og_image?: string | null
  tags?: string[] | null
  external_id?: string | null
  metadata?: Record<string, unknown> | null
  referrer_policy?: string | null
}

export interface LinkChanges {
  domain?: string
  key?: string
  url?: string
  linkType?: LinkType
  utmSource?: string | null
  utmMedium?: string | null
  utmCampaign?: string | null
  utmContent?: string | null
  utmTerm?: string | null
  iosUrl?: string | null
  androidUrl?: string | null
  expiredUrl?: string | null
  ogImage?: string | null
  ogTitle?: string | null
  ogDescription?: string | null
  externalId?: string | null
  geoTargeting?: Record<string, string>
  expiresAt?: Date | null
  /** Clear text, to be hashed; null removes the password. */
  password?: string | null
  tags?: string[]
  metadata?: Record<string, unknown>
  referrerPolicy?: string | null
}

export interface LinkInputContext {
  /** GA_LINK_DOMAINS: the shared default domains; the first is the default domain of a new link. */
  linkDomains: readonly string[]
  nowMs: number
  mode: 'create' | 'update'
  /** The link's current domain (update only), for the loop check when the domain is not changed. */
  currentDomain?: string
}

export type LinkInputCheck = { ok: true, changes: LinkChanges } | { ok: false, errors: Record<string, string> }

export function validateLinkInput (body: LinkBody, ctx: LinkInputContext): LinkInputCheck {
  const errors: Record<string, string> = {}
  const changes: LinkChanges = {}
  const creating = ctx.mode === 'create'
  const allowedDomains = ctx.linkDomains.map(d => normalizeHost(d)).filter((d): d is string => d !== null)

  // domain first: the loop check of every URL depends on it.
  if (body.domain !== undefined || creating) {
    const domain = body.domain ?? (creating ? allowedDomains[0] : null) ?? null
    const host = domain === null ? null : normalizeHost(domain)
    if (domain === null) errors.domain = creating ? 'is required (no GA_LINK_DOMAINS configured)' : "can't be blank"
    else if (host === null) errors.domain = 'must be a host name'
    // Whether the workspace may use the domain (shared default, or its own) is the service's check.
    else changes.domain = host
  }
  const rules: DestinationRules = { ownDomains: [...allowedDomains, changes.domain ?? ctx.currentDomain ?? ''].filter(d => d !== '') }

  if (body.key !== undefined && (body.key !== null || !creating)) {
    const key = validateKey(body.key)
    if (body.key === null) errors.key = "can't be blank"
    else if (!key.ok) errors.key = key.reason
    else changes.key = key.key
  }

  if (body.url !== undefined || creating) {
    const url = validateDestinationUrl(body.url, rules)
    if (body.url === undefined || body.url === null) errors.url = "can't be blank"
    else if (!url.ok) errors.url = url.reason
    else changes.url = url.url
  }

  if (body.link_type !== undefined) {
    if (body.link_type === null) errors.link_type = "can't be blank"
    else if (!(LINK_TYPES as readonly string[]).includes(body.link_type)) errors.link_type = `must be one of ${LINK_TYPES.join(', ')}`
    else changes.linkType = body.link_type as LinkType
  }

  for (const [field, column] of UTM_FIELDS) {
    const value = optionalText(body[field], MAX_TEXT_LENGTH)
    if (value === INVALID) errors[field] = `must be at most ${MAX_TEXT_LENGTH} characters`
    else if (typeof value === 'string' && CONTROL_IN_IDENTIFIER.test(value)) errors[field] = CONTROL_MESSAGE
    else if (value !== undefined) changes[column] = value
  }
  for (const [field, column, max] of OPTIONAL_TEXT_FIELDS) {
    const value = optionalText(body[field], max)
    if (value === INVALID) errors[field] = `must be at most ${max} characters`
    else if (typeof value === 'string' && (field === 'external_id' ? CONTROL_IN_IDENTIFIER : CONTROL_IN_TEXT).test(value)) errors[field] = CONTROL_MESSAGE
    else if (value !== undefined) changes[column] = value
  }
  for (const [field, column] of OPTIONAL_URL_FIELDS) {
    const raw = body[field]
    if (raw === undefined) continue
    if (raw === null || raw === '') { changes[column] = null; continue }
    const url = validateDestinationUrl(raw, field === 'og_image' ? { ownDomains: [] } : rules)
    if (url.ok) changes[column] = url.url
    else errors[field] = url.reason
  }

  if (body.geo_targeting !== undefined) {
    const geo = normalizeGeoTargeting(body.geo_targeting, rules)
    if (geo.ok) changes.geoTargeting = geo.value
    else errors.geo_targeting = geo.errors.join('; ')
  }

  if (body.expires_at !== undefined) {
    if (body.expires_at === null) changes.expiresAt = null
    else {
      const ms = Date.parse(body.expires_at)
      if (Number.isNaN(ms)) errors.expires_at = 'must be an ISO-8601 date-time'
      else if (creating && ms <= ctx.nowMs) errors.expires_at = 'must be in the future'
      else changes.expiresAt = new Date(ms)
    }
  }

  if (body.password !== undefined) {
    if (body.password === null) changes.password = null
    else if (body.password.length < 1 || body.password.length > MAX_PASSWORD_LENGTH) errors.password = `must be 1-${MAX_PASSWORD_LENGTH} characters`
    else changes.password = body.password
  }

  if (body.tags !== undefined) {
    const tags = [...new Set((body.tags ?? []).map(tag => tag.trim()))]
    if (tags.length > MAX_TAGS) errors.tags = `must have at most ${MAX_TAGS} tags`
    else if (tags.some(tag => tag === '' || tag.length > MAX_TAG_LENGTH)) errors.tags = `each tag must be 1-${MAX_TAG_LENGTH} characters`
    else if (tags.some(tag => CONTROL_IN_IDENTIFIER.test(tag))) errors.tags = CONTROL_MESSAGE
    else changes.tags = tags
  }

  if (body.referrer_policy !== undefined) {
    if (body.referrer_policy === null || body.referrer_policy === '') changes.referrerPolicy = null
    else if (!(REFERRER_POLICIES as readonly string[]).includes(body.referrer_policy)) errors.referrer_policy = `must be one of ${REFERRER_POLICIES.join(', ')}`
    else changes.referrerPolicy = body.referrer_policy
  }

  if (body.metadata !== undefined) {
    const metadata = body.metadata ?? {}
    const controlAt = controlCharPath(metadata)
    if (Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) errors.metadata = `must be at most ${MAX_METADATA_BYTES} bytes of JSON`
    else if (controlAt !== null) errors.metadata = `${controlAt} ${CONTROL_MESSAGE}`
    else changes.metadata = metadata
  }

  return Object.keys(errors).length === 0 ? { ok: true, changes } : { ok: false, errors }
}

const INVALID = Symbol('invalid')

// undefined: leave alone; null: clear (an empty string clears too).
function optionalText (value: string | null | undefined, max: number): string | null | undefined | typeof INVALID {
  if (value === undefined) return undefined
  if (value === null || value.trim() === '') return null
  return value.length > max ? INVALID : value
}
