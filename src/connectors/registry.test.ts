// Guards the connector registry: built-ins present and well formed, custom ES modules loaded and
// validated with a clear error, and no type shadowing.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { BUILT_IN_CONNECTORS, InvalidConnectorError, buildRegistry, loadCustomConnectors, validateConnector } from './registry.js'

t.test('built-ins pass their own validation', async (t) => {
  t.same([...BUILT_IN_CONNECTORS.keys()], ['meta', 'google', 'linkedin', 'tiktok', 'webhook'])
  for (const [type, connector] of BUILT_IN_CONNECTORS) t.equal(validateConnector(connector, type), connector)
})

const dir = mkdtempSync(join(tmpdir(), 'ga-connectors-'))
const GOOD = `export default {
  type: 'crm', supportedEventTypes: ['lead'], requiredSignals: [], credentialKeys: ['token'],
  maxBatchSize: 10, deliveryWindowMs: null,
  buildRequest: () => ({ method: 'POST', url: 'http://x/', headers: {}, body: '{}' }),
  parseResponse: () => ({ ok: true })
}`
writeFileSync(join(dir, 'good.mjs'), GOOD)
writeFileSync(join(dir, 'named.mjs'), GOOD.replace('export default', 'export const connector =').replace("'crm'", "'crm2'"))
writeFileSync(join(dir, 'bad.mjs'), "export default { type: 'Bad Type', requiredSignals: [['nope']], maxBatchSize: 0 }")
writeFileSync(join(dir, 'nothing.mjs'), 'export const x = 1')
writeFileSync(join(dir, 'meta.mjs'), GOOD.replace("'crm'", "'meta'"))

t.test('loads default and named exports; fills in single-item batching', async (t) => {
  const [good, named] = await loadCustomConnectors([join(dir, 'good.mjs'), join(dir, 'named.mjs')])
  t.equal(good.type, 'crm')
  t.equal(named.type, 'crm2')
  t.equal(good.maxBatchSize, 1)
  t.equal(typeof good.buildBatchRequest, 'function')
  const registry = buildRegistry([good, named])
  t.equal(registry.get('crm'), good)
  t.ok(registry.get('meta'))
})

const BAD: [string, RegExp][] = [
  ['bad.mjs', /type.*requiredSignals.*credentialKeys.*maxBatchSize.*buildRequest/s],
  ['nothing.mjs', /does not export a connector/],
  ['missing.mjs', /cannot be imported/]
]
for (const [file, message] of BAD) {
  t.test(`rejects ${file} clearly`, async (t) => {
    await t.rejects(loadCustomConnectors([join(dir, file)]), message)
    await t.rejects(loadCustomConnectors([join(dir, file)]), InvalidConnectorError)
  })
}

t.test('a custom connector cannot shadow a built-in', async (t) => {
  const [shadow] = await loadCustomConnectors([join(dir, 'meta.mjs')])
  t.throws(() => buildRegistry([shadow]), /already registered/)
})
