// OpenAPI 3 generated from the route schemas; Swagger UI served from the package (offline).
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

async function openapi (app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'GoodAnalytics API', version: '1', description: 'Visitor identity, short links, attribution and conversion dispatch.' },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'A secret API key (gak_...) or a delegated token' },
          apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-Api-Key' }
        }
      }
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) }
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: false } })
  app.get('/api/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

export default fp(openapi, { name: 'openapi', fastify: '5.x' })
