// Google constants: Data Manager API (default) and the classic Google Ads
// UploadClickConversions (legacy, allowlisted developer tokens only). Reference §1.2.

export const GOOGLE_TYPE = 'google'
export const GOOGLE_APIS = ['data_manager', 'google_ads'] as const
export type GoogleApi = (typeof GOOGLE_APIS)[number]

export const DATA_MANAGER_ORIGIN = 'https://datamanager.googleapis.com'
export const DATA_MANAGER_INGEST_PATH = '/v1/events:ingest'
export const GOOGLE_ADS_ORIGIN = 'https://googleads.googleapis.com'
/** Pinned Google Ads API version for the legacy path; `options.api_version` overrides it. */
export const GOOGLE_ADS_API_VERSION = 'v23'

export const GOOGLE_CREDENTIAL_KEYS = ['access_token', 'customer_id', 'conversion_action_id'] as const
/** developer_token is required by the google_ads API only; login_customer_id when acting through a manager account. */
export const GOOGLE_OPTIONAL_CREDENTIAL_KEYS = ['login_customer_id', 'developer_token'] as const
export const GOOGLE_CONFIG_KEYS = ['api', 'api_version'] as const
export const GOOGLE_MAX_BATCH = 2000
export const GOOGLE_WINDOW_MS = 90 * 24 * 60 * 60 * 1000
/** TOO_RECENT_EVENT / TOO_RECENT_CONVERSION_ACTION: "retry after 6 hours". */
export const GOOGLE_TOO_RECENT_RETRY_MS = 6 * 60 * 60 * 1000
export const GOOGLE_CLICK_ID_ORDER = ['gclid', 'gbraid', 'wbraid'] as const

export function googleAdsUploadPath (apiVersion: string, customerId: string): string {
  return `/${encodeURIComponent(apiVersion)}/customers/${customerId}:uploadClickConversions`
}

/** Customer ids are written "123-456-7890" in the UI; the APIs want digits only. */
export function digitsOnlyCustomerId (value: string): string {
  return value.replace(/[-\s]/g, '')
}
