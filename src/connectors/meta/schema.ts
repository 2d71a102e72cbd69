// Meta Conversions API constants (reference ad-platforms-and-delivery.md §1.1).

export const META_TYPE = 'meta'
export const META_ORIGIN = 'https://graph.facebook.com'
/** Pinned Graph version (supported ~2 years); `options.api_version` overrides it. */
export const META_API_VERSION = 'v24.0'
export const META_CREDENTIAL_KEYS = ['pixel_id', 'access_token'] as const
/** With app_secret we add appsecret_proof, for apps that enforce "Require App Secret". */
export const META_OPTIONAL_CREDENTIAL_KEYS = ['app_secret'] as const
export const META_CONFIG_KEYS = ['test_event_code', 'api_version'] as const
export const META_MAX_BATCH = 1000
export const META_WINDOW_MS = 7 * 24 * 60 * 60 * 1000
export const META_DEFAULT_EVENT_NAMES: Readonly<Record<string, string>> = { lead: 'Lead', sale: 'Purchase' }

export function metaEventsPath (apiVersion: string, pixelId: string): string {
  return `/${encodeURIComponent(apiVersion)}/${encodeURIComponent(pixelId)}/events`
}
