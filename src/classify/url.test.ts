// Guards URL normalisation (reference §4.3) and the http(s)-only gate that keeps `javascript:`
// and control-character tricks out of stored URL fields (security §3.2).
import t from 'tap'
import { normalizeUrlForFilter, pathForGrouping, safeHttpUrl, urlHost, urlPath } from './url.js'

t.test('urlHost', async (t) => {
  const rows: [string | null, string | null][] = [
    ['https://acme.com:8443/x', 'acme.com:8443'],
    ['https://ACME.com/x', 'acme.com'],
    ['https://acme.com:443/x', 'acme.com'],
    ['http://acme.com:80/', 'acme.com'],
    ['http://acme.com:443/', 'acme.com:443'],
    ['https://app.acme.com/pricing?utm=x#s', 'app.acme.com'],
    ['', null],
    ['/just/a/path', null],
    ['not-a-url', null],
    ['javascript:alert(1)', null],
    [null, null]
  ]
  for (const [url, want] of rows) t.equal(urlHost(url), want, String(url))
})

t.test('urlPath', async (t) => {
  const rows: [string | null, string][] = [
    ['https://app.acme.com/pricing?utm=x#s', '/pricing'],
    ['https://acme.com/pricing/', '/pricing'],
    ['https://acme.com/', '/'],
    ['https://acme.com', '/'],
    ['https://acme.com//docs///guide', '/docs/guide'],
    ['#/dashboard', '/'],
    ['/just/a/path', '/just/a/path'],
    ['not-a-url', '/not-a-url'],
    ['https://acme.com/Caf%C3%A9/X', '/Caf%C3%A9/X'],
    ['', '/'],
    [null, '/']
  ]
  for (const [url, want] of rows) t.equal(urlPath(url), want, String(url))
})

t.test('pathForGrouping', async (t) => {
  const rows: [string | null, string][] = [
    ['https://Example.com/pricing?fbclid=abc#hero', 'https://example.com/pricing'],
    ['HTTP://example.com:8080/a/', 'http://example.com:8080/a'],
    ['/docs/', '/docs'],
    [null, '/']
  ]
  for (const [url, want] of rows) t.equal(pathForGrouping(url), want, String(url))
})

t.test('normalizeUrlForFilter', async (t) => {
  const rows: [string | null, string][] = [
    ['https://example.com/promo?utm=x', 'https://example.com/promo'],
    ['https://example.com/promo/', 'https://example.com/promo'],
    ['https://example.com//promo', 'https://example.com/promo'],
    ['/', '/'],
    ['', '/'],
    [null, '/']
  ]
  for (const [url, want] of rows) t.equal(normalizeUrlForFilter(url), want, String(url))
})

t.test('safeHttpUrl', async (t) => {
  const rows: [name: string, input: unknown, want: string | null][] = [
    ['https', 'https://acme.com/a?b=c#d', 'https://acme.com/a?b=c#d'],
    ['http, canonicalised', 'HTTP://ACME.com', 'http://acme.com/'],
    ['trimmed', '  https://acme.com/  ', 'https://acme.com/'],
    ['javascript', 'javascript:alert(1)', null],
    ['JavaScript mixed case', 'JaVaScRiPt:alert(1)', null],
    ['tab inside scheme', 'java\tscript:alert(1)', null],
    ['newline inside http url', 'https://acme.com/\nx', null],
    ['NUL', 'https://acme.com/\u0000', null],
    ['C1 control', 'https://acme.com/\u0085', null],
    ['data', 'data:text/html,<script>alert(1)</script>', null],
    ['vbscript', 'vbscript:msgbox(1)', null],
    ['ftp', 'ftp://acme.com/', null],
    ['relative', '/path', null],
    ['protocol-relative', '//evil.test/', null],
    ['credentials', 'https://user:pw@acme.com/', null],
    ['empty', '', null],
    ['not a string', 42, null],
    ['null', null, null],
    ['too long', `https://acme.com/${'a'.repeat(2100)}`, null]
  ]
  for (const [name, input, want] of rows) t.equal(safeHttpUrl(input), want, name)
  t.equal(safeHttpUrl('https://acme.com/abcdef', 20), null, 'custom limit')
})

// The verbatim fast path of safeHttpUrl (issue 19: classify speed) must give what URL gives.
t.test('safeHttpUrl fast path equals the WHATWG href', async (t) => {
  const { default: fc } = await import('fast-check')
  const { verbatimHref } = await import('./url.js')
  const slow = (s: string): string | null => { try { return new URL(s).href } catch { return null } }
  const piece = fc.stringMatching(/^[A-Za-z0-9\-._~!$&()*+,;=:@/?#%'"<> {}|^`\\]{0,40}$/)
  const host = fc.stringMatching(/^[a-z0-9-]{1,10}(\.[a-z0-9-]{1,10}){0,3}$/)
  const url = fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.tuple(fc.constantFrom('http://', 'https://'), host, piece).map(([s, h, p]) => s + h + p)
  )
  fc.assert(fc.property(url, (u) => {
    const fast = verbatimHref(u)
    return fast === null || fast === slow(u)
  }), { numRuns: 5000 })
  const cases = ['https://a.com', 'https://a.com?x=1', 'https://a.com/a/./b', 'https://a.com/%2e%2e/x', 'http://1.2.3.4/', 'http://0x7f/', 'https://xn--bcher-kva.de/', "https://a.com/?q='", 'https://a.com/#a#b']
  for (const c of cases) {
    const fast = verbatimHref(c)
    t.ok(fast === null || fast === slow(c), c)
  }
  t.equal(verbatimHref('https://a.com'), 'https://a.com/')
  t.equal(verbatimHref('https://www.google.com/search?q=x'), 'https://www.google.com/search?q=x')
})
