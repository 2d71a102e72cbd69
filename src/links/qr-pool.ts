// Renders QR codes on worker threads (qr-worker.ts), so a flood of uncached renders costs the
// event loop only a message each way. Jobs go to the worker with the fewest in flight; a worker
// that dies fails its jobs and is replaced on the next job. `close()` ends the workers.
import { Worker } from 'node:worker_threads'
import type { QrOptions, RenderedQr } from './qr.js'

export type PoolAnswer = { qr: RenderedQr } | { tooLarge: true }

interface Slot { worker: Worker, pending: Map<number, { resolve: (a: PoolAnswer) => void, reject: (e: Error) => void }> }

// Compiled (dist) the worker is a .js file beside this one; run from source (tsx, tap) a .ts file.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './qr-worker.ts' : './qr-worker.js', import.meta.url)

export class QrRenderPool {
  private readonly slots: Array<Slot | null>
  private nextId = 1
  private closed = false

  constructor (size = 2) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => null)
  }

  async render (text: string, opts: QrOptions): Promise<PoolAnswer> {
    if (this.closed) throw new Error('QR render pool is closed')
    const index = this.pick()
    const slot = this.slots[index] ?? this.start(index)
    const id = this.nextId++
    return await new Promise<PoolAnswer>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject })
      slot.worker.postMessage({ id, text, opts })
    })
  }

  async close (): Promise<void> {
    this.closed = true
    await Promise.all(this.slots.map(async slot => { if (slot !== null) await slot.worker.terminate() }))
  }

  private pick (): number {
    let best = 0
    for (let i = 1; i < this.slots.length; i++) {
      if ((this.slots[i]?.pending.size ?? 0) < (this.slots[best]?.pending.size ?? 0)) best = i
    }
    return best
  }

  private start (index: number): Slot {
    const worker = new Worker(WORKER_URL)
    worker.unref()
    const slot: Slot = { worker, pending: new Map() }
    worker.on('message', (msg: { id: number, qr?: RenderedQr & { body: Uint8Array | string }, tooLarge?: true, error?: string }) => {
      const job = slot.pending.get(msg.id)
      if (job === undefined) return
      slot.pending.delete(msg.id)
      if (msg.error !== undefined) job.reject(new Error(msg.error))
      else if (msg.tooLarge === true) job.resolve({ tooLarge: true })
      else if (msg.qr !== undefined) {
        // Buffers arrive as plain Uint8Arrays: wrap without copying.
        const body = typeof msg.qr.body === 'string' ? msg.qr.body : Buffer.from(msg.qr.body.buffer, msg.qr.body.byteOffset, msg.qr.body.byteLength)
        job.resolve({ qr: { ...msg.qr, body } })
      }
    })
    const fail = (err: Error): void => {
      for (const job of slot.pending.values()) job.reject(err)
      slot.pending.clear()
      if (this.slots[index] === slot) this.slots[index] = null
    }
    worker.on('error', fail)
    worker.on('exit', code => { fail(new Error(`QR worker exited with code ${code}`)) })
    this.slots[index] = slot
    return slot
  }
}
