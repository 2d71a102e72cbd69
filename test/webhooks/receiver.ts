// A real local webhook receiver (node:http on 127.0.0.1) that keeps every request's raw bytes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

export interface Received { headers: IncomingMessage['headers'], body: string, at: number }

interface Tap { teardown: (fn: () => unknown) => void }

export type Responder = (req: Received, n: number, res: ServerResponse) => void

export async function startReceiver (t: Tap, respond: Responder = (_r, _n, res) => { res.writeHead(204); res.end() }): Promise<{ url: string, received: Received[], setResponder: (r: Responder) => void }> {
  const received: Received[] = []
  let responder = respond
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() }
      received.push(r)
      responder(r, received.length, res)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}/hook`, received, setResponder: r => { responder = r } }
}
