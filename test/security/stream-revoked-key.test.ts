// Issue 14 item 15: on 3e68a40 a live stream kept flowing after its API key was revoked. The
// stream re-checks its credential on a timer and closes with an `event: error` once it is invalid.
import t from 'tap'
import { createApiKey, DEFAULT_WORKSPACE_ID, revokeApiKey } from '../../src/auth/service.js'
import { listen } from '../helper.js'
import { openStream, within } from './sse-client.js'

t.test('a stream whose key is revoked is closed', async t => {
  const built = await listen(t, { env: { GA_STREAM_AUTH_RECHECK_MS: '200' } })
  const { key, row } = await createApiKey(built.database.db, built.config.secret, { workspaceId: DEFAULT_WORKSPACE_ID, name: 'dashboard', type: 'secret' })
  const other = await openStream(built.baseUrl, built.auth)
  const stream = await openStream(built.baseUrl, { authorization: `Bearer ${key}` })
  t.equal(stream.status, 200)
  await new Promise(resolve => setTimeout(resolve, 600))
  t.notOk(stream.req.destroyed, 'open while the key is valid (several re-checks passed)')

  await revokeApiKey(built.database.db, row.id)
  const text = await within(stream.body, 5000, 'the stream to end after the revoke')
  t.match(text, /event: error\ndata: \{"error":"The credential of this stream is no longer valid","code":"CREDENTIAL_REVOKED"\}/)
  t.equal(other.req.destroyed, false, "another key's stream stays open")
  other.req.destroy()
})
