// The only reader of the environment. Every variable is parsed and validated here, once, into a
// frozen Config; an invalid value stops start-up with one line naming the variable.
import { createHmac, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { isAbsolute, join, resolve } from 'node:path'

export const IP_MODES = ['full', 'truncate', 'none'] as const
export type IpMode = (typeof IP_MODES)[number]
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export const FAIL_MODES = ['open', 'closed'] as const
export type FailMode = (typeof FAIL_MODES)[number]
export const DOMAIN_VERIFICATION_MODES = ['optional', 'required'] as const
export type DomainVerification = (typeof DOMAIN_VERIFICATION_MODES)[number]

/**
 * Which peers may set X-Forwarded-For/-Host/-Proto (GA_TRUST_PROXY): none, the nearest `hops`
 * proxies, or the peers whose address is in `addresses` (IPs, CIDRs, or the names loopback,
 * linklocal, uniquelocal), as Fastify's trustProxy takes them.
 */
export type TrustProxy = { kind: 'none' } | { kind: 'hops', hops: number } | { kind: 'addresses', addresses: string[] }

export interface Config {
  port: number
  host: string
  production: boolean
  databaseUrl: string | null
  databaseReadUrl: string | null
  dataDir: string
  embeddedPgPort: number | null
  /** null until ensureSecret() ran (development) — required in production. */
  secret: string | null
  cookieSecret: string | null
  cookieDomain: string | null
  adminToken: string | null
  authUrl: string | null
  schema: string
  trustProxy: TrustProxy
  geoipDb: string | null
  linkDomains: string[]
  ownDomains: string[]
  allowedOrigins: string[]
  connectorsEnabled: boolean
  retentionMonths: number | null
  logLevel: LogLevel
  ipMode: IpMode
  dispatchPolicyUrl: string | null
  dispatchPolicyFail: FailMode
  dispatchPolicyTimeoutMs: number
  connectorModules: string[]
  redirectHookUrl: string | null
  webhookAllowPrivate: boolean
  apiBases: { meta: string | null, google: string | null, linkedin: string | null, tiktok: string | null }
  ingest: { flushMs: number, maxBatch: number, maxPending: number }
  bodyLimits: { beacon: number, api: number }
  domainVerification: DomainVerification
  /** Requests per minute; 0 = no limit. API: per credential; public: per client IP; redirect: per client IP on GET /:key. */
  rateLimits: { api: number, public: number, redirect: number }
  /** Password attempts on protected links per 15 minutes; 0 = no limit. */
  passwordAttempts: { perIp: number, perLink: number }
  /** HTTP server timeouts in ms (requestTimeout, headersTimeout, keepAliveTimeout, connectionTimeout = idle socket). */
  timeouts: { requestMs: number, headersMs: number, keepAliveMs: number, idleMs: number }
  /** Live streams (SSE): concurrent streams per workspace, and how often a stream re-checks its credential. */
  streams: { maxPerWorkspace: number, authRecheckMs: number }
  /** Background workers (partition keeper, outboxes); tests turn them off to drive them by hand. */
  workers: boolean
}

export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor (readonly variable: string, expected: string, value?: string) {
    super(`Invalid configuration: ${variable} ${expected}${value === undefined ? '' : ` (got ${JSON.stringify(value.slice(0, 60))})`}`)
  }
}

type Env = Record<string, string | undefined>

function str (env: Env, name: string): string | null {
  const v = env[name]
  return v === undefined || v.trim() === '' ? null : v.trim()
}

function int (env: Env, name: string, def: number, min: number, max: number): number {
  const v = str(env, name)
  if (v === null) return def
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}`, v)
  return Number(v)
}

function bool (env: Env, name: string, def: boolean): boolean {
  const v = str(env, name)
  if (v === null) return def
  if (/^(1|true|yes|on)$/i.test(v)) return true
  if (/^(0|false|no|off)$/i.test(v)) return false
  throw new ConfigError(name, 'must be true or false', v)
}

function oneOf<T extends string> (env: Env, name: string, values: readonly T[], def: T): T {
  const v = str(env, name)
  if (v === null) return def
  const lower = v.toLowerCase() as T
  if (!values.includes(lower)) throw new ConfigError(name, `must be one of ${values.join(', ')}`, v)
  return lower
}

function httpUrl (env: Env, name: string): string | null {
  const v = str(env, name)
  if (v === null) return null
  let u: URL
  try { u = new URL(v) } catch { throw new ConfigError(name, 'must be an http(s) URL', v) }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(name, 'must be an http(s) URL', v)
  return v
}

/** An origin override: scheme://host[:port] with no path, replacing an ad platform's official host. */
function origin (env: Env, name: string): string | null {
  const v = httpUrl(env, name)
  if (v === null) return null
  const u = new URL(v)
  if (u.pathname !== '/' || u.search !== '' || u.hash !== '') throw new ConfigError(name, 'must be an origin like https://host:port with no path', v)
  return u.origin
}

function postgresUrl (env: Env, name: string): string | null {
  const v = str(env, name)
  if (v === null) return null
  try {
    const u = new URL(v)
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('scheme')
  } catch {
    throw new ConfigError(name, 'must be a postgres:// or postgresql:// URL', v)
  }
  return v
}

const HOST_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/

function hostList (env: Env, name: string): string[] {
  const v = str(env, name)
  if (v === null) return []
  const hosts = v.split(',').map(h => h.trim().toLowerCase()).filter(Boolean)
  for (const h of hosts) if (!HOST_RE.test(h.replace(/:\d+$/, ''))) throw new ConfigError(name, 'must be a comma-separated list of host names', h)
  return hosts
}

function originList (env: Env, name: string): string[] {
  const v = str(env, name)
  if (v === null) return []
  return v.split(',').map(o => o.trim()).filter(Boolean).map(o => {
    if (o === '*') throw new ConfigError(name, 'must list explicit origins (never *: beacons send credentials)', o)
    try {
      const u = new URL(o)
      if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.pathname !== '/') throw new Error('bad')
      return u.origin
    } catch { throw new ConfigError(name, 'must be a comma-separated list of origins like https://www.example.com', o) }
  })
}

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal']

/** GA_TRUST_PROXY: false (default), true (= 1 hop), a hop count, or a comma-separated list of proxy IPs/CIDRs. */
function trustProxy (env: Env, name: string): TrustProxy {
  const v = str(env, name)
  if (v === null || /^(0|false|no|off)$/i.test(v)) return { kind: 'none' }
  if (/^(true|yes|on)$/i.test(v)) return { kind: 'hops', hops: 1 }
  if (/^\d+$/.test(v)) {
    const hops = Number(v)
    if (hops < 1 || hops > 20) throw new ConfigError(name, 'must be false, true, a hop count from 1 to 20, or a list of proxy IPs/CIDRs', v)
    return { kind: 'hops', hops }
  }
  const addresses = v.split(',').map(a => a.trim().toLowerCase()).filter(Boolean)
  for (const a of addresses) {
    if (NAMED_RANGES.includes(a)) continue
    const [ip, prefix, extra] = a.split('/')
    const family = isIP(ip)
    const max = family === 4 ? 32 : 128
    if (family === 0 || extra !== undefined || (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max))) {
      throw new ConfigError(name, 'must be false, true, a hop count from 1 to 20, or a list of proxy IPs/CIDRs (e.g. 10.0.0.0/8,loopback)', a)
    }
  }
  return { kind: 'addresses', addresses }
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/

export function loadConfig (env: Env = process.env): Config {
  const production = str(env, 'NODE_ENV') === 'production'
  const secret = str(env, 'GA_SECRET')
  if (secret !== null && secret.length < 32) throw new ConfigError('GA_SECRET', 'must be at least 32 characters')
  if (production && secret === null) throw new ConfigError('GA_SECRET', 'is required when NODE_ENV=production (at least 32 random characters)')
  const cookieSecret = str(env, 'GA_COOKIE_SECRET')
  if (cookieSecret !== null && cookieSecret.length < 32) throw new ConfigError('GA_COOKIE_SECRET', 'must be at least 32 characters')
  const cookieDomain = str(env, 'GA_COOKIE_DOMAIN')
  if (cookieDomain !== null && !HOST_RE.test(cookieDomain.replace(/^\./, '').toLowerCase())) throw new ConfigError('GA_COOKIE_DOMAIN', 'must be a domain like .example.com', cookieDomain)
  const adminToken = str(env, 'GA_ADMIN_TOKEN')
  if (adminToken !== null && adminToken.length < 16) throw new ConfigError('GA_ADMIN_TOKEN', 'must be at least 16 characters')
  const schema = str(env, 'GA_SCHEMA') ?? 'good_analytics'
  if (!SCHEMA_RE.test(schema)) throw new ConfigError('GA_SCHEMA', 'must be a lower-case SQL identifier', schema)
  const retention = str(env, 'GA_RETENTION_MONTHS') === null ? null : int(env, 'GA_RETENTION_MONTHS', 0, 1, 1200)
  const dataDir = str(env, 'GA_DATA_DIR') ?? './data'
  const geoipDb = str(env, 'GA_GEOIP_DB')
  if (geoipDb !== null && !existsSync(geoipDb)) throw new ConfigError('GA_GEOIP_DB', 'must be the path of an existing .mmdb file', geoipDb)
  const modules = (str(env, 'GA_CONNECTOR_MODULES') ?? '').split(',').map(s => s.trim()).filter(Boolean)

  return Object.freeze({
    port: int(env, 'PORT', 3000, 0, 65535),
    host: str(env, 'HOST') ?? '0.0.0.0',
    production,
    databaseUrl: postgresUrl(env, 'DATABASE_URL'),
    databaseReadUrl: postgresUrl(env, 'DATABASE_READ_URL'),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir),
    embeddedPgPort: str(env, 'GA_EMBEDDED_PG_PORT') === null ? null : int(env, 'GA_EMBEDDED_PG_PORT', 0, 1, 65535),
    secret,
    cookieSecret,
    cookieDomain: cookieDomain === null ? null : cookieDomain.toLowerCase(),
    adminToken,
    authUrl: httpUrl(env, 'GA_AUTH_URL'),
    schema,
    trustProxy: trustProxy(env, 'GA_TRUST_PROXY'),
    geoipDb,
    linkDomains: hostList(env, 'GA_LINK_DOMAINS'),
    ownDomains: hostList(env, 'GA_OWN_DOMAINS'),
    allowedOrigins: originList(env, 'GA_ALLOWED_ORIGINS'),
    connectorsEnabled: bool(env, 'GA_CONNECTORS_ENABLED', true),
    retentionMonths: retention,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    ipMode: oneOf(env, 'GA_IP_MODE', IP_MODES, 'truncate'),
    dispatchPolicyUrl: httpUrl(env, 'GA_DISPATCH_POLICY_URL'),
    dispatchPolicyFail: oneOf(env, 'GA_DISPATCH_POLICY_FAIL', FAIL_MODES, 'open'),
    dispatchPolicyTimeoutMs: int(env, 'GA_DISPATCH_POLICY_TIMEOUT_MS', 500, 10, 30000),
    connectorModules: modules,
    redirectHookUrl: httpUrl(env, 'GA_REDIRECT_HOOK_URL'),
    webhookAllowPrivate: bool(env, 'GA_WEBHOOK_ALLOW_PRIVATE', false),
    apiBases: Object.freeze({
      meta: origin(env, 'GA_META_API_BASE'),
      google: origin(env, 'GA_GOOGLE_API_BASE'),
      linkedin: origin(env, 'GA_LINKEDIN_API_BASE'),
      tiktok: origin(env, 'GA_TIKTOK_API_BASE')
    }),
    ingest: Object.freeze({
      flushMs: int(env, 'GA_INGEST_FLUSH_MS', 5, 1, 1000),
      maxBatch: int(env, 'GA_INGEST_MAX_BATCH', 1000, 1, 10000),
      maxPending: int(env, 'GA_INGEST_MAX_PENDING', 20000, 100, 1000000)
    }),
    bodyLimits: Object.freeze({ beacon: 64 * 1024, api: 1024 * 1024 }),
    domainVerification: oneOf(env, 'GA_DOMAIN_VERIFICATION', DOMAIN_VERIFICATION_MODES, 'optional'),
    rateLimits: Object.freeze({
      api: int(env, 'GA_RATE_LIMIT_API', 6000, 0, 10_000_000),
      public: int(env, 'GA_RATE_LIMIT_PUBLIC', 1200, 0, 10_000_000),
      redirect: int(env, 'GA_RATE_LIMIT_REDIRECT', 0, 0, 10_000_000)
    }),
    passwordAttempts: Object.freeze({
      perIp: int(env, 'GA_PASSWORD_ATTEMPTS_PER_IP', 10, 0, 1_000_000),
      perLink: int(env, 'GA_PASSWORD_ATTEMPTS_PER_LINK', 100, 0, 1_000_000)
    }),
    timeouts: Object.freeze({
      requestMs: int(env, 'GA_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
      headersMs: int(env, 'GA_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
      keepAliveMs: int(env, 'GA_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
      idleMs: int(env, 'GA_IDLE_TIMEOUT_MS', 60_000, 1_000, 3_600_000)
    }),
    streams: Object.freeze({
      maxPerWorkspace: int(env, 'GA_STREAMS_PER_WORKSPACE', 20, 1, 10_000),
      authRecheckMs: int(env, 'GA_STREAM_AUTH_RECHECK_MS', 30_000, 100, 3_600_000)
    }),
    workers: bool(env, 'GA_WORKERS', true)
  })
}

/**
 * Outside production a missing GA_SECRET is generated once and kept in the data dir, so keys and
 * signed cookies survive restarts. Returns a new Config with `secret` and `cookieSecret` filled in.
 */
export function ensureSecret (config: Config): Config & { secret: string, cookieSecret: string } {
  let secret = config.secret
  if (secret === null) {
    const file = join(config.dataDir, 'secret')
    if (existsSync(file)) {
      secret = readFileSync(file, 'utf8').trim()
    } else {
      mkdirSync(config.dataDir, { recursive: true, mode: 0o755 })
      secret = randomBytes(32).toString('base64url')
      writeFileSync(file, secret + '\n', { mode: 0o600 })
    }
  }
  return Object.freeze({ ...config, secret, cookieSecret: config.cookieSecret ?? deriveKey(secret, 'ga-cookie-secret') })
}

/** Derives an independent purpose-bound secret, so one GA_SECRET never signs two kinds of thing. */
export function deriveKey (secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(purpose).digest('base64url')
}

export type ReadyConfig = ReturnType<typeof ensureSecret>
