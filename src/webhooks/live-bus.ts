// Live streams across processes: every process LISTENs on one channel (postgres.js keeps ONE
// listening connection per pool, shared with other features' channels) and fans the notices out
// to its own SSE subscribers. Notices carry ids only; event rows are fetched when a subscriber
// needs them. A small ring of recent notices per workspace serves Last-Event-ID resume: NOTIFYs
// reach every listener in commit order, so every process holds the same ids.
import type { FastifyBaseLogger } from 'fastify'
import { LRUCache } from 'lru-cache'
import type { Sql } from '../db/client.js'
import { eventsById } from '../events/queries.js'
import type { StreamTopic } from './event-types.js'
import { decodeNotices, LIVE_CHANNEL, noticeId, type LiveNotice } from './live-notice.js'

export interface LiveMessage { id: string, data: Record<string, unknown> }

export interface LiveSubscriber {
  workspaceId: string
  topics: ReadonlySet<StreamTopic>
  deliver: (message: LiveMessage) => void
}

interface RingEntry { id: string, at: number, notice: LiveNotice }

export interface LiveBusOptions {
  sql: Sql
  log: FastifyBaseLogger
  /** Notices kept per workspace for resume. */
  ringSize?: number
  /** How far back a resume may reach. */
  resumeWindowMs?: number
}

const topicOf = (n: LiveNotice): StreamTopic => (n.kind === 'click' ? 'link_clicks' : 'events')

export class LiveBus {
  private readonly subscribers = new Map<string, Set<LiveSubscriber>>()
  private readonly rings: LRUCache<string, RingEntry[]>
  private readonly ringSize: number
  private readonly windowMs: number
  private chain: Promise<void> = Promise.resolve()
  private listening: { unlisten: () => Promise<void> } | null = null

  constructor (private readonly opts: LiveBusOptions) {
    this.ringSize = opts.ringSize ?? 500
    this.windowMs = opts.resumeWindowMs ?? 5 * 60_000
    this.rings = new LRUCache({ max: 5000 })
  }

  async start (): Promise<void> {
    this.listening = await this.opts.sql.listen(LIVE_CHANNEL, payload => { this.onPayload(payload) })
  }

  async stop (): Promise<void> {
    const l = this.listening
    this.listening = null
    await l?.unlisten().catch(() => {})
    await this.chain
  }

  subscriberCount (): number {
    let n = 0
    for (const set of this.subscribers.values()) n += set.size
    return n
  }

  subscribe (sub: LiveSubscriber): () => void {
    const set = this.subscribers.get(sub.workspaceId) ?? new Set()
    set.add(sub)
    this.subscribers.set(sub.workspaceId, set)
    return () => {
      set.delete(sub)
      if (set.size === 0 && this.subscribers.get(sub.workspaceId) === set) this.subscribers.delete(sub.workspaceId)
    }
  }

  /** Messages after `lastId` within the window, or null when that id is no longer (or never was) held. */
  async replay (workspaceId: string, topics: ReadonlySet<StreamTopic>, lastId: string): Promise<LiveMessage[] | null> {
    const ring = this.rings.get(workspaceId) ?? []
    const at = ring.findIndex(e => e.id === lastId)
    if (at < 0) return null
    const since = Date.now() - this.windowMs
    const notices = ring.slice(at + 1).filter(e => e.at >= since && topics.has(topicOf(e.notice))).map(e => e.notice)
    return await this.materialize(workspaceId, notices)
  }

  /** Handles one NOTIFY payload (exported for tests through the instance). */
  onPayload (payload: string): void {
    const notices = decodeNotices(payload)
    const now = Date.now()
    for (const n of notices) {
      const ring = this.rings.get(n.workspaceId) ?? []
      ring.push({ id: noticeId(n), at: now, notice: n })
      if (ring.length > this.ringSize) ring.splice(0, ring.length - this.ringSize)
      this.rings.set(n.workspaceId, ring)
    }
    // One at a time, so subscribers see messages in commit order even when rows must be fetched.
    this.chain = this.chain.then(async () => { await this.dispatch(notices) }).catch(err => { this.opts.log.warn({ err }, 'stream.dispatch_failed') })
  }

  private async dispatch (notices: LiveNotice[]): Promise<void> {
    const byWorkspace = new Map<string, LiveNotice[]>()
    for (const n of notices) {
      const subs = this.subscribers.get(n.workspaceId)
      if (subs === undefined || ![...subs].some(s => s.topics.has(topicOf(n)))) continue
      byWorkspace.set(n.workspaceId, [...(byWorkspace.get(n.workspaceId) ?? []), n])
    }
    for (const [ws, list] of byWorkspace) {
      const messages = await this.materialize(ws, list)
      const topicById = new Map(list.map(n => [noticeId(n), topicOf(n)]))
      for (const sub of [...(this.subscribers.get(ws) ?? [])]) {
        for (const m of messages) {
          const topic = topicById.get(m.id)
          if (topic !== undefined && sub.topics.has(topic)) sub.deliver(m)
        }
      }
    }
  }

  /** Notices → messages in the same order; events whose row is gone (forgotten) are skipped. */
  private async materialize (workspaceId: string, notices: LiveNotice[]): Promise<LiveMessage[]> {
    const eventIds = [...new Set(notices.filter(n => n.kind === 'event').map(n => n.eventId))]
    const rows = await eventsById(this.opts.sql, workspaceId, eventIds)
    const out: LiveMessage[] = []
    for (const n of notices) {
      if (n.kind === 'click') {
        out.push({ id: noticeId(n), data: { type: 'link_click', link_id: n.linkId, unique: n.unique } })
      } else {
        const event = rows.get(n.eventId)
        if (event !== undefined) out.push({ id: noticeId(n), data: { type: 'event_recorded', event } })
      }
    }
    return out
  }
}
