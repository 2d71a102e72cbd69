// A two-colour PNG of a QR matrix, encoded so that the event loop only lays out bits: 1-bit
// palette pixels (a 2,000-pixel-wide image is 250 bytes a row), each module row built once and
// copied `scale` times, and the deflate done by zlib on the libuv pool (issue 14 item 4: qrcode's
// own PNG writer deflated ~0.3 s of RGBA on the main thread for a size-50, high-EC code).
import { crc32, deflate } from 'node:zlib'
import { promisify } from 'node:util'

const deflateAsync = promisify(deflate)
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export interface Matrix { size: number, get: (row: number, col: number) => number | boolean }

function chunk (type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0)
  return Buffer.concat([head, data, crc])
}

function rgb (hex: string): number[] {
  return [0, 2, 4].map(i => parseInt(hex.slice(i, i + 2), 16))
}

/** Side in pixels of the image for a matrix of `modules` modules. */
export function pngSide (modules: number, margin: number, scale: number): number {
  return (modules + 2 * margin) * scale
}

/** Deterministic: the same matrix and options always give the same bytes. */
export async function encodeQrPng (matrix: Matrix, opts: { margin: number, scale: number, fg: string, bg: string }): Promise<Buffer> {
  const { margin, scale } = opts
  const cells = matrix.size + 2 * margin
  const side = cells * scale
  const stride = 1 + Math.ceil(side / 8) // filter byte (0 = none) + the row's bits
  const raw = Buffer.alloc(stride * side)
  const row = Buffer.alloc(stride)
  for (let y = 0; y < cells; y++) {
    row.fill(0)
    const r = y - margin
    if (r >= 0 && r < matrix.size) {
      for (let c = 0; c < matrix.size; c++) {
        if (!matrix.get(r, c)) continue
        // Palette index 1 (the foreground) for every pixel of this module.
        for (let x = (c + margin) * scale, end = x + scale; x < end; x++) row[1 + (x >> 3)] |= 0x80 >> (x & 7)
      }
    }
    for (let k = 0; k < scale; k++) row.copy(raw, (y * scale + k) * stride)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(side, 0)
  ihdr.writeUInt32BE(side, 4)
  ihdr[8] = 1 // bit depth
  ihdr[9] = 3 // colour type: palette
  const palette = Buffer.from([...rgb(opts.bg), ...rgb(opts.fg)])
  const idat = await deflateAsync(raw, { level: 9 })
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('PLTE', palette), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))])
}
