// Table-driven checks of the create/PATCH body rules: defaults, null-clears, per-field errors.
import t from 'tap'
import { validateLinkInput, type LinkBody, type LinkInputContext } from './link-input.js'

const now = Date.parse('2026-06-01T00:00:00Z')
const create: LinkInputContext = { linkDomains: ['go.example.com', 'b.example.org'], nowMs: now, mode: 'create' }
const update: LinkInputContext = { ...create, mode: 'update', currentDomain: 'go.example.com' }

const accepted: Array<[string, LinkBody, LinkInputContext, Record<string, unknown>]> = [
  ['url only → default domain, no key', { url: 'https://example.com' }, create, { domain: 'go.example.com', url: 'https://example.com/' }],
  ['domain normalised', { url: 'https://example.com/', domain: 'B.Example.org.' }, create, { domain: 'b.example.org', url: 'https://example.com/' }],
  ['null key on create → generated later', { url: 'https://example.com/', key: null }, create, { domain: 'go.example.com', url: 'https://example.com/' }],
  ['patch nulls clear', { utm_source: null, tags: null, geo_targeting: null, metadata: null, password: null, expires_at: null },
    update, { utmSource: null, tags: [], geoTargeting: {}, metadata: {}, password: null, expiresAt: null }],
  ['patch empty string clears a text field', { og_title: '  ' }, update, { ogTitle: null }],
  ['patch may set a past expiry (expire now)', { expires_at: '2026-05-01T00:00:00Z' }, update, { expiresAt: new Date('2026-05-01T00:00:00Z') }],
  ['geo keys upper-cased', { geo_targeting: { de: 'https://example.de' } }, update, { geoTargeting: { DE: 'https://example.de/' } }],
  ['tags deduplicated and trimmed', { tags: [' a', 'a', 'b'] }, update, { tags: ['a', 'b'] }]
]
for (const [name, body, ctx, want] of accepted) {
  t.test(name, async t => {
    const check = validateLinkInput(body, ctx)
    t.ok(check.ok, JSON.stringify(check))
    if (check.ok) t.same(check.changes, want)
  })
}

const rejected: Array<[string, LinkBody, LinkInputContext, string]> = [
  ['url missing on create', {}, create, 'url'],
  ['url null on patch', { url: null }, update, 'url'],
  ['loop to the current domain on patch', { url: 'https://go.example.com/x' }, update, 'url'],
  ['expired_url loops', { expired_url: 'https://b.example.org/' }, update, 'expired_url'],
  ['domain not a host', { url: 'https://example.com/', domain: 'c example.net' }, create, 'domain'],
  ['no domain configured', { url: 'https://example.com/' }, { ...create, linkDomains: [] }, 'domain'],
  ['key null on patch', { key: null }, update, 'key'],
  ['key reserved', { url: 'https://example.com/', key: 'readyz' }, create, 'key'],
  ['link_type null', { link_type: null }, update, 'link_type'],
  ['utm too long', { utm_source: 'x'.repeat(256) }, update, 'utm_source'],
  ['expires_at past on create', { url: 'https://example.com/', expires_at: '2026-05-31T23:59:59Z' }, create, 'expires_at'],
  ['expires_at garbage', { expires_at: 'soon' }, update, 'expires_at'],
  ['password empty', { password: '' }, update, 'password'],
  ['too many tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, update, 'tags'],
  ['metadata too large', { metadata: { big: 'x'.repeat(17_000) } }, update, 'metadata'],
  ['referrer_policy unknown', { referrer_policy: 'everything' }, update, 'referrer_policy']
]
for (const [name, body, ctx, field] of rejected) {
  t.test(name, async t => {
    const check = validateLinkInput(body, ctx)
    t.notOk(check.ok)
    if (!check.ok) t.type(check.errors[field], 'string', JSON.stringify(check.errors))
  })
}
