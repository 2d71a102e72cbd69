// User-agent parsing with bowser (device, browser, OS) and isbot (automation). Bots are flagged,
// never dropped: the caller decides what a bot may count towards (security §3.8).
import Bowser from 'bowser'
import { isbot, isbotMatch } from 'isbot'
import { LRUCache } from 'lru-cache'
import { BOT_NAMES, EMPTY_UA_BOT_NAME, isDeviceType, type DeviceType } from './device.data.js'

export { DEVICE_TYPES, isDeviceType, type DeviceType } from './device.data.js'

export interface Device {
  /** null when the UA is human but names no recognisable device class. */
  device_type: DeviceType | null
  browser: string | null
  browser_version: string | null
  os: string | null
  os_version: string | null
  device_brand: string | null
  device_model: string | null
  bot: boolean
  bot_name: string | null
}

// Longer UAs are cropped before parsing: real ones stay well under this, and it bounds regex work.
export const MAX_USER_AGENT_LENGTH = 1024
const MAX_BOT_NAME_LENGTH = 64

const blank = (s: string | undefined): string | null => (s === undefined || s.trim() === '' ? null : s.trim())

// Security §3.8 treats an empty UA as non-human: real browsers always send one.
const EMPTY_UA: Device = Object.freeze({
  device_type: 'bot',
  browser: null,
  browser_version: null,
  os: null,
  os_version: null,
  device_brand: null,
  device_model: null,
  bot: true,
  bot_name: EMPTY_UA_BOT_NAME
})

function botName (ua: string, parsed: Bowser.Parser.ParsedResult): string {
  if (parsed.platform.type === 'bot') {
    const name = blank(parsed.browser.name)
    if (name !== null) return name
  }
  const known = BOT_NAMES.find(([pattern]) => pattern.test(ua))
  if (known !== undefined) return known[1]
  // Fall back to what isbot matched, minus any version suffix (`foo-crawler/2.1` → `foo-crawler`).
  const match = (isbotMatch(ua) ?? ua).replace(/\/.*$/, '').trim()
  return (match === '' ? ua : match).slice(0, MAX_BOT_NAME_LENGTH)
}

/** Parses without caching; prefer `parseUserAgent`. */
export function parseUserAgentUncached (userAgent: string | null | undefined): Device {
  const ua = (userAgent ?? '').trim().slice(0, MAX_USER_AGENT_LENGTH)
  if (ua === '') return EMPTY_UA
  const parsed = Bowser.parse(ua)
  const bot = parsed.platform.type === 'bot' || isbot(ua)
  const type = parsed.platform.type
  // Windows reports `NT 10.0`; its marketing name (`10`) is what people filter on.
  const osVersion = parsed.os.name === 'Windows' ? (blank(parsed.os.versionName) ?? blank(parsed.os.version)) : blank(parsed.os.version)
  return Object.freeze({
    device_type: bot ? 'bot' : (isDeviceType(type) ? type : null),
    browser: blank(parsed.browser.name),
    browser_version: blank(parsed.browser.version),
    os: blank(parsed.os.name),
    os_version: osVersion,
    // For bots bowser's vendor is the operator (Google, Meta), not a hardware brand.
    device_brand: bot ? null : blank(parsed.platform.vendor),
    device_model: bot ? null : blank(parsed.platform.model),
    bot,
    bot_name: bot ? botName(ua, parsed) : null
  })
}

export interface UserAgentParser {
  (userAgent: string | null | undefined): Device
  readonly cache: LRUCache<string, Device>
}

/** A memoised parser; results are frozen, so sharing them between callers is safe. */
export function createUserAgentParser (max = 10_000): UserAgentParser {
  const cache = new LRUCache<string, Device>({ max })
  const parse = (userAgent: string | null | undefined): Device => {
    const key = (userAgent ?? '').trim().slice(0, MAX_USER_AGENT_LENGTH)
    const hit = cache.get(key)
    if (hit !== undefined) return hit
    const device = parseUserAgentUncached(key)
    cache.set(key, device)
    return device
  }
  return Object.assign(parse, { cache })
}

/** Process-wide memoised parser (10k distinct UAs). */
export const parseUserAgent: UserAgentParser = createUserAgentParser()
