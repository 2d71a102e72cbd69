// Group commit (DESIGN §5). Writers enqueue; the buffer flushes every few milliseconds or every
// maxBatch items as one transaction, and each writer's promise settles with that transaction.
//
// Two ways in:
//   enqueue(item) → Promise: settles only after the batch holding the item committed (beacons,
//     the REST API: their 2xx means "durable"). When the database fails, the batch's writers get
//     a 503 error and nothing is acknowledged; while it stays down, new writers are refused at once.
//   push(item) → boolean: fire-and-forget for work already acknowledged to the client (redirect
//     clicks). Items stay queued and are retried with backoff until they commit; close() drains them.
// Either way the queue is bounded by maxPending: beyond it new items are refused, never buffered.

const RATE_WINDOW_MS = 2000

export class BufferUnavailable extends Error {
  readonly statusCode = 503
  readonly code = 'INGEST_UNAVAILABLE'
  constructor (message: string, readonly retryAfter = 1) { super(message) }
}

export interface IngestBufferOptions<T> {
  name: string
  /** Writes the whole batch in one transaction: all or nothing. */
  flush: (items: T[]) => Promise<void>
  flushMs: number
  maxBatch: number
  maxPending: number
  /** Flushes allowed in flight at once (each on its own connection). */
  concurrency?: number
  /**
   * For push(): hold the queue to about this many milliseconds of the measured commit rate (at
   * least two batches), so an item pushed under sustained overload is stored within that time
   * and the pusher is held back instead. maxPending stays the hard bound.
   */
  maxLagMs?: number
  onError?: (err: unknown, batchSize: number) => void
}

interface Waiting<T> {
  item: T
  resolve?: () => void
  reject?: (err: Error) => void
  attempts: number
}

export interface IngestStats { pending: number, inFlight: number, committed: number, failedBatches: number, refused: number }

export class IngestBuffer<T> {
  // Durable writers (enqueue) go first: a beacon that awaits its commit must not queue behind up to
  // a second of already-acknowledged clicks. Each queue keeps its own arrival order.
  private urgent: Array<Waiting<T>> = []
  private queue: Array<Waiting<T>> = []
  private inFlight = 0
  private inFlightItems = 0
  private timer: NodeJS.Timeout | null = null
  private downUntil = 0
  private backoffMs = 0
  private closed = false
  /** Set when close() gave up: nothing is scheduled any more. */
  private drained = false
  private idleWaiters: Array<() => void> = []
  private roomWaiters: Array<() => void> = []
  readonly stats: IngestStats = { pending: 0, inFlight: 0, committed: 0, failedBatches: 0, refused: 0 }
  /** Commits of the last RATE_WINDOW_MS: [time, items]. */
  private recentCommits: Array<[number, number]> = []
  /** How many items push() may hold (see maxLagMs): set at each commit, read by every push. */
  private limit: number

  constructor (private readonly opts: IngestBufferOptions<T>) {
    this.limit = opts.maxLagMs === undefined ? opts.maxPending : Math.min(opts.maxPending, 2 * opts.maxBatch)
  }

  private get queued (): number { return this.urgent.length + this.queue.length }

  private take (n: number): Array<Waiting<T>> {
    const batch = this.urgent.splice(0, n)
    return batch.length < n ? batch.concat(this.queue.splice(0, n - batch.length)) : batch
  }

  get pending (): number { return this.queued + this.inFlightItems }

  get pushLimit (): number { return this.limit }

  /** The commit rate over the last RATE_WINDOW_MS, as maxLagMs worth of items. */
  private noteCommit (items: number): void {
    if (this.opts.maxLagMs === undefined) return
    const now = Date.now()
    this.recentCommits.push([now, items])
    while (this.recentCommits[0][0] < now - RATE_WINDOW_MS) this.recentCommits.shift()
    const perSecond = this.recentCommits.reduce((sum, [, n]) => sum + n, 0) / (RATE_WINDOW_MS / 1000)
    this.limit = Math.min(this.opts.maxPending, Math.max(2 * this.opts.maxBatch, Math.round(perSecond * this.opts.maxLagMs / 1000)))
  }

  enqueue (item: T): Promise<void> {
    if (this.closed) return Promise.reject(new BufferUnavailable('Shutting down, retry later'))
    if (Date.now() < this.downUntil) { this.stats.refused++; return Promise.reject(new BufferUnavailable('Database unavailable, retry later', 2)) }
    if (this.pending >= this.opts.maxPending) { this.stats.refused++; return Promise.reject(new BufferUnavailable('Ingest queue is full, retry later')) }
    return new Promise((resolve, reject) => {
      this.urgent.push({ item, resolve, reject, attempts: 0 })
      this.schedule()
    })
  }

  /**
   * push() with backpressure: waits until the queue has room and queues the item in the same
   * step, so writers woken together cannot all see the same free slot and overshoot it (the ones
   * that lost would have been dropped). False after maxWaitMs, or at once while the database is
   * failing (then waiting would only stall the caller).
   */
  async pushWhenRoom (item: T, maxWaitMs: number): Promise<boolean> {
    const deadline = Date.now() + maxWaitMs
    while (!this.tryPush(item)) {
      if (this.closed || Date.now() >= deadline || Date.now() < this.downUntil) { this.stats.refused++; return false }
      await new Promise<void>(resolve => {
        const t = setTimeout(resolve, 10)
        this.roomWaiters.push(() => { clearTimeout(t); resolve() })
      })
    }
    return true
  }

  push (item: T): boolean {
    if (this.tryPush(item)) return true
    this.stats.refused++
    return false
  }

  private tryPush (item: T): boolean {
    if (this.pending >= this.limit) return false
    this.queue.push({ item, attempts: 0 })
    this.schedule()
    return true
  }

  private schedule (): void {
    const backingOff = Date.now() < this.downUntil
    // A full batch goes at once, but never during a backoff: retrying failed flushes straight
    // from their own completion would spin on microtasks and starve the event loop.
    if (this.queued >= this.opts.maxBatch && !backingOff) { this.kick(); return }
    if (this.timer === null) {
      const wait = backingOff ? Math.max(this.opts.flushMs, this.downUntil - Date.now()) : this.opts.flushMs
      this.timer = setTimeout(() => { this.timer = null; this.kick() }, wait)
    }
  }

  private kick (): void {
    while (this.queued > 0 && this.inFlight < (this.opts.concurrency ?? 2)) {
      const batch = this.take(this.opts.maxBatch)
      void this.flushBatch(batch)
    }
  }

  private async flushBatch (batch: Array<Waiting<T>>): Promise<void> {
    this.inFlight++
    this.inFlightItems += batch.length
    try {
      await this.opts.flush(batch.map(w => w.item))
      this.stats.committed += batch.length
      this.noteCommit(batch.length)
      this.backoffMs = 0
      this.downUntil = 0
      for (const w of batch) w.resolve?.()
    } catch (err) {
      this.stats.failedBatches++
      this.opts.onError?.(err, batch.length)
      this.backoffMs = Math.min(Math.max(this.backoffMs * 2, 50), 2000)
      this.downUntil = Date.now() + this.backoffMs
      const retry: Array<Waiting<T>> = []
      for (const w of batch) {
        if (w.reject !== undefined) w.reject(new BufferUnavailable('Could not persist, retry later', 2))
        else { w.attempts++; retry.push(w) }
      }
      // Acknowledged items go back to the front, in order, and wait for the backoff.
      if (retry.length > 0) this.queue.unshift(...retry)
    } finally {
      this.inFlight--
      this.inFlightItems -= batch.length
      this.stats.inFlight = this.inFlight
      this.stats.pending = this.pending
      for (const fn of this.roomWaiters.splice(0)) fn()
      // What queued up while this batch was in flight goes at once (group commit: batches grow
      // with the load instead of each waiting out a timer); after a failure schedule() waits out
      // the backoff.
      if (this.queued > 0 && !this.drained) {
        if (Date.now() < this.downUntil) this.schedule()
        else this.kick()
      } else if (this.inFlight === 0) for (const fn of this.idleWaiters.splice(0)) fn()
    }
  }

  /** Flushes everything queued; keeps retrying acknowledged items until the deadline. */
  async close (deadlineMs = 8000): Promise<void> {
    this.closed = true
    const deadline = Date.now() + deadlineMs
    while ((this.queued > 0 || this.inFlight > 0) && Date.now() < deadline) {
      if (this.timer !== null) { clearTimeout(this.timer); this.timer = null }
      if (this.inFlight === 0 && Date.now() >= this.downUntil) this.kick()
      await new Promise<void>(resolve => {
        const t = setTimeout(resolve, 20)
        this.idleWaiters.push(() => { clearTimeout(t); resolve() })
      })
    }
    this.drained = true
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null }
    const lost = this.take(this.queued)
    for (const w of lost) w.reject?.(new BufferUnavailable('Shutting down, retry later'))
    const unacknowledged = lost.filter(w => w.reject === undefined).length
    if (unacknowledged > 0) this.opts.onError?.(new Error(`${unacknowledged} queued item(s) could not be written before shutdown`), unacknowledged)
  }

  /** Resolves when nothing is queued or in flight (tests, and the soak's reconciliation). */
  async idle (): Promise<void> {
    while (this.queued > 0 || this.inFlight > 0) {
      await new Promise<void>(resolve => { this.idleWaiters.push(resolve); setTimeout(resolve, 20) })
    }
  }
}
