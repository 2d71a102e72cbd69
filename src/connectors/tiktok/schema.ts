// TikTok Events API 2.0 constants (reference §1.4).

export const TIKTOK_TYPE = 'tiktok'
export const TIKTOK_ORIGIN = 'https://business-api.tiktok.com'
export const TIKTOK_PATH = '/open_api/v1.3/event/track/'
export const TIKTOK_CREDENTIAL_KEYS = ['access_token', 'pixel_code'] as const
export const TIKTOK_CONFIG_KEYS = ['test_event_code'] as const
export const TIKTOK_MAX_BATCH = 1000
/** TikTok publishes no age limit; the reference advises staying within 7 days. */
export const TIKTOK_WINDOW_MS = 7 * 24 * 60 * 60 * 1000
export const TIKTOK_DEFAULT_EVENT_NAMES: Readonly<Record<string, string>> = { lead: 'SubmitForm', sale: 'CompletePayment' }

/** Body `code` values with a meaning of their own (RudderStack tiktok_ads networkHandler). */
export const TIKTOK_CODES = {
  ok: 0,
  partialSuccess: 20001,
  invalidParams: 40001,
  noPermission: 40002,
  throttled: 40100,
  tokenInvalid: 40105,
  systemBusy: 40700
} as const
