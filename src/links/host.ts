// Normalises a request `Host` header (or a configured domain) into the form link domains are stored
// in: lower-case, no port, no trailing dot, IDNs as punycode, IPv6 literals kept in brackets.
// Anything that is not a plausible host becomes null, so callers can answer 404 instead of looking up garbage.
import { isIPv4, isIPv6 } from 'node:net'
import { domainToASCII } from 'node:url'

const MAX_HOST_LENGTH = 253
const MAX_HEADER_LENGTH = 300
// Underscores are not valid in DNS host names but do occur in internal names; they are harmless here.
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/
const PORT = /^[0-9]{1,5}$/

export interface HostAndPort {
  host: string
  port: number | null
}

export function parseHost (hostHeader: string | undefined): HostAndPort | null {
  if (typeof hostHeader !== 'string') return null
  const raw = hostHeader.trim()
  if (raw === '' || raw.length > MAX_HEADER_LENGTH) return null

  let hostPart: string
  let portPart: string | undefined
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']')
    if (close === -1) return null
    hostPart = raw.slice(0, close + 1)
    const rest = raw.slice(close + 1)
    if (rest !== '') {
      if (!rest.startsWith(':')) return null
      portPart = rest.slice(1)
    }
  } else {
    const colon = raw.indexOf(':')
    if (colon !== -1) {
      // A second colon means an unbracketed IPv6 address, which a Host header cannot carry.
      if (raw.indexOf(':', colon + 1) !== -1) return null
      portPart = raw.slice(colon + 1)
      hostPart = raw.slice(0, colon)
    } else {
      hostPart = raw
    }
  }

  const port = portPart === undefined ? null : parsePort(portPart)
  if (port === undefined) return null
  const host = normalizeHostname(hostPart)
  return host === null ? null : { host, port }
}

export function normalizeHost (hostHeader: string | undefined): string | null {
  return parseHost(hostHeader)?.host ?? null
}

// `host[:port]` with the port only when it is not a default one (how QR and share URLs show the host).
export function hostForUrl ({ host, port }: HostAndPort): string {
  return port === null || port === 80 || port === 443 ? host : `${host}:${port}`
}

function parsePort (text: string): number | null | undefined {
  if (!PORT.test(text)) return undefined
  const port = Number(text)
  return port >= 1 && port <= 65535 ? port : undefined
}

function normalizeHostname (hostPart: string): string | null {
  if (hostPart.startsWith('[')) {
    const inner = hostPart.slice(1, -1).toLowerCase()
    if (!isIPv6(inner)) return null
    // Round-trip through the URL parser for the canonical compressed form (`[0:0::1]` → `[::1]`).
    return new URL(`http://[${inner}]/`).hostname
  }
  let host = hostPart.toLowerCase()
  if (host.endsWith('.')) host = host.slice(0, -1)
  if (isIPv4(host)) return host
  // The IDN converter silently drops tab/CR/LF (WHATWG), so refuse ASCII controls and spaces first.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\x00-\x20\x7f]/.test(host)) return null
  // Non-ASCII names (a raw IDN) are converted to punycode; invalid ones come back empty.
  if (/[^\x21-\x7e]/.test(host)) host = domainToASCII(host)
  if (host === '' || host.length > MAX_HOST_LENGTH) return null
  return host.split('.').every(label => LABEL.test(label)) ? host : null
}
