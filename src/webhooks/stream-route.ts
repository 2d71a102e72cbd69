// GET /ga/api/stream?topics=link_clicks,events – server-sent events of the key's workspace:
// `{"type":"link_click","link_id","unique"}` and `{"type":"event_recorded","event":{...}}`, each
// with an `id:`; Last-Event-ID resumes within the bus's window; a heartbeat comment keeps
// proxies from timing the connection out; a client that stops reading is dropped.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { workspaceOf } from '../auth/index.js'
import createError from '@fastify/error'
import { ValidationFailed, errorResponses } from '../errors.js'
import { checkTopics } from './input.js'
import type { LiveBus, LiveMessage } from './live-bus.js'
import { StreamQuery } from './schemas.js'
import { SseConnection } from './sse.js'

export interface StreamTuning {
  heartbeatMs: number
  maxBacklogBytes: number
  /** Open streams one workspace may hold in this process (GA_STREAMS_PER_WORKSPACE). */
  maxPerWorkspace: number
  /** How often an open stream re-checks its credential (GA_STREAM_AUTH_RECHECK_MS). */
  authRecheckMs: number
}

export interface StreamDeps {
  bus: LiveBus
  tuning: StreamTuning
  /** Open streams, closed by the plugin before the server shuts down. */
  open: Set<() => void>
}

const MAX_PENDING_DURING_REPLAY = 1000
const TooManyStreams = createError('TOO_MANY_STREAMS', 'This workspace already has %d open live streams; close one first', 429)
const FULL_RETRY_AFTER_S = 30

const DESCRIPTION = 'Server-sent events (text/event-stream) for the credential\'s workspace. Topics: `link_clicks` → ' +
  '`{"type":"link_click","link_id","unique"}`; `events` → `{"type":"event_recorded","event":{...}}`. Every message has an `id:`; ' +
  'reconnect with `Last-Event-ID` to receive what was missed in the last few minutes. A `: heartbeat` comment is sent every 15 s. ' +
  'A workspace holds at most GA_STREAMS_PER_WORKSPACE streams per process (429 beyond). The credential is checked again every ' +
  'GA_STREAM_AUTH_RECHECK_MS: once the key is revoked or expired the stream gets an `event: error` and is closed.'

const streamRoute: FastifyPluginAsyncTypebox<StreamDeps> = async (app, { bus, tuning, open }) => {
  app.addHook('onRequest', app.requireApiKey)
  const perWorkspace = new Map<string, number>()

  app.get('/stream', {
    schema: {
      tags: ['live'],
      summary: 'Live stream of clicks and events',
      description: DESCRIPTION,
      security: [{ bearerAuth: [] }, { apiKeyAuth: [] }],
      querystring: StreamQuery,
      response: { 200: { description: 'text/event-stream', type: 'string' }, ...errorResponses }
    }
  }, async (req, reply) => {
    const topics = checkTopics(req.query.topics)
    if (!topics.ok) throw new ValidationFailed({ topics: topics.error })
    const workspaceId = workspaceOf(req)
    const held = perWorkspace.get(workspaceId) ?? 0
    if (held >= tuning.maxPerWorkspace) {
      void reply.header('retry-after', String(FULL_RETRY_AFTER_S))
      throw new TooManyStreams(tuning.maxPerWorkspace)
    }
    perWorkspace.set(workspaceId, held + 1)
    const lastHeader = req.headers['last-event-id']
    const lastId = typeof lastHeader === 'string' && lastHeader.length <= 100 && lastHeader !== '' ? lastHeader : null

    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': req.id
    })

    let closed = false
    let unsubscribe = (): void => {}
    const heartbeat = setInterval(() => { conn.comment('heartbeat') }, tuning.heartbeatMs)
    heartbeat.unref()
    // A revoked or expired key must not keep receiving (issue 14 item 15): the same check the
    // request passed, run again; an unavailable auth backend keeps the stream open.
    const recheck = setInterval(() => {
      app.requireApiKey(req).catch((err: { statusCode?: number }) => {
        if (closed || (err.statusCode !== 401 && err.statusCode !== 403)) return
        req.log.info({ workspace_id: workspaceId }, 'stream.credential_revoked')
        conn.raw(`event: error\ndata: ${JSON.stringify({ error: 'The credential of this stream is no longer valid', code: 'CREDENTIAL_REVOKED' })}\n\n`)
        end()
      })
    }, tuning.authRecheckMs)
    recheck.unref()
    const cleanup = (): void => {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      clearInterval(recheck)
      unsubscribe()
      open.delete(end)
      const n = (perWorkspace.get(workspaceId) ?? 1) - 1
      if (n <= 0) perWorkspace.delete(workspaceId)
      else perWorkspace.set(workspaceId, n)
    }
    function end (): void {
      cleanup()
      res.end()
    }
    const conn = new SseConnection(res, {
      maxBacklogBytes: tuning.maxBacklogBytes,
      onDrop: () => { req.log.warn({ workspace_id: workspaceId }, 'stream.slow_client_dropped'); cleanup() }
    })
    res.on('close', cleanup)
    open.add(end)
    conn.raw('retry: 3000\n\n')

    // Live messages that arrive while a resume is being read wait here, so nothing is lost or doubled.
    let pending: LiveMessage[] | null = lastId === null ? null : []
    unsubscribe = bus.subscribe({
      workspaceId,
      topics: topics.value,
      deliver: m => {
        if (pending === null) { conn.send(m.id, m.data); return }
        if (pending.length < MAX_PENDING_DURING_REPLAY) pending.push(m)
      }
    })

    if (lastId !== null) {
      const replayed = await bus.replay(workspaceId, topics.value, lastId).catch(() => null)
      if (replayed === null) conn.comment('resume unavailable: Last-Event-ID is outside the resume window')
      const seen = new Set<string>()
      for (const m of replayed ?? []) { seen.add(m.id); conn.send(m.id, m.data) }
      const waiting = pending ?? []
      pending = null
      for (const m of waiting) if (!seen.has(m.id)) conn.send(m.id, m.data)
    } else {
      conn.comment('connected')
    }
    return reply
  })
}

export default streamRoute
