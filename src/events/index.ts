// The events feature: the recorder (fp 'recorder', shared with the beacons) and the REST routes.
import type { FastifyInstance } from 'fastify'
import recorder from './recorder.js'
import routes from './routes.js'

export default async function events (app: FastifyInstance): Promise<void> {
  await app.register(recorder)
  await app.register(routes)
}
