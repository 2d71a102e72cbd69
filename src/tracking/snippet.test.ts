import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cacheControlFor, etagMatches, IMMUTABLE_CACHE, loadSnippet, SHORT_CACHE, snippetOf } from './snippet.js'

t.test('version and ETag follow the content', async t => {
  const a = snippetOf('console.log(1)')
  const b = snippetOf('console.log(2)')
  t.match(a.version, /^[0-9a-f]{16}$/)
  t.not(a.version, b.version)
  t.equal(a.etag, `"${a.version}"`)
  t.match(a.integrity, /^sha384-[A-Za-z0-9+/]+=*$/)
})

t.test('caching: immutable only for the current version', async t => {
  const rows: Array<[string | undefined, string]> = [['abc', IMMUTABLE_CACHE], ['old', SHORT_CACHE], [undefined, SHORT_CACHE]]
  for (const [v, want] of rows) t.equal(cacheControlFor(v, 'abc'), want, String(v))
})

t.test('If-None-Match', async t => {
  const rows: Array<[string | undefined, boolean]> = [['"v1"', true], ['W/"v1"', true], ['"v0", "v1"', true], ['*', true], ['"v2"', false], [undefined, false]]
  for (const [h, want] of rows) t.equal(etagMatches(h, '"v1"'), want, String(h))
})

t.test('the minified build is preferred, the source is the fallback', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'ga-snippet-'))
  const src = join(dir, 'good-analytics.js')
  const min = join(dir, 'good-analytics.min.js')
  writeFileSync(src, '/* source */')
  t.equal(loadSnippet([min, src]).code, '/* source */', 'no .min: the source')
  writeFileSync(min, 'min')
  t.equal(loadSnippet([src, min]).code, 'min', '.min wins whatever the order')
  t.throws(() => loadSnippet([join(dir, 'missing.js')]), /snippet not found/)
})
