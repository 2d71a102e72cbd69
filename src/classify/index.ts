// Public API of the classifier: pure source/channel/device/URL functions plus the MMDB geo reader.
export {
  classifySource, queryParamsFromUrl, normalizeMedium, captureClickIds,
  type Source, type SourceInput, type SourceRule
} from './source.js'
export { CHANNELS, isChannel, channelOfTraffic, sourceKind, type Channel } from './channel.js'
export { classifyReferer, refererDomain, isOwnDomain, parseReferrer, type RefererMap, type RefererResult } from './referer.js'
export { lookupHost, type HostEntry } from './referrer-table.js'
export {
  CLICK_ID_PARAMS, PARTNER_PARAMS, UTM_KEYS, CONFIDENCES,
  type ClickIdEntry, type Confidence, type RefererCategory
} from './source.data.js'
export { safeHttpUrl, urlHost, urlPath, pathForGrouping, normalizeUrlForFilter, MAX_URL_LENGTH } from './url.js'
export {
  parseUserAgent, parseUserAgentUncached, createUserAgentParser, DEVICE_TYPES, isDeviceType,
  MAX_USER_AGENT_LENGTH, type Device, type DeviceType, type UserAgentParser
} from './device.js'
export { openGeoReader, createGeoLookup, defaultGeoDbPath, geoFromRecord, type Geo, type GeoLookup } from './geo.js'
export { anonymizeIp, canonicalIp, isNonPublicIp, IP_MODES, isIpMode, type IpMode } from './ip.js'
