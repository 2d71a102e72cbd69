// Guards the links feature's part of the ingest spine against real Postgres, with hand-built
// batches through the spine's writer: clicks are events of their browser (no visitor is resolved),
// unique clicks are decided in the database, counters are aggregated per link (overlapping
// concurrent batches do not deadlock), a failed batch leaves nothing behind, unique windows roll
// after an hour, and human clicks open their browser's session while bots get none.
import t from 'tap'
import { parseUserAgent } from '../../src/classify/index.js'
import { connect } from '../../src/db/client.js'
import { uuidv7 } from '../../src/db/uuid.js'
import { writeInTransaction } from '../../src/events/flush.js'
import { Spine, type SpineItem, type Tx } from '../../src/events/spine.js'
import { clickItem, countOnLinks, decideUniques, type ClickInput } from '../../src/links/clicks.js'
import { assignSessions } from '../../src/sessions/index.js'
import { createTestDatabase, SCHEMA } from '../helper.js'

const WS = '00000000-0000-0000-0000-000000000000'
const HUMAN = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const BOT = 'Googlebot/2.1'

t.test('clicks on the spine', async t => {
  const database = connect(await createTestDatabase(t), SCHEMA)
  t.teardown(async () => { await database.close() })
  const { sql } = database
  const linkId = uuidv7()
  await sql`insert into links (id, workspace_id, domain, key, url) values (${linkId}, ${WS}, 'go.example.com', 'k', 'https://example.com/')`

  const spine = new Spine()
  spine.consume({ name: 'sessions', phase: 'before-insert', handle: async (items, tx) => { await assignSessions(tx as Tx, SCHEMA, items) } })
  spine.consume({ name: 'uniques', phase: 'before-insert', handle: async (items, tx) => { await decideUniques(tx as Tx, items.filter(i => i.row.event_type === 'link_click'), 'k') } })
  spine.consume({ name: 'counters', phase: 'in-transaction', handle: async (items, tx) => { await countOnLinks(tx as Tx, items) } })
  const flush = async (clicks: ClickInput[]): Promise<SpineItem[]> => {
    const items = clicks.map(c => clickItem(c, { geo: null, ownDomains: [] }))
    await sql.begin(async tx => { await writeInTransaction(tx, spine, items) })
    return items
  }
  const click = (over: Partial<ClickInput> = {}): ClickInput => {
    const clickId = uuidv7()
    return {
      linkId, workspaceId: WS, clickId, gaId: clickId, gaIdFromCookie: false, at: new Date(), ip: '203.0.113.9', userAgent: HUMAN,
      referrer: null, query: { utm_source: 'newsletter' }, url: `https://example.com/?ga_id=${clickId}`, host: 'go.example.com', key: 'k', qr: false,
      device: parseUserAgent(HUMAN), bot: false, botName: null, ...over
    }
  }
  const bot = (over: Partial<ClickInput> = {}): ClickInput => click({ bot: true, botName: 'Googlebot', userAgent: BOT, device: parseUserAgent(BOT), ...over })
  const counters = async () => (await sql`select total_clicks::int as total, unique_clicks::int as uniq, bot_clicks::int as bot from links where id = ${linkId}`)[0]

  t.test('a click is a narrow event of its browser: uniques decided, counters added, sessions for humans only', async t => {
    const first = click()
    const back = click({ gaId: first.gaId, gaIdFromCookie: true })
    await flush([first, back, bot()])
    t.same(await counters(), { total: 2, uniq: 1, bot: 1 })
    const rows = await sql`select ga_id, click_id, unique_click, bot, session_id, source_platform, host, path from events where link_id = ${linkId} order by id`
    t.same(rows.map(r => r.unique_click), [true, false, false])
    t.equal(rows[0].ga_id, first.gaId, 'a cookie-less click is keyed by the browser id it mints (its click id)')
    t.equal(rows[1].ga_id, first.gaId, 'the browser coming back keeps it')
    t.match(rows[0], { source_platform: 'newsletter', host: 'go.example.com', path: '/k' })
    t.not(rows[0].session_id, null)
    t.not(rows[1].session_id, null)
    t.not(rows[1].session_id, rows[0].session_id, 'another click is another acquisition (its own click id, reference §4.6): a new session')
    t.equal(rows[2].session_id, null, 'bots get no session')
    t.equal((await sql`select count(*)::int as n from visitors`)[0].n, 0, 'no visitor is created for a click')
  })

  t.test('one batch over many links: each link gets its own deltas; overlapping concurrent batches do not deadlock', async t => {
    const ids = Array.from({ length: 40 }, () => uuidv7())
    for (const [i, id] of ids.entries()) await sql`insert into links (id, workspace_id, domain, key, url) values (${id}, ${WS}, 'go.example.com', ${`multi${i}`}, 'https://example.com/')`
    // Link i gets i+1 human clicks from distinct addresses (all unique) and one bot click when i is even.
    const batch = (offset: number): ClickInput[] => ids.flatMap((id, i) => [
      ...Array.from({ length: i + 1 }, (_, n) => click({ linkId: id, ip: `198.51.${offset}.${n + 1}` })),
      ...(i % 2 === 0 ? [bot({ linkId: id })] : [])
    ])
    // The same links in opposite orders at once: the counter update locks them in id order.
    await Promise.all([flush(batch(1)), flush(batch(2).reverse()), flush(batch(3))])
    const rows = await sql`select id, total_clicks::int as total, unique_clicks::int as uniq, bot_clicks::int as bot from links where id = any(${ids}::uuid[])`
    const byId = new Map(rows.map(r => [r.id, r]))
    for (const [i, id] of ids.entries()) {
      t.same({ ...byId.get(id) }, { id, total: 3 * (i + 1), uniq: 3 * (i + 1), bot: i % 2 === 0 ? 3 : 0 }, `link ${i}`)
    }
  })

  t.test('a failed batch leaves nothing behind: no event, no counter, no session, no unique claim', async t => {
    const before = await counters()
    const c = click({ ip: '198.51.100.77' })
    await t.rejects(flush([c, click({ at: new Date(Number.NaN) })]), 'a row the database refuses fails the whole batch')
    t.equal((await sql`select 1 from events where click_id = ${c.clickId}`).length, 0)
    t.same(await counters(), before)
    t.equal((await sql`select 1 from sessions where ga_id = ${c.gaId}`).length, 0)
    const again = await flush([click({ ip: '198.51.100.77' })])
    t.equal(again[0].row.unique_click, true, 'the rolled-back claim did not stick')
  })

  t.test('the unique window rolls after an hour', async t => {
    const at = new Date(Date.now() + 2 * 3600_000)
    const c = click({ ip: '203.0.113.9', at })
    await flush([c])
    const [row] = await sql`select unique_click from events where click_id = ${c.clickId}`
    t.equal(row.unique_click, true, 'same IP+UA, two hours later: unique again')
    const again = click({ ip: '203.0.113.9', at: new Date(at.getTime() + 59 * 60_000) })
    await flush([again])
    const [row2] = await sql`select unique_click from events where click_id = ${again.clickId}`
    t.equal(row2.unique_click, false, '59 minutes later: not unique')
  })
})
