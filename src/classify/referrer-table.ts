// The referrer host table: Matomo's vendored dataset (referrers.generated.ts) merged with our
// additions (source.data.ts), built once at module load into Maps, and the lookup that matches
// a host the way Matomo does (exact host, host + path, then the "lossy" host with `{}` for the
// country TLD / sub-domain), plus two rules of ours: sub-domains of a listed social, email,
// messaging or AI host (business.facebook.com, us-mg5.mail.yahoo.com), and `mail.`/`webmail.`
// hosts of any provider. Pure and allocation-light: one Map hit for the common referrers.
import { ISO_COUNTRY_CODES } from '../links/iso-3166.data.js'
import { AI_ASSISTANTS, SEARCH_ENGINES, SOCIAL_NETWORKS } from './referrers.generated.js'
import { MEDIUM_OF_CATEGORY, PLATFORM_HOSTS, SEARCH_TERM_REQUIRED, type RefererCategory } from './source.data.js'

export interface HostEntry {
  readonly category: RefererCategory
  readonly platform: string
  readonly medium: string
  /** Query parameters that carry the search term, in the dataset's order (search only). */
  readonly params: readonly string[]
  /** Regexes (group 1 = term) tried on `path?query` when no parameter matched (search only). */
  readonly patterns: readonly RegExp[]
  /** A host-only match is not enough: the referrer must still carry a search term. */
  readonly needsTerm: boolean
  /** The table key that matched, e.g. `google.{}`, `bing.com/images/search`, `mail.*`. */
  readonly key: string
}

type Draft = Omit<HostEntry, 'key'>

/** `Yahoo! Japan` → `yahoo_japan`, `Google%2B` → `google_plus`, `Cốc Cốc` → `coc_coc`. */
export function platformSlug (name: string, fallbackHost: string): string {
  let decoded = name
  try { decoded = decodeURIComponent(name) } catch { /* keep the raw name */ }
  const slug = decoded.replace(/\+/g, ' plus').normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
  return slug !== '' ? slug : fallbackHost.split('.')[0].replace(/[^a-z0-9]+/g, '_')
}

// Regex params are written `/…/` in the dataset (PHP delimiters); a bad one is dropped, not fatal.
function keywordPattern (param: string): RegExp | null {
  if (param.length < 3 || !param.startsWith('/') || !param.endsWith('/')) return null
  try { return new RegExp(param.slice(1, -1)) } catch { return null }
}

/** A dataset URL → [host key, path prefix]: lower-cased, `android-app://` and one `www.` dropped. */
export function tableKey (url: string): [host: string, path: string] {
  const s = url.trim().toLowerCase().replace(/^android-app:\/?\/?/, '')
  const slash = s.indexOf('/')
  const host = (slash === -1 ? s : s.slice(0, slash)).replace(/^www\.(?=[^.]+\.)/, '')
  const path = slash === -1 ? '' : s.slice(slash).replace(/\/+$/, '')
  return [host, path]
}

// Matomo's UrlHelper::getLossyUrl, for hosts: drop `www.`/`wwwN.`/`search.` and `m.` labels,
// then write a country TLD (optionally after com/org/net/co/it/edu) and a country label as `{}`.
const COUNTRIES: ReadonlySet<string> = new Set([...ISO_COUNTRY_CODES.map((c) => c.toLowerCase()), 'uk', 'eu'])
const SECOND_LEVEL: ReadonlySet<string> = new Set(['com', 'org', 'net', 'co', 'it', 'edu'])
const LOSSY_PREFIX = /^(?:w+[0-9]*|search)$/

// Label by label rather than Matomo's four regex replaces over a 250-way alternation: the same
// result for host names, at a fraction of the cost on the hot path.
export function lossyHost (host: string): string {
  const labels = host.split('.')
  if (labels.length > 1 && LOSSY_PREFIX.test(labels[0])) labels.shift()
  const kept = labels.filter((l) => l !== 'm')
  const n = kept.length
  if (n > 1 && COUNTRIES.has(kept[n - 1])) {
    kept[n - 1] = '{}'
    if (n > 2 && SECOND_LEVEL.has(kept[n - 2])) kept.splice(n - 2, 1)
  }
  for (let i = 0; i < kept.length - 1; i++) if (COUNTRIES.has(kept[i])) kept[i] = '{}'
  return kept.join('.')
}

interface Table {
  hosts: Map<string, HostEntry>
  /** host key → [path prefix, entry], longest prefix first. */
  paths: Map<string, [string, HostEntry][]>
}

function build (): Table {
  const hosts = new Map<string, HostEntry>()
  const paths = new Map<string, [string, HostEntry][]>()
  const put = (url: string, draft: Draft): void => {
    const [host, path] = tableKey(url)
    if (host === '') return
    const entry: HostEntry = { ...draft, key: host + path }
    if (path === '') { hosts.set(host, entry); return }
    const list = (paths.get(host) ?? []).filter(([p]) => p !== path)
    list.push([path, entry])
    list.sort(([a], [b]) => b.length - a.length)
    paths.set(host, list)
  }
  const plain = (category: RefererCategory, platform: string): Draft =>
    ({ category, platform, medium: MEDIUM_OF_CATEGORY[category], params: [], patterns: [], needsTerm: false })

  // Lowest precedence first: a later `put` of the same key wins.
  for (const [name, urls, params] of SEARCH_ENGINES) {
    const draft = {
      ...plain('search', platformSlug(name, tableKey(urls[0])[0])),
      params: params.filter((p) => !p.startsWith('/')),
      patterns: params.map(keywordPattern).filter((r): r is RegExp => r !== null)
    }
    for (const url of urls) put(url, { ...draft, needsTerm: SEARCH_TERM_REQUIRED.has(tableKey(url)[0]) })
  }
  const ours = (category: RefererCategory): void => {
    for (const [platform, urls] of Object.entries(PLATFORM_HOSTS[category])) {
      for (const url of urls) {
        // Our search additions keep the dataset's keyword parameters for the same host.
        const key = tableKey(url)[0]
        const known = category === 'search' ? hosts.get(key) ?? hosts.get(lossyHost(key)) : undefined
        put(url, { ...plain(category, platform), params: known?.params ?? ['q'], patterns: known?.patterns ?? [] })
      }
    }
  }
  ours('search')
  for (const [name, urls] of SOCIAL_NETWORKS) for (const url of urls) put(url, plain('social', platformSlug(name, tableKey(url)[0])))
  ours('social')
  ours('email')
  ours('messaging')
  for (const [name, urls] of AI_ASSISTANTS) for (const url of urls) put(url, plain('ai', platformSlug(name, tableKey(url)[0])))
  ours('ai')
  return { hosts, paths }
}

const TABLE = build()

function pathMatch (list: readonly [string, HostEntry][], path: string): HostEntry | undefined {
  for (const [prefix, entry] of list) {
    if (path.startsWith(prefix) && (path.length === prefix.length || '/?#'.includes(path[prefix.length]))) return entry
  }
  return undefined
}

const WEBMAIL_LABEL = /^(?:web|e-?)?mail\d*$/
const MAX_HOST = 253

/**
 * What decides a host, path aside: the table keys consulted in order (each with its
 * path-qualified entries and/or its host entry), ending at the first host entry. A path-qualified
 * entry of a step wins over that step's host entry (Matomo: host + path before host).
 */
interface Step { paths?: readonly [string, HostEntry][], entry?: HostEntry }

function stepsOf (rawHost: string): Step[] {
  const host = rawHost.startsWith('www.') && rawHost.indexOf('.', 4) !== -1 ? rawHost.slice(4) : rawHost
  const steps: Step[] = []
  const at = (key: string): boolean => {
    const paths = TABLE.paths.get(key)
    const entry = TABLE.hosts.get(key)
    if (paths !== undefined || entry !== undefined) steps.push({ paths, entry })
    return entry !== undefined
  }
  if (at(host) || host.charCodeAt(0) === 91 /* [ IPv6 literal */) return steps
  const lossy = lossyHost(host)
  if (lossy !== host && at(lossy)) return steps
  // Matomo's own fallbacks for Yahoo's regional hosts.
  if (host.endsWith('.images.search.yahoo.com')) { at('images.search.yahoo.com'); return steps }
  if (host.endsWith('.search.yahoo.com')) { at('search.yahoo.com'); return steps }
  const firstDot = host.indexOf('.')
  if (firstDot !== -1 && host.indexOf('.', firstDot + 1) !== -1 && WEBMAIL_LABEL.test(host.slice(0, firstDot))) {
    const provider = host.slice(firstDot + 1)
    steps.push({
      entry: {
        category: 'email', platform: `${platformSlug(provider.split('.')[0], provider)}_mail`, medium: MEDIUM_OF_CATEGORY.email,
        params: [], patterns: [], needsTerm: false, key: `${host.slice(0, firstDot)}.*`
      }
    })
    return steps
  }
  // A sub-domain of a listed social / email / messaging / AI host; search hosts only match as
  // listed (docs.google.com is no search engine).
  for (let dot = firstDot; dot !== -1; dot = host.indexOf('.', dot + 1)) {
    const parent = host.slice(dot + 1)
    if (parent.indexOf('.') === -1) break
    const entry = TABLE.hosts.get(parent) ?? TABLE.hosts.get(lossyHost(parent))
    if (entry !== undefined && entry.category !== 'search') { steps.push({ entry }); break }
  }
  return steps
}

// Host → its steps. Referrer hosts repeat heavily (a handful of search engines and networks make
// most traffic), so a warm lookup is one Map hit plus, rarely, a path-prefix check; the cache is
// bounded and simply starts over when full.
const CACHE = new Map<string, Step[]>()
const MAX_CACHE = 20_000

/**
 * The table entry for a lower-cased host without port (one leading `www.` may be present) and
 * the referrer's path, or undefined when nothing in the table applies.
 */
export function lookupHost (rawHost: string, path = ''): HostEntry | undefined {
  if (rawHost === '' || rawHost.length > MAX_HOST) return undefined
  let steps = CACHE.get(rawHost)
  if (steps === undefined) {
    steps = stepsOf(rawHost)
    if (CACHE.size >= MAX_CACHE) CACHE.clear()
    CACHE.set(rawHost, steps)
  }
  for (const step of steps) {
    if (step.paths !== undefined) {
      const byPath = pathMatch(step.paths, path)
      if (byPath !== undefined) return byPath
    }
    if (step.entry !== undefined) return step.entry
  }
  return undefined
}

/** Every key of the table, for tests and the coverage bench. */
export function tableSize (): { hosts: number, paths: number } {
  let paths = 0
  for (const list of TABLE.paths.values()) paths += list.length
  return { hosts: TABLE.hosts.size, paths }
}
