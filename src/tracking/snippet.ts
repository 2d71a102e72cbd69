// Serving the browser snippet (security §3.10). The minified build is read once at start-up; its
// content hash is the ETag and the version: `/ga/js/good-analytics.js?v=<hash>` is immutable for a
// year, the bare URL is cached for 5 minutes (so a deploy reaches pages quickly).
// GET /ga/js/version answers {version, url, integrity} for pages that want the versioned URL + SRI.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses } from '../errors.js'

export const SNIPPET_ROUTE = '/ga/js/good-analytics.js'
export const SHORT_CACHE = 'public, max-age=300'
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable'

// src/tracking → ../../public (also from dist/src/tracking → ../../../public).
const CANDIDATES = ['../../public/', '../../../public/'].flatMap(dir => ['good-analytics.min.js', 'good-analytics.js'].map(f => dir + f))

export interface Snippet { code: string, version: string, etag: string, integrity: string, file: string }

/** The minified build when present (`npm run build` / `pretest` make it), else the readable source. */
export function loadSnippet (files: readonly string[] = CANDIDATES.map(c => fileURLToPath(new URL(c, import.meta.url)))): Snippet {
  // Prefer any .min over any source, whichever directory it is in.
  const ordered = [...files].sort((a, b) => Number(!a.endsWith('.min.js')) - Number(!b.endsWith('.min.js')))
  const file = ordered.find(f => existsSync(f))
  if (file === undefined) throw new Error(`snippet not found (looked for ${files.join(', ')})`)
  return snippetOf(readFileSync(file, 'utf8'), file)
}

export function snippetOf (code: string, file = '(memory)'): Snippet {
  const version = createHash('sha256').update(code).digest('hex').slice(0, 16)
  const integrity = 'sha384-' + createHash('sha384').update(code).digest('base64')
  return { code, version, etag: `"${version}"`, integrity, file }
}

/** Long caching only for the URL that names this exact content. */
export function cacheControlFor (requestedVersion: string | undefined, version: string): string {
  return requestedVersion === version ? IMMUTABLE_CACHE : SHORT_CACHE
}

export function etagMatches (ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false
  return ifNoneMatch.split(',').map(s => s.trim().replace(/^W\//, '')).some(s => s === etag || s === '*')
}

const VersionReply = Type.Object({
  version: Type.String({ description: 'Content hash of the snippet' }),
  url: Type.String({ description: 'Path of the immutable, versioned snippet URL' }),
  integrity: Type.String({ description: 'Subresource-integrity hash for <script integrity>' })
})

const snippetRoutes: FastifyPluginAsyncTypebox<{ snippet: Snippet }> = async (app, opts) => {
  const { snippet } = opts
  const versioned = `${SNIPPET_ROUTE}?v=${snippet.version}`
  const staticHeaders = {
    'content-type': 'application/javascript; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'cross-origin',
    // A public, credential-free script: `*` lets pages use SRI with crossorigin="anonymous".
    'access-control-allow-origin': '*',
    etag: snippet.etag,
    'x-snippet-version': snippet.version,
    link: `<${versioned}>; rel="canonical"`
  }

  // GET /ga/js/good-analytics.js – the snippet
  app.get(SNIPPET_ROUTE, {
    schema: {
      tags: ['tracking'],
      summary: 'The browser snippet',
      description: `Minified JS (≤ 2 KB gzipped). \`?v=<version>\` (see /ga/js/version or the X-Snippet-Version header) is cached immutably for a year; the bare URL for 5 minutes. ETag = content hash.`,
      querystring: Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) }),
      response: { 200: Type.String(), 304: Type.Null(), ...errorResponses }
    }
  }, async (req, reply) => {
    void reply.headers(staticHeaders).header('cache-control', cacheControlFor(req.query.v, snippet.version))
    if (etagMatches(req.headers['if-none-match'], snippet.etag)) return await reply.code(304).send(null)
    return await reply.send(snippet.code)
  })

  // GET /ga/js/version – which snippet this server serves
  app.get('/ga/js/version', {
    schema: {
      tags: ['tracking'],
      summary: 'Version, immutable URL and SRI hash of the snippet',
      response: { 200: VersionReply, ...errorResponses }
    }
  }, async (_req, reply) => {
    void reply.header('cache-control', 'no-cache').header('access-control-allow-origin', '*')
    return { version: snippet.version, url: versioned, integrity: snippet.integrity }
  })
}

export default snippetRoutes
