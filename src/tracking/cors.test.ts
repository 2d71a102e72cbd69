import t from 'tap'
import { corsHeaders, corsVerdict, preflightHeaders } from './cors.js'

const ALLOWED = ['https://shop.example.com', 'http://localhost:3000']
const SELF = 'https://t.example.com'
const CASES: Array<[string, string | undefined, string]> = [
  ['no Origin (server-to-server)', undefined, 'no_origin'],
  ['empty Origin', '', 'no_origin'],
  ['allowed', 'https://shop.example.com', 'allowed'],
  ['allowed with port', 'http://localhost:3000', 'allowed'],
  ['same origin as the collector', SELF, 'allowed'],
  ['other scheme', 'http://shop.example.com', 'denied'],
  ['subdomain is not the origin', 'https://a.shop.example.com', 'denied'],
  ['null', 'null', 'denied'],
  ['wildcard', '*', 'denied'],
  ['with a path', 'https://shop.example.com/x', 'denied'],
  ['garbage', 'not an origin', 'denied']
]
for (const [name, origin, kind] of CASES) t.equal(corsVerdict(origin, ALLOWED, SELF).kind, kind, name)

t.test('headers reflect the exact origin, with credentials, never *', async t => {
  const h = corsHeaders('https://shop.example.com')
  t.same(h, { 'access-control-allow-origin': 'https://shop.example.com', 'access-control-allow-credentials': 'true', vary: 'Origin' })
  const p = preflightHeaders('https://shop.example.com')
  t.equal(p['access-control-allow-methods'], 'POST, OPTIONS')
  t.equal(p['access-control-allow-headers'], 'content-type')
  t.equal(p['access-control-max-age'], '600')
  t.notOk(Object.values(p).includes('*'))
})
