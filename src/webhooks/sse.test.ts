import t from 'tap'
import { SseConnection, sseFrame } from './sse.js'

t.test('frames', async t => {
  t.equal(sseFrame('a1', { type: 'x', s: 'line\nbreak' }), 'id: a1\ndata: {"type":"x","s":"line\\nbreak"}\n\n')
})

t.test('a client that does not drain is dropped once its backlog passes the bound', async t => {
  let queued = 0
  let destroyed = false
  let dropped = 0
  const sink = { write: (c: string) => { queued += c.length; return false }, get writableLength () { return queued }, destroy: () => { destroyed = true } }
  const conn = new SseConnection(sink, { maxBacklogBytes: 1000, onDrop: () => { dropped++ } })
  for (let i = 0; i < 100; i++) conn.send(String(i), { pad: 'x'.repeat(50) })
  t.ok(destroyed, 'socket destroyed')
  t.equal(dropped, 1, 'dropped once')
  t.ok(queued < 1200, `stopped writing near the bound (${queued})`)
  t.ok(conn.isClosed)
})

t.test('a draining client stays', async t => {
  let destroyed = false
  const sink = { write: () => true, writableLength: 0, destroy: () => { destroyed = true } }
  const conn = new SseConnection(sink, { maxBacklogBytes: 100, onDrop: () => {} })
  for (let i = 0; i < 100; i++) conn.send(String(i), { pad: 'x'.repeat(50) })
  t.notOk(destroyed)
})
