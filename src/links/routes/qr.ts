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
  parseQrParams, pathPrefixFromQrPath, qrCacheKey, qrCacheTtlMs, qrContentUrl, renderQr,
  QR_MESSAGES, QR_RESPONSE_HEADERS, type RenderedQr
} from '../qr.js'
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
  const rendering = new Map<string, Promise<RenderedQr>>()

  function plain (reply: FastifyReply, status: number, text: string): FastifyReply {
    return reply.code(status).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(text)
  }

  app.get('/:key/qr', {
    schema: {
      tags: ['redirect'],
      summary: 'QR code of a short link',
      description: 'format=svg|png (svg), size=1..50 pixels per module (10), fg/bg = 6 hex digits (000000/ffffff), ec=low|medium|quartile|high (low). ' +
        'The code encodes `https://<host>[/<prefix>]/<key>?qr=1`, so scans are counted as QR clicks. Keys are case-sensitive.',
      params: Type.Object({ key: Type.String() }),
      response: {
        200: { description: 'image/svg+xml or image/png', type: 'string' },
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
        pending = renderQr(url, params.opts).finally(() => rendering.delete(cacheKey))
        rendering.set(cacheKey, pending)
      }
      try {
        qr = await pending
      } catch (err) {
        req.log.error({ err }, 'qr.render_failed')
        return plain(reply, 500, QR_MESSAGES.renderFailed)
      }
      const ttl = qrCacheTtlMs(link.expiresAtMs === null ? null : new Date(link.expiresAtMs), now)
      if (ttl > 0) rendered.set(cacheKey, qr, { ttl })
    }
    return reply.code(200).headers(QR_RESPONSE_HEADERS).header('content-type', qr.contentType).send(qr.body)
  })
}

export default qrRoutes
