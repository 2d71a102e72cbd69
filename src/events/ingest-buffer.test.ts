// Guards the group-commit contract: acknowledged means committed, failures are never acknowledged,
// the queue is bounded, fire-and-forget items are retried until they commit, close() drains.
import t from 'tap'
import { BufferUnavailable, IngestBuffer } from './ingest-buffer.js'

function buffer (flush: (items: number[]) => Promise<void>, over: Partial<ConstructorParameters<typeof IngestBuffer<number>>[0]> = {}): IngestBuffer<number> {
  return new IngestBuffer<number>({ name: 't', flush, flushMs: 2, maxBatch: 100, maxPending: 1000, ...over })
}

t.test('enqueue settles after the batch holding the item committed; items are grouped', async t => {
  const batches: number[][] = []
  const b = buffer(async items => { batches.push(items) })
  await Promise.all([1, 2, 3, 4].map(i => b.enqueue(i)))
  t.same(batches.flat().sort(), [1, 2, 3, 4])
  t.ok(batches.length <= 2, 'grouped into few batches')
})

t.test('a failed flush rejects its writers with a 503 and never acknowledges them', async t => {
  let fail = true
  const committed: number[] = []
  const b = buffer(async items => { if (fail) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' }); committed.push(...items) })
  const results = await Promise.allSettled([b.enqueue(1), b.enqueue(2)])
  t.same(results.map(r => r.status), ['rejected', 'rejected'])
  t.ok((results[0] as PromiseRejectedResult).reason instanceof BufferUnavailable)
  t.equal((results[0] as PromiseRejectedResult).reason.statusCode, 503)
  // while down, new writers are refused at once
  await t.rejects(b.enqueue(3), { code: 'INGEST_UNAVAILABLE' })
  fail = false
  await new Promise(resolve => setTimeout(resolve, 120))
  await b.enqueue(4)
  t.same(committed, [4])
})

t.test('the queue is bounded', async t => {
  let release: () => void = () => {}
  const gate = new Promise<void>(resolve => { release = resolve })
  const b = buffer(async () => { await gate }, { maxPending: 3, maxBatch: 1, concurrency: 1 })
  const p = [b.enqueue(1), b.enqueue(2), b.enqueue(3)]
  await t.rejects(b.enqueue(4), { code: 'INGEST_UNAVAILABLE' })
  t.equal(b.push(5), false)
  release()
  await Promise.all(p)
})

t.test('pushed items are retried until they commit, and close() drains them', async t => {
  let failures = 2
  const committed: number[] = []
  const b = buffer(async items => { if (failures-- > 0) throw new Error('down'); committed.push(...items) })
  t.ok(b.push(1))
  t.ok(b.push(2))
  await b.close(5000)
  t.same(committed, [1, 2])
})

t.test('enqueue after close is refused', async t => {
  const b = buffer(async () => {})
  await b.close()
  await t.rejects(b.enqueue(1), { code: 'INGEST_UNAVAILABLE' })
})

t.test('pushWhenRoom: queues once a flush makes room; false at once while the database fails', async t => {
  let release: () => void = () => {}
  const gate = new Promise<void>(resolve => { release = resolve })
  const b = buffer(async () => { await gate }, { maxPending: 2, maxBatch: 10, concurrency: 1 })
  t.ok(b.push(1))
  t.ok(b.push(2))
  t.equal(b.push(3), false, 'full')
  setTimeout(release, 30)
  t.equal(await b.pushWhenRoom(3, 2000), true)
  await b.idle()

  const down = buffer(async () => { throw new Error('down') }, { maxPending: 1, maxBatch: 1, concurrency: 1 })
  t.ok(down.push(1))
  await new Promise(resolve => setTimeout(resolve, 20))
  const started = Date.now()
  t.equal(await down.pushWhenRoom(2, 2000), false)
  t.ok(Date.now() - started < 500, 'no stalling during an outage')
  await down.close(50)
})

t.test('pushWhenRoom: writers woken together by one freed batch never overshoot it, so none is dropped', async t => {
  let flushes = 0
  const committed: number[] = []
  // Each flush takes 20 ms; 30 writers wait on a queue that holds 10.
  const b = buffer(async items => { flushes++; await new Promise(resolve => setTimeout(resolve, 20)); committed.push(...items) }, { maxBatch: 5, maxPending: 10, concurrency: 1 })
  for (let i = 0; i < 10; i++) t.ok(b.push(i))
  const results = await Promise.all(Array.from({ length: 30 }, async (_, i) => await b.pushWhenRoom(100 + i, 3000)))
  t.equal(results.filter(ok => !ok).length, 0, 'every waiting writer got its item queued')
  await b.idle()
  t.equal(committed.length, 40, 'and every item was committed')
  t.ok(flushes >= 8)
})

t.test('maxLagMs: push() holds about that much of the measured commit rate, never less than two batches', async t => {
  const b = buffer(async () => { await new Promise(resolve => setTimeout(resolve, 5)) }, { maxBatch: 10, maxPending: 100_000, maxLagMs: 500 })
  t.equal(b.pushLimit, 20, 'no rate measured yet: two batches')
  // 4,000 items committed within the rate window (2 s) → at most 2,000/s → 500 ms of it is ≤ 1,000.
  // On a busy machine the same 4,000 take longer: the limit follows whatever rate was measured.
  await Promise.all(Array.from({ length: 4000 }, async (_, i) => { await b.enqueue(i) }))
  t.ok(b.pushLimit > 20 && b.pushLimit <= 1000, `limit follows the rate (${b.pushLimit})`)
  const limit = b.pushLimit
  let accepted = 0
  for (let i = 0; i < limit; i++) if (b.push(i)) accepted++
  t.equal(accepted, limit, 'up to the limit push() accepts')
  t.equal(b.push(-1), false, 'past the limit push() refuses (the caller waits for room)')
  await b.idle()
  const unbounded = buffer(async () => {}, { maxPending: 1000 })
  t.equal(unbounded.pushLimit, 1000, 'without maxLagMs the bound is maxPending')
})
