// LISTEN that survives: a channel's subscription for the app's lifetime, retried when it cannot
// start, unlistened on close. `onConnect` runs on every (re)connect: notifications sent while
// disconnected are lost, so a cache starts from nothing there.
import type { FastifyInstance } from 'fastify'

const LISTEN_RETRY_MS = 5_000

export async function listenForever (app: FastifyInstance, channel: string, onPayload: (payload: string) => void, onConnect: () => void): Promise<void> {
  let closed = false
  let retry: NodeJS.Timeout | null = null
  let subscription: { unlisten: () => Promise<void> } | null = null
  const start = async (): Promise<void> => {
    try {
      subscription = await app.database.sql.listen(channel, onPayload, onConnect)
      if (closed) await subscription.unlisten()
    } catch (err) {
      app.log.warn({ err, channel }, 'db.listen_failed')
      if (!closed) { retry = setTimeout(() => { void start() }, LISTEN_RETRY_MS); retry.unref() }
    }
  }
  await start()
  app.addHook('onClose', async () => {
    closed = true
    if (retry !== null) clearTimeout(retry)
    await subscription?.unlisten().catch(() => {})
  })
}
