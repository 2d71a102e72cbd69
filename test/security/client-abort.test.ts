// Issue 14 item 10: on 3e68a40 a client that hung up mid-request (ECONNRESET while its body was
// read) was classified as a database outage: a 503 and a "database unavailable" warning.
import { connect } from 'node:net'
import t from 'tap'
import { listen } from '../helper.js'
import { captureLogs } from './log-capture.js'

t.test('a client abort is logged as an abort at info, never as a database outage', async t => {
  const logs = captureLogs('info')
  const built = await listen(t, { logger: logs.logger })
  const port = Number(new URL(built.baseUrl).port)
  for (const hangUp of ['end', 'reset'] as const) {
    await new Promise<void>(resolve => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST /ga/api/links HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${built.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"url":"https://exa`)
        setTimeout(() => { if (hangUp === 'reset') socket.resetAndDestroy(); else socket.destroy(); resolve() }, 200)
      })
      socket.on('error', () => {})
    })
  }
  const deadline = Date.now() + 10_000
  while (logs.lines().filter(l => l.msg === 'request aborted by the client').length < 2 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
  const lines = logs.lines()
  const aborted = lines.filter(l => l.msg === 'request aborted by the client')
  t.equal(aborted.length, 2, 'both aborts noted')
  for (const l of aborted) t.equal(l.level, 30, 'at info')
  t.same(lines.filter(l => l.msg === 'database unavailable'), [], 'not a database outage')
  t.same(lines.filter(l => (l.level as number) >= 40), [], 'nothing at warn or above')
  t.equal((await built.app.inject({ url: '/readyz' })).statusCode, 200, 'the database is fine')
})
