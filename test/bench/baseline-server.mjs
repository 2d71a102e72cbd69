// Bare Fastify servers the bench compares against, run in their own process:
//   GET /hello → 200 JSON · GET /r → 302 · POST /collect → 200 JSON after parsing the body
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })
app.get('/hello', async () => ({ hello: 'world' }))
app.get('/r', async (_req, reply) => reply.code(302).header('location', 'https://example.com/landing').send())
app.post('/collect', async () => ({ status: 'ok' }))
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' })
process.stdout.write(`listening ${app.server.address().port}\n`)
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
