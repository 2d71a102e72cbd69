// QR codes of short links (reference §5.7): query parsing with upstream's exact 400 messages and
// defaults, deterministic SVG/PNG rendering (identical parameters → identical bytes, so caches and
// concurrent requests agree), the encoded content URL (`…/<key>?qr=1`, so scans are told apart) and cache key.
import { createHash } from 'node:crypto'
import QRCode from 'qrcode'
import { encodeQrPng, pngSide } from './qr-png.js'

export const QR_FORMATS = ['svg', 'png'] as const
export type QrFormat = typeof QR_FORMATS[number]
export const QR_EC_LEVELS = ['low', 'medium', 'quartile', 'high'] as const
export type QrEcLevel = typeof QR_EC_LEVELS[number]

export interface QrOptions {
  format: QrFormat
  size: number // pixels per module, 1..50
  fg: string // 6 lower-case hex digits, no '#'
  bg: string
  ec: QrEcLevel
}

export const QR_DEFAULTS: Readonly<QrOptions> = Object.freeze({ format: 'svg', size: 10, fg: '000000', bg: 'ffffff', ec: 'low' })
export const MIN_QR_SIZE = 1
export const MAX_QR_SIZE = 50
// The standard four-module quiet zone, so codes scan on any background.
export const QR_MARGIN = 4
// No image is larger than this many pixels a side (issue 14 item 4): a long URL at high error
// correction and size 50 would otherwise be a 5,000-pixel image (a short link at size 50 fits).
export const MAX_QR_PIXELS = 3000

export const QR_MESSAGES = {
  format: 'Invalid format. Must be svg or png.',
  size: 'Invalid size. Must be integer 1..50.',
  fg: 'Invalid fg. Must be 6-character hex color.',
  bg: 'Invalid bg. Must be 6-character hex color.',
  ec: 'Invalid ec. Must be low, medium, quartile, or high.',
  tooLarge: `Invalid size. The image would exceed ${MAX_QR_PIXELS} pixels a side; use a smaller size.`,
  renderFailed: 'QR generation failed'
} as const

export const QR_CONTENT_TYPES: Readonly<Record<QrFormat, string>> = { svg: 'image/svg+xml', png: 'image/png' }

export const QR_RESPONSE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-frame-options': 'DENY'
} as const

export const QR_CACHE_MAX_TTL_MS = 24 * 60 * 60 * 1000

export type QrParamsCheck = { ok: true, opts: QrOptions } | { ok: false, message: string }
export type QrQuery = URLSearchParams | Readonly<Record<string, unknown>>

const HEX_COLOR = /^[0-9a-fA-F]{6}$/
const SIZE = /^[0-9]{1,4}$/

// Validated in upstream's order (format, size, fg, bg, ec); the first failure is the answer.
export function parseQrParams (query: QrQuery): QrParamsCheck {
  const format = param(query, 'format')
  if (format !== undefined && !isOneOf(QR_FORMATS, format)) return { ok: false, message: QR_MESSAGES.format }

  const sizeText = param(query, 'size')
  const size = sizeText === undefined ? QR_DEFAULTS.size : parseSize(sizeText)
  if (size === null) return { ok: false, message: QR_MESSAGES.size }

  const fg = param(query, 'fg')
  if (fg !== undefined && (fg === null || !HEX_COLOR.test(fg))) return { ok: false, message: QR_MESSAGES.fg }
  const bg = param(query, 'bg')
  if (bg !== undefined && (bg === null || !HEX_COLOR.test(bg))) return { ok: false, message: QR_MESSAGES.bg }

  const ec = param(query, 'ec')
  if (ec !== undefined && !isOneOf(QR_EC_LEVELS, ec)) return { ok: false, message: QR_MESSAGES.ec }

  return {
    ok: true,
    opts: {
      format: format ?? QR_DEFAULTS.format,
      size,
      fg: fg?.toLowerCase() ?? QR_DEFAULTS.fg,
      bg: bg?.toLowerCase() ?? QR_DEFAULTS.bg,
      ec: ec ?? QR_DEFAULTS.ec
    }
  }
}

const EC_CODES: Readonly<Record<QrEcLevel, QRCode.QRCodeErrorCorrectionLevel>> = { low: 'L', medium: 'M', quartile: 'Q', high: 'H' }

export interface RenderedQr {
  body: Buffer | string
  contentType: string
  /** Strong validator of the body: identical parameters give identical bytes, hence the same tag. */
  etag: string
}

/** The symbol for `text`, or null when its image would exceed MAX_QR_PIXELS at this size (400 tooLarge). */
export function qrMatrix (text: string, opts: Pick<QrOptions, 'ec' | 'size'>): QRCode.QRCode['modules'] | null {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: EC_CODES[opts.ec] })
  return pngSide(modules.size, QR_MARGIN, opts.size) > MAX_QR_PIXELS ? null : modules
}

function etagOf (body: Buffer | string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
}

export async function renderQr (text: string, opts: QrOptions, matrix = qrMatrix(text, opts)): Promise<RenderedQr> {
  if (matrix === null) throw new RangeError(QR_MESSAGES.tooLarge)
  if (opts.format === 'png') {
    const body = await encodeQrPng(matrix, { margin: QR_MARGIN, scale: opts.size, fg: opts.fg, bg: opts.bg })
    return { body, contentType: QR_CONTENT_TYPES.png, etag: etagOf(body) }
  }
  // The SVG renderer ignores `scale`; give it the pixel width that scale would produce.
  const width = pngSide(matrix.size, QR_MARGIN, opts.size)
  const body = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: EC_CODES[opts.ec], margin: QR_MARGIN, width, color: { dark: `#${opts.fg}`, light: `#${opts.bg}` } })
  return { body, contentType: QR_CONTENT_TYPES.svg, etag: etagOf(body) }
}

export interface QrContent {
  scheme?: 'http' | 'https'
  host: string // `host[:port]`, port only when not 80/443 (host.ts hostForUrl)
  pathPrefix?: string
  key: string
}

export function qrContentUrl ({ scheme = 'https', host, pathPrefix = '', key }: QrContent): string {
  return `${scheme}://${host}${normalizePathPrefix(pathPrefix)}/${encodeURIComponent(key)}?qr=1`
}

// The prefix the service is mounted under, read from the QR request path (`/r/abc/qr` → `/r`);
// falls back to the configured prefix when the path does not end in `/<key>/qr`.
export function pathPrefixFromQrPath (requestPath: string, key: string, configuredPrefix = ''): string {
  const path = requestPath.split('?')[0]
  const suffix = `/${key}/qr`
  return path.endsWith(suffix) ? normalizePathPrefix(path.slice(0, -suffix.length)) : normalizePathPrefix(configuredPrefix)
}

// '' or '/a/b': one leading slash, no trailing or doubled slashes.
export function normalizePathPrefix (prefix: string): string {
  const segments = prefix.split('/').filter(segment => segment !== '')
  return segments.length === 0 ? '' : `/${segments.join('/')}`
}

// The encoded URL already carries scheme, domain, prefix and key.
export function qrCacheKey (opts: QrOptions, url: string): string {
  return JSON.stringify(['qr', url, opts.format, opts.size, opts.fg, opts.bg, opts.ec])
}

// Cache a rendering for a day, but never beyond the link's expiry.
export function qrCacheTtlMs (expiresAt: Date | null, nowMs: number): number {
  if (expiresAt === null) return QR_CACHE_MAX_TTL_MS
  return Math.max(0, Math.min(QR_CACHE_MAX_TTL_MS, expiresAt.getTime() - nowMs))
}

// undefined = absent (use the default); null = present but not a single string (repeated or nested).
function param (query: QrQuery, name: string): string | null | undefined {
  if (query instanceof URLSearchParams) {
    const values = query.getAll(name)
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : null
  }
  const value = query[name]
  if (value === undefined) return undefined
  return typeof value === 'string' ? value : null
}

function parseSize (text: string | null): number | null {
  if (text === null || !SIZE.test(text)) return null
  const size = Number(text)
  return size >= MIN_QR_SIZE && size <= MAX_QR_SIZE ? size : null
}

function isOneOf<T extends string> (set: readonly T[], value: string | null): value is T {
  return value !== null && (set as readonly string[]).includes(value)
}
