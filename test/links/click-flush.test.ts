// Guards the click flush against real Postgres with a stand-in identity port: visitors are
// resolved inside the flush transaction (bots never), a failing resolution leaves visitor_id
// null without losing the batch, counters are aggregated per link, unique windows roll after an hour.
import t from 'tap'
import { parseUserAgent } from '../../src/classify/index.js'
import { connect } from '../../src/db/client.js'
import { uuidv7 } from '../../src/db/uuid.js'
import type { IdentityPort, ResolveInput } from '../../src/identity/port.js'
import { createClickFlush, type ClickInput } from '../../src/links/clicks.js'
import { createTestDatabase, SCHEMA } from '../helper.js'

const WS = '00000000-0000-0000-0000-000000000000'
const HUMAN = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'

t.test('click flush', async t => {
  const database = connect(await createTestDatabase(t), SCHEMA)
  t.teardown(async () => { await database.close() })
  const { sql } = database
  const linkId = uuidv7()
  await sql`insert into links (id, workspace_id, domain, key, url) values (${linkId}, ${WS}, 'go.example.com', 'k', 'https://example.com/')`

  const calls: Array<{ inputs: ResolveInput[] }> = []
  let fail = false
  const identity: IdentityPort = {
    resolveMany: async (tx, _ws, inputs) => {
      // A write of its own, to prove it commits and rolls back together with the clicks.
      await tx`insert into settings (workspace_id, key, value) values (${WS}, ${`probe:${inputs[0].click_id ?? ''}`}, '{}')`
      calls.push({ inputs })
      if (fail) throw new Error('identity down')
      // One visitor per ga_id, as the identity graph would answer.
      return inputs.map(i => `0190d6a0-0000-7000-8000-${Buffer.from(String(i.ga_id)).toString('hex').slice(-12).padStart(12, '0')}`)
    }
  }
  const flush = createClickFlush({ sql, identity: () => identity, geo: null, ipMode: 'full', ownDomains: [], hashKey: 'k' })
  const click = (over: Partial<ClickInput> = {}): ClickInput => {
    const clickId = uuidv7()
    return {
      linkId, workspaceId: WS, clickId, gaId: clickId, gaIdFromCookie: false, at: new Date(), ip: '203.0.113.9', userAgent: HUMAN,
      referrer: null, query: {}, url: `https://example.com/?ga_id=${clickId}`, host: 'go.example.com', key: 'k', qr: false,
      device: parseUserAgent(HUMAN), bot: false, botName: null, ...over
    }
  }
  const counters = async () => (await sql`select total_clicks::int as total, unique_clicks::int as uniq, bot_clicks::int as bot from links where id = ${linkId}`)[0]

  t.test('visitors resolved in the transaction; bots skipped; one batch, right counters', async t => {
    const bot = click({ bot: true, botName: 'Googlebot', userAgent: 'Googlebot/2.1', device: parseUserAgent('Googlebot/2.1') })
    const first = click()
    const back = click({ gaId: first.gaId, gaIdFromCookie: true })
    await flush([first, back, bot])
    t.equal(calls.length, 1)
    t.equal((await sql`select 1 from settings where key = ${`probe:${first.clickId}`}`).length, 1, 'identity writes committed with the batch')
    t.equal(calls[0].inputs.length, 2, 'the bot click resolves no visitor')
    t.equal(calls[0].inputs[0].click_id, first.clickId)
    t.equal(calls[0].inputs[0].ga_id, first.gaId)
    t.same(await counters(), { total: 2, uniq: 1, bot: 1 })
    const rows = await sql`select click_id, visitor_id, unique_click, bot, ip_address::text as ip from events where link_id = ${linkId} order by id`
    t.equal(rows[0].visitor_id, rows[1].visitor_id, 'same ga_id → same visitor')
    t.not(rows[0].visitor_id, null)
    t.equal(rows[2].visitor_id, null)
    t.same(rows.map(r => r.unique_click), [true, false, false])
    t.equal(rows[0].ip, '203.0.113.9/32')
  })

  t.test('one batch over many links: each link gets its own deltas; overlapping concurrent batches do not deadlock', async t => {
    const ids = Array.from({ length: 40 }, () => uuidv7())
    for (const [i, id] of ids.entries()) await sql`insert into links (id, workspace_id, domain, key, url) values (${id}, ${WS}, 'go.example.com', ${`multi${i}`}, 'https://example.com/')`
    // Link i gets i+1 human clicks from distinct addresses (all unique) and one bot click when i is even.
    const batch = (offset: number): ClickInput[] => ids.flatMap((id, i) => [
      ...Array.from({ length: i + 1 }, (_, n) => click({ linkId: id, ip: `198.51.${offset}.${n + 1}` })),
      ...(i % 2 === 0 ? [click({ linkId: id, bot: true, botName: 'Googlebot', userAgent: 'Googlebot/2.1', device: parseUserAgent('Googlebot/2.1') })] : [])
    ])
    // The same links in opposite orders at once: the counter update locks them in id order.
    await Promise.all([flush(batch(1)), flush(batch(2).reverse()), flush(batch(3))])
    const rows = await sql`select id, total_clicks::int as total, unique_clicks::int as uniq, bot_clicks::int as bot from links where id = any(${ids}::uuid[])`
    const byId = new Map(rows.map(r => [r.id, r]))
    for (const [i, id] of ids.entries()) {
      t.same({ ...byId.get(id) }, { id, total: 3 * (i + 1), uniq: 3 * (i + 1), bot: i % 2 === 0 ? 3 : 0 }, `link ${i}`)
    }
  })

  t.test('a failing identity resolution keeps the clicks (visitor_id null)', async t => {
    fail = true
    const c = click({ ip: '198.51.100.7' })
    await flush([c])
    fail = false
    const [row] = await sql`select visitor_id, unique_click from events where click_id = ${c.clickId}`
    t.equal(row.visitor_id, null)
    t.equal(row.unique_click, true)
  })

  t.test('identity writes roll back with a failed batch', async t => {
    const c = click()
    await t.rejects(flush([c, click({ workspaceId: 'not-a-uuid' })]))
    t.equal((await sql`select 1 from settings where key = ${`probe:${c.clickId}`}`).length, 0)
    t.equal((await sql`select 1 from events where click_id = ${c.clickId}`).length, 0)
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

  t.test('without the identity plugin visitor_id stays null', async t => {
    const bare = createClickFlush({ sql, identity: () => null, geo: null, ipMode: 'none', ownDomains: [], hashKey: 'k' })
    const c = click({ ip: '192.0.2.55' })
    await bare([c])
    const [row] = await sql`select visitor_id, ip_address from events where click_id = ${c.clickId}`
    t.same(row, { visitor_id: null, ip_address: null })
  })
})
