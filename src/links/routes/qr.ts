// GET /:key/qr – QR code of a short link (reference §5.7). The link must be live before anything is
// served (a cached image of an archived link is never returned, unlike upstream). Renders are cached
// by their full parameters and coalesced, so identical requests get identical bytes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { LRUCache } from 'lru-cache'
import { Type } from 'typebox'
import { errorResponses } from '../../errors.js'
import type { LinkCache } from '../cache.js'
import { hostForUrl } from '../host.js'
import { isReservedKey, KEY_PATTERN } from '../keys.js'
import { isExpired } from '../lookup.js'
import {
  parseQrParams, pathPrefixFromQrPath, qrCacheKey, qrCacheTtlMs, qrContentUrl,
  QR_MESSAGES, QR_RESPONSE_HEADERS, type RenderedQr
} from '../qr.js'
import { QrRenderPool, type PoolAnswer } from '../qr-pool.js'
import { requestHost } from '../request.js'

export interface QrDeps {
  cache: LinkCache
}

const MAX_CACHE_BYTES = 64 * 1024 * 1024

const qrRoutes: FastifyPluginAsyncTypebox<QrDeps> = async (app, { cache }) => {
  const rendered = new LRUCache<string, RenderedQr>({
    maxSize: MAX_CACHE_BYTES,
    sizeCalculation: qr => Math.max(1, typeof qr.body === 'string' ? Buffer.byteLength(qr.body) : qr.body.length)
  })
  const rendering = new Map<string, Promise<PoolAnswer>>()
  // Renders run on worker threads: the event loop never builds a symbol or an image.
  const pool = new QrRenderPool(2)
  app.addHook('onClose', async () => { await pool.close() })

  function plain (reply: FastifyReply, status: number, text: string): FastifyReply {
    return reply.code(status).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(text)
  }

  app.get('/:key/qr', {
    schema: {
      tags: ['redirect'],
      summary: 'QR code of a short link',
      description: 'format=svg|png (svg), size=1..50 pixels per module (10), fg/bg = 6 hex digits (000000/ffffff), ec=low|medium|quartile|high (low); ' +
        'the image is at most 3000 pixels a side (400 otherwise). Renders are cached by all parameters; PNGs are compressed off the event loop. ' +
        'The code encodes `https://<host>[/<prefix>]/<key>?qr=1`, so scans are counted as QR clicks. Keys are case-sensitive.',
      params: Type.Object({ key: Type.String() }),
      response: {
        200: { description: 'image/svg+xml or image/png, with a strong ETag and Cache-Control (a day at most, never past the link\'s expiry)', type: 'string' },
        304: { description: 'Not modified (If-None-Match matched the ETag)', type: 'null' },
        400: { description: 'Invalid parameter (text)', type: 'string' },
        404: { description: 'Link not found (text)', type: 'string' },
        410: { description: 'Link expired (text)', type: 'string' },
        '5xx': errorResponses['5xx']
      }
    }
  }, async (req, reply) => {
    const { key } = req.params
    if (isReservedKey(key)) { reply.callNotFound(); return reply }
    const hostPort = requestHost(req)
    if (hostPort === null) return plain(reply, 400, 'Invalid Host header')
    const params = parseQrParams(req.query as Record<string, unknown>)
    if (!params.ok) return plain(reply, 400, params.message)
    if (!KEY_PATTERN.test(key)) return plain(reply, 404, 'Link not found')

    const link = cache.peek(hostPort.host, key) ?? await cache.resolve(hostPort.host, key)
    if (link === null) return plain(reply, 404, 'Link not found')
    const now = Date.now()
    if (isExpired(link, now)) return plain(reply, 410, 'Link expired')

    const url = qrContentUrl({ host: hostForUrl(hostPort), pathPrefix: pathPrefixFromQrPath(req.url, key), key })
    const cacheKey = qrCacheKey(params.opts, url)
    let qr = rendered.get(cacheKey)
    if (qr === undefined) {
      let pending = rendering.get(cacheKey)
      if (pending === undefined) {
        pending = pool.render(url, params.opts).finally(() => rendering.delete(cacheKey))
        rendering.set(cacheKey, pending)
      }
      let answer: PoolAnswer
      try {
        answer = await pending
      } catch (err) {
        req.log.error({ err }, 'qr.render_failed')
        return plain(reply, 500, QR_MESSAGES.renderFailed)
      }
      if (!('qr' in answer)) return plain(reply, 400, QR_MESSAGES.tooLarge)
      qr = answer.qr
      const ttl = qrCacheTtlMs(link.expiresAtMs === null ? null : new Date(link.expiresAtMs), now)
      if (ttl > 0) rendered.set(cacheKey, qr, { ttl })
    }
    const maxAgeS = Math.floor(qrCacheTtlMs(link.expiresAtMs === null ? null : new Date(link.expiresAtMs), now) / 1000)
    void reply.headers(QR_RESPONSE_HEADERS).header('etag', qr.etag).header('cache-control', maxAgeS > 0 ? `public, max-age=${maxAgeS}` : 'no-cache')
    if (ifNoneMatch(req.headers['if-none-match'], qr.etag)) return reply.code(304).send(null)
    return reply.code(200).header('content-type', qr.contentType).send(qr.body)
  })
}

/** RFC 9110 §13.1.2: `*` or any listed tag (weak comparison) matches. */
function ifNoneMatch (header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some(tag => { const t = tag.trim(); return t === '*' || t === etag || t === `W/${etag}` })
}

export default qrRoutes
