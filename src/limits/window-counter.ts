// Fixed-window counters in memory (bounded LRU): `hit(key)` counts one attempt and says whether it
// is within `max` for the current window, and when the window ends. Pure apart from the clock given.
import { LRUCache } from 'lru-cache'

export interface Hit { allowed: boolean, retryAfterS: number }

export class WindowCounter {
  private readonly windows: LRUCache<string, { count: number, resetAt: number }>

  constructor (private readonly max: number, private readonly windowMs: number, size = 50_000) {
    this.windows = new LRUCache({ max: size })
  }

  hit (key: string, nowMs = Date.now()): Hit {
    let w = this.windows.get(key)
    if (w === undefined || w.resetAt <= nowMs) {
      w = { count: 0, resetAt: nowMs + this.windowMs }
      this.windows.set(key, w)
    }
    w.count++
    return { allowed: w.count <= this.max, retryAfterS: Math.max(1, Math.ceil((w.resetAt - nowMs) / 1000)) }
  }
}
