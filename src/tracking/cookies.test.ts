import t from 'tap'
import { chooseIdentity, cookieDomainFor, identityCookieOptions, mintAnonymousId, readSignedCookie, COOKIE_MAX_AGE_S } from './cookies.js'

const mint = { gaId: () => 'minted-ga', anonymousId: () => 'minted-anon' }
const C1 = '0190a5f2-1111-7abc-8def-123456789abc'
const C2 = '0190a5f2-2222-7abc-8def-123456789abc'
type Ids = { ga_id: string | null, anonymous_id: string | null }
const none: Ids = { ga_id: null, anonymous_id: null }

const CASES: Array<[string, Ids, Ids, { ga: string, anon: string, click: string | null, setGa: string | null }]> = [
  ['nothing: both minted, both set', none, none, { ga: 'minted-ga', anon: 'minted-anon', click: null, setGa: 'minted-ga' }],
  ['cookies win over the body', { ga_id: C1, anonymous_id: 'a1' }, { ga_id: C1, anonymous_id: 'b1' }, { ga: C1, anon: 'a1', click: null, setGa: null }],
  ['body ids when no cookie (cross-site pages)', none, { ga_id: C2, anonymous_id: 'b1' }, { ga: C2, anon: 'b1', click: null, setGa: C2 }],
  ['a landing ga_id different from the cookie becomes the click id', { ga_id: C1, anonymous_id: 'a1' }, { ga_id: C2, anonymous_id: null }, { ga: C1, anon: 'a1', click: C2, setGa: null }],
  ['a non-UUID body ga_id is no click id', { ga_id: C1, anonymous_id: null }, { ga_id: 'abc', anonymous_id: null }, { ga: C1, anon: 'minted-anon', click: null, setGa: null }],
  ['an invalid cookie value is no cookie', { ga_id: 'bad value!', anonymous_id: '' }, none, { ga: 'minted-ga', anon: 'minted-anon', click: null, setGa: 'minted-ga' }]
]
for (const [name, cookie, body, want] of CASES) {
  const got = chooseIdentity(cookie, body, mint)
  t.same({ ga: got.ga_id, anon: got.anonymous_id, click: got.click_id, setGa: got.set.ga_id }, want, name)
  t.equal(got.set.anonymous_id, got.anonymous_id, `${name}: _ga_anon always refreshed`)
}

t.test('cookie domain: the parent when the host is under it, else host-only', async t => {
  const rows: Array<[string, string | null, string | undefined]> = [
    ['t.example.com', '.example.com', '.example.com'],
    ['example.com', '.example.com', '.example.com'],
    ['T.EXAMPLE.COM', '.example.com', '.example.com'],
    ['evil-example.com', '.example.com', undefined],
    ['t.example.com', null, undefined]
  ]
  for (const [host, domain, want] of rows) t.equal(cookieDomainFor(host, domain), want, `${host} / ${domain}`)
  t.same(identityCookieOptions({ secure: true, host: 't.example.com', cookieDomain: '.example.com' }),
    { signed: true, httpOnly: true, sameSite: 'lax', secure: true, path: '/', maxAge: COOKIE_MAX_AGE_S, domain: '.example.com' })
  t.equal(COOKIE_MAX_AGE_S, 400 * 86400)
})

t.test('signed cookies: only a valid signature counts', async t => {
  const unsign = (v: string): { valid: boolean, value: string | null } => (v.endsWith('.good') ? { valid: true, value: v.slice(0, -5) } : { valid: false, value: null })
  t.equal(readSignedCookie('abc.good', unsign), 'abc')
  t.equal(readSignedCookie('abc.bad', unsign), null)
  t.equal(readSignedCookie('abc', unsign), null)
  t.equal(readSignedCookie(undefined, unsign), null)
  t.equal(readSignedCookie('x'.repeat(600) + '.good', unsign), null, 'oversized values are not checked')
})

t.test('minted anonymous ids carry 128 random bits', async t => {
  const a = mintAnonymousId()
  t.match(a, /^[A-Za-z0-9_-]{22}$/)
  t.not(a, mintAnonymousId())
})
