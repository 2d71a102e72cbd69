// /ga/api/links/:id/{stats,clicks,share}: counters (never COUNT over events), newest clicks, share URLs.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { workspaceOf } from '../../auth/index.js'
import { errorResponses } from '../../errors.js'
import { shortUrl } from '../link-json.js'
import { listLinkClicks } from '../queries.js'
import { ClicksQuery, DEFAULT_LIMIT, LinkIdParams, LinkStatsReply, ListClicksReply, ShareQuery, ShareReply } from '../schemas.js'
import { getLinkOrThrow } from '../service.js'
import { shareUrls } from '../share.js'

const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyAuth: [] }]
const tags = ['links']

const reportRoutes: FastifyPluginAsyncTypebox = async app => {
  app.addHook('onRequest', app.requireApiKey)
  const { db, read } = app.database

  // GET /ga/api/links/:id/stats – maintained counters
  app.get('/ga/api/links/:id/stats', {
    schema: { tags, security, params: LinkIdParams, response: { 200: LinkStatsReply, ...errorResponses } }
  }, async req => {
    const link = await getLinkOrThrow(db, workspaceOf(req), req.params.id)
    return {
      total_clicks: link.totalClicks,
      unique_clicks: link.uniqueClicks,
      bot_clicks: link.botClicks,
      total_leads: link.totalLeads,
      total_sales: link.totalSales,
      total_revenue_cents: link.totalRevenueCents
    }
  })

  // GET /ga/api/links/:id/clicks – link_click events, newest first (bots included, flagged)
  app.get('/ga/api/links/:id/clicks', {
    schema: { tags, security, params: LinkIdParams, querystring: ClicksQuery, response: { 200: ListClicksReply, ...errorResponses } }
  }, async req => {
    const workspaceId = workspaceOf(req)
    const link = await getLinkOrThrow(db, workspaceId, req.params.id)
    const { limit = DEFAULT_LIMIT, offset = 0 } = req.query
    const rows = await listLinkClicks(read, workspaceId, link.id, limit, offset)
    return { clicks: rows, limit, offset }
  })

  // GET /ga/api/links/:id/share – share URLs of the short link (reference §5.8)
  app.get('/ga/api/links/:id/share', {
    schema: { tags, security, params: LinkIdParams, querystring: ShareQuery, response: { 200: ShareReply, ...errorResponses } }
  }, async req => {
    const link = await getLinkOrThrow(db, workspaceOf(req), req.params.id)
    return shareUrls(shortUrl(link.domain, link.key), req.query)
  })
}

export default reportRoutes
