// POST /ga/api/conversions/lead|sale (the seed's submit_lead / submit_sale): an event through the
// recorder, whose transaction also writes one connector_dispatches row per enabled connector
// whose signals are present; the answer lists them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses } from '../errors.js'
import { workspaceOf } from '../auth/index.js'
import { EventBodyFields } from '../events/schemas.js'
import { apiContext } from '../events/routes.js'
import { CONVERSION_EVENT_TYPES } from './plan.js'
import { conversionWithAddress } from './address-fields.js'

const ConversionBody = Type.Object(EventBodyFields, { additionalProperties: false })
const ConversionReply = Type.Object({
  event_id: Type.String({ format: 'uuid' }),
  dispatches: Type.Array(Type.Object({ id: Type.String({ format: 'uuid' }), connector: Type.String(), status: Type.String() }))
})

const routes: FastifyPluginAsyncTypebox = async app => {
  app.addHook('onRequest', app.requireApiKey)
  for (const kind of CONVERSION_EVENT_TYPES) {
    app.post(`/ga/api/conversions/${kind}`, {
      schema: {
        tags: ['conversions'],
        security: [{ bearerAuth: [] }, { apiKeyAuth: [] }],
        body: ConversionBody,
        description: `Records a ${kind} for a visitor (visitor_id or person_external_id must exist; a UUID ga_id makes its browser's visitor if there is none yet) and plans its connector dispatches in the same transaction (none when GA_CONNECTORS_ENABLED=false or no enabled connector has its signals). Same idempotency rules as POST /ga/api/events: a replay answers 200 with the original event and its dispatches.`,
        response: { 200: ConversionReply, 201: ConversionReply, ...errorResponses }
      }
    }, async (req, reply) => {
      const result = await app.recorder.record(workspaceOf(req), { ...conversionWithAddress(req.body), event_type: kind }, apiContext(req))
      return await reply.code(result.status === 'created' ? 201 : 200).send({ event_id: result.event_id, dispatches: result.dispatches })
    })
  }
}

export default routes
