// Guards config validation: every bad value stops start-up with one line naming the variable.
import t from 'tap'
import { loadConfig } from '../../src/config.js'

const BAD: Array<[string, Record<string, string>, RegExp]> = [
  ['PORT=abc', { PORT: 'abc' }, /PORT must be an integer/],
  ['PORT out of range', { PORT: '70000' }, /PORT/],
  ['DATABASE_URL=nope', { DATABASE_URL: 'nope' }, /DATABASE_URL must be a postgres/],
  ['DATABASE_URL http', { DATABASE_URL: 'http://x/y' }, /DATABASE_URL/],
  ['production without GA_SECRET', { NODE_ENV: 'production' }, /GA_SECRET is required/],
  ['short GA_SECRET', { GA_SECRET: 'short' }, /GA_SECRET must be at least 32/],
  ['GA_TRUST_PROXY=maybe', { GA_TRUST_PROXY: 'maybe' }, /GA_TRUST_PROXY must be false, true, a hop count/],
  ['GA_IP_MODE=half', { GA_IP_MODE: 'half' }, /GA_IP_MODE must be one of full, truncate, none/],
  ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ['GA_SCHEMA with a quote', { GA_SCHEMA: 'x"; drop' }, /GA_SCHEMA/],
  ['GA_RETENTION_MONTHS=0', { GA_RETENTION_MONTHS: '0' }, /GA_RETENTION_MONTHS/],
  ['GA_LINK_DOMAINS garbage', { GA_LINK_DOMAINS: 'go.example.com,not a host' }, /GA_LINK_DOMAINS/],
  ['GA_ALLOWED_ORIGINS star', { GA_ALLOWED_ORIGINS: '*' }, /GA_ALLOWED_ORIGINS/],
  ['GA_META_API_BASE with a path', { GA_META_API_BASE: 'http://127.0.0.1:9/v1' }, /GA_META_API_BASE must be an origin/],
  ['GA_AUTH_URL ftp', { GA_AUTH_URL: 'ftp://x' }, /GA_AUTH_URL/],
  ['GA_GEOIP_DB missing file', { GA_GEOIP_DB: '/nonexistent.mmdb' }, /GA_GEOIP_DB/],
  ['GA_ADMIN_TOKEN too short', { GA_ADMIN_TOKEN: 'abc' }, /GA_ADMIN_TOKEN/]
]

for (const [name, env, want] of BAD) {
  t.test(name, async t => {
    t.throws(() => loadConfig(env), { name: 'ConfigError' })
    try { loadConfig(env) } catch (err) {
      t.match((err as Error).message, want)
      t.notMatch((err as Error).message, /\n/, 'one line')
    }
  })
}

t.test('defaults and parsing', async t => {
  const c = loadConfig({ GA_LINK_DOMAINS: 'Go.Example.com, links.example.org', GA_ALLOWED_ORIGINS: 'https://www.example.com/', GA_META_API_BASE: 'http://127.0.0.1:9999' })
  t.equal(c.port, 3000)
  t.equal(c.schema, 'good_analytics')
  t.equal(c.ipMode, 'truncate')
  t.equal(c.connectorsEnabled, true)
  t.same(c.linkDomains, ['go.example.com', 'links.example.org'])
  t.same(c.allowedOrigins, ['https://www.example.com'])
  t.equal(c.apiBases.meta, 'http://127.0.0.1:9999')
  t.ok(Object.isFrozen(c))
})

t.test('the secret is never part of an error message', async t => {
  try { loadConfig({ GA_SECRET: 'tooshort-secret-value' }) } catch (err) { t.notMatch((err as Error).message, /tooshort-secret-value/) }
})
