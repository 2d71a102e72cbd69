// Guards the QR endpoint's pure parts (reference §5.7): parameter validation order, exact 400
// messages and defaults; byte-identical SVG/PNG for identical options; the encoded `?qr=1` URL.
import t from 'tap'
import { crc32, inflateSync } from 'node:zlib'
import QRCode from 'qrcode'
import {
  QR_DEFAULTS, QR_MESSAGES, normalizePathPrefix, parseQrParams, pathPrefixFromQrPath, qrCacheKey,
  qrCacheTtlMs, qrContentUrl, renderQr, type QrOptions, type QrQuery
} from './qr.js'

const VALID: Array<[string, QrQuery, QrOptions]> = [
  ['defaults', {}, { format: 'svg', size: 10, fg: '000000', bg: 'ffffff', ec: 'low' }],
  ['png', { format: 'png' }, { ...QR_DEFAULTS, format: 'png' }],
  ['size 1', { size: '1' }, { ...QR_DEFAULTS, size: 1 }],
  ['size 50', new URLSearchParams('size=50'), { ...QR_DEFAULTS, size: 50 }],
  ['leading zero size', { size: '05' }, { ...QR_DEFAULTS, size: 5 }],
  ['colours lower-cased', { fg: 'FF00aa', bg: 'ABCDEF' }, { ...QR_DEFAULTS, fg: 'ff00aa', bg: 'abcdef' }],
  ['every ec level', { ec: 'quartile' }, { ...QR_DEFAULTS, ec: 'quartile' }],
  ['unrelated params ignored', { foo: 'bar', qr: '1' }, QR_DEFAULTS]
]

for (const [name, query, want] of VALID) {
  t.test(`parseQrParams accepts ${name}`, async t => {
    t.same(parseQrParams(query), { ok: true, opts: want })
  })
}

const INVALID: Array<[string, QrQuery, string]> = [
  ['size=0', { size: '0' }, QR_MESSAGES.size],
  ['size=51', { size: '51' }, QR_MESSAGES.size],
  ['size=abc', { size: 'abc' }, QR_MESSAGES.size],
  ['size=5px', { size: '5px' }, QR_MESSAGES.size],
  ['size=-5', { size: '-5' }, QR_MESSAGES.size],
  ['size=2.5', { size: '2.5' }, QR_MESSAGES.size],
  ['size empty', { size: '' }, QR_MESSAGES.size],
  ['size repeated', new URLSearchParams('size=5&size=6'), QR_MESSAGES.size],
  ['fg=red', { fg: 'red' }, QR_MESSAGES.fg],
  ['fg with #', { fg: '#000000' }, QR_MESSAGES.fg],
  ['fg 3 digits', { fg: 'fff' }, QR_MESSAGES.fg],
  ['bg not hex', { bg: 'gggggg' }, QR_MESSAGES.bg],
  ['bg as array', { bg: ['ffffff', '000000'] }, QR_MESSAGES.bg],
  ['format=gif', { format: 'gif' }, QR_MESSAGES.format],
  ['format upper case', { format: 'SVG' }, QR_MESSAGES.format],
  ['ec=max', { ec: 'max' }, QR_MESSAGES.ec],
  ['ec=L', { ec: 'L' }, QR_MESSAGES.ec],
  ['format checked before size', { format: 'gif', size: '0' }, QR_MESSAGES.format],
  ['size checked before fg', { size: '0', fg: 'red' }, QR_MESSAGES.size],
  ['fg checked before bg', { fg: 'red', bg: 'red' }, QR_MESSAGES.fg],
  ['bg checked before ec', { bg: 'red', ec: 'max' }, QR_MESSAGES.bg]
]

for (const [name, query, message] of INVALID) {
  t.test(`parseQrParams rejects ${name}`, async t => {
    t.same(parseQrParams(query), { ok: false, message })
  })
}

t.test('exact upstream messages', async t => {
  t.equal(QR_MESSAGES.size, 'Invalid size. Must be integer 1..50.')
  t.equal(QR_MESSAGES.fg, 'Invalid fg. Must be 6-character hex color.')
  t.equal(QR_MESSAGES.bg, 'Invalid bg. Must be 6-character hex color.')
  t.equal(QR_MESSAGES.format, 'Invalid format. Must be svg or png.')
  t.equal(QR_MESSAGES.ec, 'Invalid ec. Must be low, medium, quartile, or high.')
})

const TEXT = 'https://go.example.com/abc?qr=1'

t.test('SVG: colours, size and determinism', async t => {
  const opts: QrOptions = { ...QR_DEFAULTS, size: 3, fg: '112233', bg: 'aabbcc' }
  const a = await renderQr(TEXT, opts)
  const b = await renderQr(TEXT, { ...opts })
  t.equal(a.contentType, 'image/svg+xml')
  t.type(a.body, 'string')
  t.equal(a.body, b.body, 'byte-identical for identical options')
  const svg = a.body as string
  t.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  t.match(svg, /stroke="#112233"/)
  t.match(svg, /fill="#aabbcc"/)
  const modules = QRCode.create(TEXT, { errorCorrectionLevel: 'L' }).modules.size
  t.match(svg, new RegExp(`width="${(modules + 8) * 3}"`))
  const other = await renderQr(TEXT, { ...opts, ec: 'high' })
  t.not(other.body, a.body, 'ec changes the symbol')
})

t.test('PNG: magic bytes, determinism, scale', async t => {
  const opts: QrOptions = { ...QR_DEFAULTS, format: 'png', size: 2 }
  const a = await renderQr(TEXT, opts)
  const b = await renderQr(TEXT, opts)
  t.equal(a.contentType, 'image/png')
  t.ok(Buffer.isBuffer(a.body))
  const png = a.body as Buffer
  t.same([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  t.ok(png.equals(b.body as Buffer), 'byte-identical for identical options')
  const modules = QRCode.create(TEXT, { errorCorrectionLevel: 'L' }).modules.size
  t.equal(png.readUInt32BE(16), (modules + 8) * 2, 'IHDR width = (modules + margins) × size')
})

const CONTENT: Array<[string, Parameters<typeof qrContentUrl>[0], string]> = [
  ['defaults to https, no prefix', { host: 'go.example.com', key: 'abc' }, 'https://go.example.com/abc?qr=1'],
  ['port and prefix', { host: 'localhost:3000', key: 'abc', pathPrefix: '/r/', scheme: 'http' }, 'http://localhost:3000/r/abc?qr=1'],
  ['prefix without slash', { host: 'go.example.com', key: 'a_b-C', pathPrefix: 'links' }, 'https://go.example.com/links/a_b-C?qr=1']
]

for (const [name, input, want] of CONTENT) {
  t.test(`qrContentUrl: ${name}`, async t => {
    t.equal(qrContentUrl(input), want)
  })
}

const PREFIXES: Array<[string, string, string, string, string]> = [
  ['root', '/abc/qr', 'abc', '', ''],
  ['mounted', '/r/abc/qr', 'abc', '', '/r'],
  ['deeper', '/x/y/abc/qr?size=5', 'abc', '', '/x/y'],
  ['path does not match: configured prefix', '/other', 'abc', 'go/', '/go']
]

for (const [name, path, key, configured, want] of PREFIXES) {
  t.test(`pathPrefixFromQrPath: ${name}`, async t => {
    t.equal(pathPrefixFromQrPath(path, key, configured), want)
  })
}

t.test('normalizePathPrefix', async t => {
  for (const [input, want] of [['', ''], ['/', ''], ['//r//', '/r'], ['a/b', '/a/b']]) t.equal(normalizePathPrefix(input), want, input)
})

t.test('qrCacheKey differs per parameter and URL', async t => {
  const base = qrCacheKey(QR_DEFAULTS, TEXT)
  t.equal(qrCacheKey({ ...QR_DEFAULTS }, TEXT), base)
  const variants = [
    qrCacheKey({ ...QR_DEFAULTS, format: 'png' }, TEXT),
    qrCacheKey({ ...QR_DEFAULTS, size: 11 }, TEXT),
    qrCacheKey({ ...QR_DEFAULTS, fg: '000001' }, TEXT),
    qrCacheKey({ ...QR_DEFAULTS, bg: 'fffffe' }, TEXT),
    qrCacheKey({ ...QR_DEFAULTS, ec: 'high' }, TEXT),
    qrCacheKey(QR_DEFAULTS, 'https://other.example/abc?qr=1')
  ]
  t.equal(new Set([base, ...variants]).size, variants.length + 1)
})

const NOW = Date.parse('2026-07-01T00:00:00Z')
const TTL: Array<[string, Date | null, number]> = [
  ['no expiry: a day', null, 86_400_000],
  ['expires in an hour', new Date(NOW + 3_600_000), 3_600_000],
  ['expires in a week: a day', new Date(NOW + 7 * 86_400_000), 86_400_000],
  ['already expired: zero', new Date(NOW - 1000), 0]
]

for (const [name, expiresAt, want] of TTL) {
  t.test(`qrCacheTtlMs: ${name}`, async t => {
    t.equal(qrCacheTtlMs(expiresAt, NOW), want)
  })
}

t.test('PNG decodes to the symbol: quiet zone in bg, every module in its colour (1-bit palette)', async t => {
  const opts: QrOptions = { format: 'png', size: 3, fg: '123456', bg: 'fedcba', ec: 'quartile' }
  const png = (await renderQr(TEXT, opts)).body as Buffer
  // Walk the chunks (length, type, data, crc) and check each CRC.
  const chunks = new Map<string, Buffer>()
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    const data = png.subarray(at + 8, at + 8 + length)
    t.equal(png.readUInt32BE(at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)) >>> 0, `${type} crc`)
    chunks.set(type, data)
    at += 12 + length
  }
  const ihdr = chunks.get('IHDR') as Buffer
  const side = ihdr.readUInt32BE(0)
  t.same([ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]], [1, 3, 0, 0, 0], '1-bit palette, no interlace')
  t.same([...(chunks.get('PLTE') as Buffer)], [0xfe, 0xdc, 0xba, 0x12, 0x34, 0x56], 'palette: bg, fg')
  t.ok(chunks.has('IEND'))
  const raw = inflateSync(chunks.get('IDAT') as Buffer)
  const stride = 1 + Math.ceil(side / 8)
  const symbol = QRCode.create(TEXT, { errorCorrectionLevel: 'Q' }).modules
  t.equal(side, (symbol.size + 8) * 3)
  let mismatches = 0
  for (let y = 0; y < side; y++) {
    if (raw[y * stride] !== 0) mismatches++
    for (let x = 0; x < side; x++) {
      const bit = (raw[y * stride + 1 + (x >> 3)] >> (7 - (x & 7))) & 1
      const r = Math.floor(y / 3) - 4
      const c = Math.floor(x / 3) - 4
      const dark = r >= 0 && c >= 0 && r < symbol.size && c < symbol.size && Boolean(symbol.get(r, c))
      if (bit !== (dark ? 1 : 0)) mismatches++
    }
  }
  t.equal(mismatches, 0, 'every pixel as the symbol says')
})
