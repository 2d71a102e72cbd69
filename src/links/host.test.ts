// Guards how request Host headers become link domains: case, ports, trailing dots, IPv6 brackets,
// IDNs, and that garbage is refused (null) rather than looked up.
import t from 'tap'
import { hostForUrl, normalizeHost, parseHost } from './host.js'

const NORMALIZE: Array<[string, string | undefined, string | null]> = [
  ['plain host', 'go.example.com', 'go.example.com'],
  ['upper case', 'Go.Example.COM', 'go.example.com'],
  ['port stripped', 'go.example.com:8080', 'go.example.com'],
  ['trailing dot', 'go.example.com.', 'go.example.com'],
  ['surrounding spaces', '  go.example.com ', 'go.example.com'],
  ['localhost with port', 'localhost:3000', 'localhost'],
  ['ipv4', '127.0.0.1:80', '127.0.0.1'],
  ['ipv6 bracketed', '[::1]', '[::1]'],
  ['ipv6 with port', '[::1]:8443', '[::1]'],
  ['ipv6 upper case, long form', '[0:0:0:0:0:0:0:1]', '[::1]'],
  ['idn to punycode', 'bücher.example', 'xn--bcher-kva.example'],
  ['punycode kept', 'xn--bcher-kva.example', 'xn--bcher-kva.example'],
  ['undefined', undefined, null],
  ['empty', '', null],
  ['only port', ':80', null],
  ['bad port', 'example.com:http', null],
  ['port out of range', 'example.com:70000', null],
  ['port zero', 'example.com:0', null],
  ['empty port', 'example.com:', null],
  ['unbracketed ipv6', '::1', null],
  ['unclosed bracket', '[::1', null],
  ['junk after bracket', '[::1]x', null],
  ['not ipv6 in brackets', '[example.com]', null],
  ['space inside', 'exa mple.com', null],
  ['slash', 'example.com/path', null],
  ['userinfo', 'user@example.com', null],
  ['empty label', 'a..b', null],
  ['leading hyphen label', '-a.example', null],
  ['label too long', `${'a'.repeat(64)}.com`, null],
  ['overlong', `${'a.'.repeat(200)}com`, null],
  ['control char', 'exa\nmple.com', null],
  ['backslash', 'evil.com\\x', null]
]

for (const [name, input, want] of NORMALIZE) {
  t.test(`normalizeHost: ${name}`, async t => {
    t.equal(normalizeHost(input), want)
  })
}

const WITH_PORT: Array<[string, string, string]> = [
  ['default https port hidden', 'go.example.com:443', 'go.example.com'],
  ['default http port hidden', 'go.example.com:80', 'go.example.com'],
  ['other port kept', 'Go.Example.com:8080', 'go.example.com:8080'],
  ['no port', 'go.example.com', 'go.example.com'],
  ['ipv6 port kept', '[::1]:3000', '[::1]:3000']
]

for (const [name, input, want] of WITH_PORT) {
  t.test(`hostForUrl: ${name}`, async t => {
    const parsed = parseHost(input)
    t.not(parsed, null)
    if (parsed !== null) t.equal(hostForUrl(parsed), want)
  })
}
