// Guards the open-redirect defences of link destinations (security.md §3.1): scheme allowlist,
// control characters and backslashes refused before parsing, no userinfo, no private addresses,
// no loops through our own short domains, and the length cap.
import t from 'tap'
import { MAX_URL_LENGTH, validateDestinationUrl } from './url-validation.js'

const rules = { ownDomains: ['go.example.com', 'Short.Link:8080'] }

const ACCEPTED: Array<[string, string, string]> = [
  ['https', 'https://example.com/page?a=1#top', 'https://example.com/page?a=1#top'],
  ['http', 'http://example.com', 'http://example.com/'],
  ['upper-case scheme and host', 'HTTPS://EXAMPLE.COM/Path', 'https://example.com/Path'],
  ['idn to punycode', 'https://bücher.example/', 'https://xn--bcher-kva.example/'],
  ['port', 'https://example.com:8443/x', 'https://example.com:8443/x'],
  ['public ipv4', 'http://93.184.216.34/', 'http://93.184.216.34/'],
  ['public ipv6', 'http://[2606:4700::1111]/', 'http://[2606:4700::1111]/'],
  ['space in path is encoded', 'https://example.com/a b', 'https://example.com/a%20b'],
  ['subdomain of own domain is a different host', 'https://x.go.example.com/', 'https://x.go.example.com/'],
  ['exactly the max length', `https://example.com/${'a'.repeat(MAX_URL_LENGTH - 20)}`, `https://example.com/${'a'.repeat(MAX_URL_LENGTH - 20)}`]
]

for (const [name, input, want] of ACCEPTED) {
  t.test(`accepts ${name}`, async t => {
    t.same(validateDestinationUrl(input, rules), { ok: true, url: want })
  })
}

const REJECTED: Array<[string, unknown, RegExp]> = [
  ['javascript:', 'javascript:alert(1)', /valid HTTP/],
  ['data:', 'data:text/html,<script>alert(1)</script>', /valid HTTP/],
  ['tab inside scheme', 'java\tscript:alert(1)', /control/],
  ['newline inside host', 'https://exa\nmple.com', /control/],
  ['carriage return', 'https://example.com/\r\nSet-Cookie:x', /control/],
  ['NUL', 'https://example.com/\u0000', /control/],
  ['DEL', 'https://example.com/\u007f', /control/],
  ['C1 control', 'https://example.com/\u0085', /control/],
  ['line separator', 'https://example.com/\u2028', /control/],
  ['backslashes as slashes', 'https:\\\\evil.com', /backslash/],
  ['backslash in path', 'https://example.com/a\\b', /backslash/],
  ['slash-backslash', '/\\evil.com', /backslash/],
  ['userinfo', 'https://user:pw@evil.com', /user name/],
  ['user only', 'https://paypal.com@evil.com', /user name/],
  ['ftp', 'ftp://x', /valid HTTP/],
  ['scheme-relative', '//evil.com', /valid HTTP/],
  ['https without slashes', 'https:evil.com', /valid HTTP/],
  ['relative path', '/path', /valid HTTP/],
  ['leading space', ' https://example.com', /whitespace/],
  ['trailing space', 'https://example.com ', /whitespace/],
  ['empty', '', /valid HTTP/],
  ['not a string', 42, /valid HTTP/],
  ['null', null, /valid HTTP/],
  ['too long', `https://example.com/${'a'.repeat(5000)}`, /at most 2048/],
  ['grows past the cap when encoded', `https://example.com/${'é'.repeat(1000)}`, /at most 2048/],
  ['empty host', 'https://', /valid HTTP/],
  ['bad host', 'https://exa mple.com', /valid HTTP/],
  ['own short domain', 'https://go.example.com/abc', /short-link domain/],
  ['own short domain, other case and dot', 'https://GO.example.com./abc', /short-link domain/],
  ['own short domain given with port', 'https://short.link/abc', /short-link domain/],
  ['loopback', 'http://127.0.0.1/admin', /local or private/],
  ['loopback in hex', 'http://0x7f.1/', /local or private/],
  ['loopback as integer', 'http://2130706433/', /local or private/],
  ['private 10/8', 'http://10.1.2.3/', /local or private/],
  ['private 192.168', 'http://192.168.1.1/', /local or private/],
  ['cloud metadata', 'http://169.254.169.254/latest/meta-data', /local or private/],
  ['localhost', 'http://localhost:3000/', /local or private/],
  ['sub.localhost', 'http://app.localhost/', /local or private/],
  ['ipv6 loopback', 'http://[::1]/', /local or private/],
  ['ipv6 unique local', 'http://[fd00:ec2::254]/', /local or private/],
  ['ipv4-mapped ipv6', 'http://[::ffff:127.0.0.1]/', /local or private/],
  ['vbscript', 'vbscript:msgbox(1)', /valid HTTP/],
  ['custom app scheme', 'myapp://open', /valid HTTP/]
]

for (const [name, input, reason] of REJECTED) {
  t.test(`rejects ${name}`, async t => {
    const got = validateDestinationUrl(input, rules)
    t.equal(got.ok, false)
    if (!got.ok) t.match(got.reason, reason)
  })
}
