// Device vocabulary and readable names for non-browser clients that bowser leaves unnamed.

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'tv', 'bot'] as const
export type DeviceType = typeof DEVICE_TYPES[number]

export function isDeviceType (value: unknown): value is DeviceType {
  return typeof value === 'string' && (DEVICE_TYPES as readonly string[]).includes(value)
}

// isbot says *that* a UA is automated; these give it a stable name. First match wins, so the more
// specific patterns come first. False positives to keep in mind: none of these appear in
// mainstream browser UAs (HeadlessChrome is the only browser-shaped one, and it is a bot here).
export const BOT_NAMES: readonly (readonly [RegExp, string])[] = [
  [/HeadlessChrome/i, 'HeadlessChrome'],
  [/PhantomJS/i, 'PhantomJS'],
  [/^curl\//i, 'curl'],
  [/^Wget\//i, 'Wget'],
  [/python-requests/i, 'python-requests'],
  [/python-urllib|aiohttp|httpx/i, 'Python HTTP client'],
  [/Go-http-client/i, 'Go-http-client'],
  [/^axios\//i, 'axios'],
  [/node-fetch|undici/i, 'Node.js HTTP client'],
  [/PostmanRuntime/i, 'Postman'],
  [/okhttp/i, 'okhttp'],
  [/Apache-HttpClient/i, 'Apache-HttpClient'],
  [/^Java\//i, 'Java'],
  [/Scrapy/i, 'Scrapy'],
  [/facebookexternalhit/i, 'FacebookExternalHit'],
  [/Twitterbot/i, 'Twitterbot'],
  [/LinkedInBot/i, 'LinkedInBot'],
  [/Slackbot/i, 'Slackbot'],
  [/Discordbot/i, 'Discordbot'],
  [/TelegramBot/i, 'TelegramBot'],
  [/WhatsApp/i, 'WhatsApp']
]

// Names used when the UA gives nothing to go on.
export const EMPTY_UA_BOT_NAME = 'empty user agent'
