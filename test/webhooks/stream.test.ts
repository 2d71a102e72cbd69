// Live streams over real HTTP: two app instances on one database (a click recorded by one process
// reaches a stream held by the other), heartbeats, Last-Event-ID resume, topics, cleanup.
import { request as httpRequest, type ClientRequest } from 'node:http'
import t from 'tap'
import { DEFAULT_WORKSPACE_ID } from '../../src/auth/service.js'
import { uuidv7 } from '../../src/db/uuid.js'
import type { RecordedEvent } from '../../src/webhooks/event-json.js'
import { listen, type TestApp } from '../helper.js'

interface Frame { id?: string, data?: Record<string, unknown>, comment?: string }

interface Stream { frames: Frame[], status: number, req: ClientRequest, waitFor: (pred: (f: Frame[]) => boolean, ms?: number) => Promise<Frame[]> }

async function openStream (baseUrl: string, auth: { authorization: string }, path: string, headers: Record<string, string> = {}): Promise<Stream> {
  return await new Promise((resolve, reject) => {
    const frames: Frame[] = []
    const waiters: Array<() => void> = []
    const req = httpRequest(`${baseUrl}${path}`, { headers: { ...auth, ...headers, accept: 'text/event-stream' } }, res => {
      let buf = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buf += chunk
        let cut
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut)
          buf = buf.slice(cut + 2)
          const f: Frame = {}
          for (const line of block.split('\n')) {
            if (line.startsWith(': ')) f.comment = line.slice(2)
            else if (line.startsWith('id: ')) f.id = line.slice(4)
            else if (line.startsWith('data: ')) f.data = JSON.parse(line.slice(6))
          }
          frames.push(f)
          for (const w of waiters.splice(0)) w()
        }
      })
      res.on('error', () => {})
      resolve({
        frames,
        status: res.statusCode ?? 0,
        req,
        waitFor: async (pred, ms = 3000) => await new Promise((ok, fail) => {
          const timer = setTimeout(() => { fail(new Error(`timed out; frames: ${JSON.stringify(frames).slice(0, 800)}`)) }, ms)
          const check = (): void => { if (pred(frames)) { clearTimeout(timer); ok(frames) } else waiters.push(check) }
          check()
        })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

const messages = (frames: Frame[]): Frame[] => frames.filter(f => f.data !== undefined)

async function insertEvent (a: TestApp, e: Partial<RecordedEvent> & { event_type: string }): Promise<RecordedEvent> {
  const row = { id: uuidv7(), workspace_id: DEFAULT_WORKSPACE_ID, ga_id: uuidv7(), link_id: null, unique_click: null, bot: false, occurred_at: new Date(), host: 'shop.example', path: '/p', ...e }
  await a.database.sql.begin(async tx => {
    await tx`insert into events (id, workspace_id, ga_id, event_type, link_id, unique_click, bot, host, path, occurred_at)
             values (${row.id}, ${row.workspace_id}, ${row.ga_id}, ${row.event_type}, ${row.link_id}, ${row.unique_click}, ${row.bot}, ${row.host}, ${row.path}, ${row.occurred_at})`
    await a.app.hooks.eventsRecorded(tx, [row as RecordedEvent])
  })
  return row as RecordedEvent
}

const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))

t.test('cross-process delivery, topics, heartbeats, resume, cleanup', async t => {
  const a = await listen(t)
  const b = await listen(t, { databaseUrl: a.databaseUrl })
  b.app.streamTuning.heartbeatMs = 100

  const both = await openStream(b.baseUrl, a.auth, '/ga/api/stream?topics=link_clicks,events')
  const clicksOnly = await openStream(b.baseUrl, a.auth, '/ga/api/stream?topics=link_clicks')
  t.equal(both.status, 200)
  await both.waitFor(f => f.some(x => x.comment === 'connected'))
  t.equal(b.app.liveBus.subscriberCount(), 2)

  // Recorded through process A.
  const linkId = uuidv7()
  const pageview = await insertEvent(a, { event_type: 'pageview' })
  const click = await insertEvent(a, { event_type: 'link_click', link_id: linkId, unique_click: true })
  await insertEvent(a, { event_type: 'link_click', link_id: linkId, unique_click: false, bot: true }) // bots are not announced
  const lead = await insertEvent(a, { event_type: 'lead' })

  const got = messages(await both.waitFor(f => messages(f).length >= 4))
  t.same(got.map(m => m.data?.type), ['event_recorded', 'event_recorded', 'link_click', 'event_recorded'], 'commit order')
  t.equal((got[0].data?.event as Record<string, unknown>).id, pageview.id)
  t.equal((got[0].data?.event as Record<string, unknown>).event_type, 'pageview')
  t.equal((got[0].data?.event as Record<string, unknown>).url, 'https://shop.example/p', 'row fetched by the listening process')
  t.same(got[2].data, { type: 'link_click', link_id: linkId, unique: true })
  t.equal((got[3].data?.event as Record<string, unknown>).id, lead.id)
  t.ok(got.every(m => typeof m.id === 'string' && m.id !== ''), 'every message has an id')
  t.equal(new Set(got.map(m => m.id)).size, got.length, 'ids are unique')
  t.equal(got[1].id, click.id)

  const clicks = messages(await clicksOnly.waitFor(f => messages(f).length >= 1))
  await sleep(100)
  t.same(messages(clicksOnly.frames).map(m => m.data?.type), ['link_click'], 'topic filter')
  t.equal(clicks[0].id, got[2].id, 'same id in every stream')

  await both.waitFor(f => f.some(x => x.comment === 'heartbeat'), 1000)
  t.pass('heartbeat comments arrive')

  // Resume on the OTHER process (A): it heard the same NOTIFYs, so it holds the same ids.
  const resumed = await openStream(a.baseUrl, a.auth, '/ga/api/stream', { 'last-event-id': got[0].id as string })
  const replay = messages(await resumed.waitFor(f => messages(f).length >= 3))
  t.same(replay.map(m => m.id), got.slice(1).map(m => m.id), 'everything after Last-Event-ID, in order')
  const unknown = await openStream(b.baseUrl, a.auth, '/ga/api/stream', { 'last-event-id': 'nope' })
  await unknown.waitFor(f => f.some(x => x.comment?.startsWith('resume unavailable') === true))
  t.pass('an id outside the window says so')

  for (const s of [both, clicksOnly, unknown, resumed]) s.req.destroy()
  await sleep(200)
  t.equal(b.app.liveBus.subscriberCount(), 0, 'disconnected clients are cleaned up')
  t.equal(a.app.liveBus.subscriberCount(), 0)
})

t.test('workspace scope and bad inputs', async t => {
  const a = await listen(t)
  const bad = await a.app.inject({ url: '/ga/api/stream?topics=link_clicks,nope', headers: a.auth })
  t.equal(bad.statusCode, 422)
  t.ok('topics' in bad.json().errors)
  t.equal((await a.app.inject({ url: '/ga/api/stream' })).statusCode, 401)

  const s = await openStream(a.baseUrl, a.auth, '/ga/api/stream?topics=events')
  await s.waitFor(f => f.some(x => x.comment === 'connected'))
  await insertEvent(a, { event_type: 'pageview', workspace_id: '00000000-0000-7000-8000-0000000000aa' })
  const mine = await insertEvent(a, { event_type: 'custom' })
  const got = messages(await s.waitFor(f => messages(f).length >= 1))
  await sleep(100)
  t.equal(messages(s.frames).length, 1, 'another workspace\'s event never shows')
  t.equal((got[0].data?.event as Record<string, unknown>).id, mine.id)
  s.req.destroy()
})

t.test('close ends open streams', async t => {
  const a = await listen(t)
  const s = await openStream(a.baseUrl, a.auth, '/ga/api/stream')
  await s.waitFor(f => f.some(x => x.comment === 'connected'))
  const ended = new Promise<void>(resolve => { s.req.on('close', () => { resolve() }) })
  const started = Date.now()
  await a.app.close()
  await ended
  t.ok(Date.now() - started < 3000, 'the server did not wait on the stream')
})
