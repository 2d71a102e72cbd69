// UUIDv7 (RFC 9562): time-ordered ids made by the application, so inserts stay index-friendly
// and an id tells when it was made.
import { randomBytes } from 'node:crypto'

// Ids are made on every redirect and beacon: draw their randomness from a pooled buffer instead of
// a getrandom() call per id.
const POOL_SIZE = 4096
let pool = randomBytes(POOL_SIZE)
let offset = 0
function takeRandom (into: Buffer): void {
  if (offset + into.length > POOL_SIZE) { pool = randomBytes(POOL_SIZE); offset = 0 }
  pool.copy(into, 0, offset, offset + into.length)
  offset += into.length
}

let lastMs = 0
let seq = 0

export function uuidv7 (now = Date.now()): string {
  // A monotonic 12-bit counter in rand_a keeps ids made in the same millisecond ordered.
  if (now <= lastMs) { seq = (seq + 1) & 0xfff; if (seq === 0) lastMs += 1; now = lastMs } else { lastMs = now; seq = 0 }
  const b = Buffer.allocUnsafe(16)
  takeRandom(b)
  b.writeUIntBE(now, 0, 6)
  b[6] = 0x70 | (seq >> 8)
  b[7] = seq & 0xff
  b[8] = (b[8] & 0x3f) | 0x80
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/**
 * A UUIDv7 whose time is exactly `ms` (no monotonic adjustment): events take the time they
 * happened, so the id order is the time order and a range of ids is a range of time (the events
 * table's primary key serves time windows without an index of its own).
 */
let lastAtMs = -1
let atSeq = 0

export function uuidv7At (ms: number): string {
  const at = Math.max(0, Math.floor(ms))
  // Ids of one millisecond keep their making order (a 12-bit counter in rand_a), as uuidv7() does.
  atSeq = at === lastAtMs ? (atSeq + 1) & 0xfff : 0
  lastAtMs = at
  const b = Buffer.allocUnsafe(16)
  takeRandom(b)
  b.writeUIntBE(at, 0, 6)
  b[6] = 0x70 | (atSeq >> 8)
  b[7] = atSeq & 0xff
  b[8] = (b[8] & 0x3f) | 0x80
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** The smallest UUID of millisecond `ms` (inclusive bound of an id range). */
export function uuidTimeFloor (ms: number): string {
  const h = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-0000-0000-000000000000`
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export function isUuid (s: unknown): s is string {
  return typeof s === 'string' && UUID_RE.test(s)
}
