// Request checks for the fake platforms: what each real API insists on, written independently of
// the connector code (so a builder bug shows up as a rejected request, not a matching mistake).
import { createHmac, timingSafeEqual } from 'node:crypto'

export type Headers = Record<string, string | string[] | undefined>
export interface Incoming { method: string, path: string, query: string, headers: Headers, body: unknown, bodyText: string }

const HEX64 = /^[a-f0-9]{64}$/
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)
const header = (h: Headers, name: string): string | undefined => {
  const v = h[name]
  return Array.isArray(v) ? v[0] : v
}

function check (problems: string[], ok: boolean, problem: string): void {
  if (!ok) problems.push(problem)
}

function checkJsonPost (req: Incoming, problems: string[]): void {
  check(problems, req.method === 'POST', `method ${req.method}`)
  check(problems, (header(req.headers, 'content-type') ?? '').startsWith('application/json'), 'content-type is not application/json')
  check(problems, isObj(req.body), 'body is not a JSON object')
}

function checkHashes (problems: string[], where: string, values: unknown[]): void {
  for (const v of values) if (v !== undefined) check(problems, typeof v === 'string' && HEX64.test(v), `${where}: ${String(v)} is not a lowercase sha256 hex`)
}

function checkArray (problems: string[], value: unknown, name: string, max: number): unknown[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > max) {
    problems.push(`${name} must be an array of 1..${max}`)
    return []
  }
  return value
}

export function checkMeta (req: Incoming, token: string | undefined): string[] {
  const p: string[] = []
  checkJsonPost(req, p)
  check(p, /^\/v\d+\.\d+\/[^/]+\/events$/.test(req.path), `path ${req.path}`)
  check(p, !req.query.includes('access_token'), 'access_token must not be in the query string')
  check(p, /^Bearer .+/.test(header(req.headers, 'authorization') ?? ''), 'missing Bearer token')
  const body = isObj(req.body) ? req.body : {}
  for (const e of checkArray(p, body.data, 'data', 1000)) {
    if (!isObj(e)) { p.push('event is not an object'); continue }
    check(p, typeof e.event_name === 'string', 'event_name')
    check(p, Number.isInteger(e.event_time) && (e.event_time as number) < 1e11, 'event_time must be unix seconds')
    check(p, typeof e.event_id === 'string', 'event_id')
    check(p, ['email', 'website', 'app', 'phone_call', 'chat', 'physical_store', 'system_generated', 'business_messaging', 'other'].includes(String(e.action_source)), 'action_source')
    const u = isObj(e.user_data) ? e.user_data : {}
    check(p, isObj(e.user_data), 'user_data')
    for (const k of ['em', 'ph', 'external_id']) {
      if (u[k] !== undefined) { check(p, Array.isArray(u[k]), `${k} must be an array`); checkHashes(p, k, Array.isArray(u[k]) ? u[k] as unknown[] : [u[k]]) }
    }
    checkHashes(p, 'fn/ln', [u.fn, u.ln])
    checkHashes(p, 'ct/st/zp/country', [u.ct, u.st, u.zp, u.country])
    if (u.fbc !== undefined) check(p, /^fb\.\d\.\d{13}\.[A-Za-z0-9_-]+$/.test(String(u.fbc)), `fbc ${String(u.fbc)}`)
    if (u.fbp !== undefined) check(p, /^fb\.\d\.\d{13}\.\d+$/.test(String(u.fbp)), `fbp ${String(u.fbp)}`)
    if (e.action_source === 'website') {
      check(p, typeof e.event_source_url === 'string', 'website events need event_source_url')
      check(p, typeof u.client_user_agent === 'string', 'website events need client_user_agent')
    }
    if (e.event_name === 'Purchase') {
      const c = isObj(e.custom_data) ? e.custom_data : {}
      check(p, typeof c.value === 'number' && /^[A-Z]{3}$/.test(String(c.currency)), 'Purchase needs numeric value and currency')
    }
  }
  if (p.length === 0 && token !== undefined && header(req.headers, 'authorization') !== `Bearer ${token}`) p.push('auth: wrong token')
  return p
}

function checkClickIds (p: string[], where: string, ids: Record<string, unknown>): void {
  const present = ['gclid', 'gbraid', 'wbraid'].filter((k) => ids[k] !== undefined)
  check(p, present.length <= 1, `${where}: more than one click id (${present.join(',')})`)
}

export function checkGoogleDataManager (req: Incoming, token: string | undefined): string[] {
  const p: string[] = []
  checkJsonPost(req, p)
  check(p, req.path === '/v1/events:ingest', `path ${req.path}`)
  check(p, /^Bearer .+/.test(header(req.headers, 'authorization') ?? ''), 'missing Bearer token')
  const body = isObj(req.body) ? req.body : {}
  const dests = checkArray(p, body.destinations, 'destinations', 10)
  for (const d of dests) {
    const op = isObj(d) && isObj(d.operatingAccount) ? d.operatingAccount : {}
    check(p, op.accountType === 'GOOGLE_ADS' && /^\d+$/.test(String(op.accountId)), 'operatingAccount')
    check(p, isObj(d) && typeof d.productDestinationId === 'string', 'productDestinationId')
  }
  check(p, body.encoding === 'HEX', 'encoding must be HEX')
  for (const e of checkArray(p, body.events, 'events', 2000)) {
    if (!isObj(e)) { p.push('event is not an object'); continue }
    check(p, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(String(e.eventTimestamp)), 'eventTimestamp must be RFC 3339')
    if (isObj(e.adIdentifiers)) checkClickIds(p, 'adIdentifiers', e.adIdentifiers)
    const ids = isObj(e.userData) && Array.isArray(e.userData.userIdentifiers) ? e.userData.userIdentifiers : []
    check(p, ids.length <= 10, 'at most 10 user identifiers')
    for (const id of ids) {
      check(p, isObj(id) && Object.keys(id).length === 1, 'each user identifier holds exactly one value')
      if (isObj(id)) checkHashes(p, 'userIdentifier', [id.emailAddress, id.phoneNumber])
      if (isObj(id) && isObj(id.address)) {
        const a = id.address
        checkHashes(p, 'address names', [a.givenName, a.familyName])
        check(p, /^[A-Z]{2}$/.test(String(a.regionCode)) && typeof a.postalCode === 'string' && typeof a.givenName === 'string' && typeof a.familyName === 'string', 'address needs givenName, familyName, regionCode (alpha-2) and postalCode')
      }
    }
    if (e.conversionValue !== undefined) check(p, typeof e.conversionValue === 'number' && /^[A-Z]{3}$/.test(String(e.currency)), 'value needs currency')
  }
  if (p.length === 0 && token !== undefined && header(req.headers, 'authorization') !== `Bearer ${token}`) p.push('auth: wrong token')
  return p
}

export function checkGoogleAds (req: Incoming, token: string | undefined): string[] {
  const p: string[] = []
  checkJsonPost(req, p)
  const m = /^\/v\d+\/customers\/(\d+):uploadClickConversions$/.exec(req.path)
  check(p, m !== null, `path ${req.path}`)
  check(p, /^Bearer .+/.test(header(req.headers, 'authorization') ?? ''), 'missing Bearer token')
  check(p, (header(req.headers, 'developer-token') ?? '') !== '', 'missing developer-token')
  const body = isObj(req.body) ? req.body : {}
  check(p, body.partialFailure === true, 'partialFailure must be true')
  for (const c of checkArray(p, body.conversions, 'conversions', 2000)) {
    if (!isObj(c)) { p.push('conversion is not an object'); continue }
    check(p, m !== null && String(c.conversionAction).startsWith(`customers/${m[1]}/conversionActions/`), 'conversionAction')
    check(p, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d:\d\d$/.test(String(c.conversionDateTime)), 'conversionDateTime format')
    checkClickIds(p, 'conversion', c)
    const ids = Array.isArray(c.userIdentifiers) ? c.userIdentifiers : []
    for (const id of ids) {
      if (!isObj(id)) continue
      checkHashes(p, 'userIdentifier', [id.hashedEmail, id.hashedPhoneNumber])
      if (isObj(id.addressInfo)) {
        const a = id.addressInfo
        checkHashes(p, 'addressInfo names', [a.hashedFirstName, a.hashedLastName])
        check(p, /^[A-Z]{2}$/.test(String(a.countryCode)) && typeof a.postalCode === 'string', 'addressInfo needs countryCode (alpha-2) and postalCode')
      }
    }
  }
  if (p.length === 0 && token !== undefined && header(req.headers, 'authorization') !== `Bearer ${token}`) p.push('auth: wrong token')
  return p
}

export function checkLinkedin (req: Incoming, token: string | undefined): string[] {
  const p: string[] = []
  checkJsonPost(req, p)
  check(p, req.path === '/rest/conversionEvents', `path ${req.path}`)
  check(p, /^Bearer .+/.test(header(req.headers, 'authorization') ?? ''), 'missing Bearer token')
  check(p, /^\d{6}$/.test(header(req.headers, 'linkedin-version') ?? ''), 'LinkedIn-Version must be YYYYMM')
  check(p, header(req.headers, 'x-restli-protocol-version') === '2.0.0', 'X-Restli-Protocol-Version 2.0.0')
  check(p, header(req.headers, 'x-restli-method') === 'BATCH_CREATE', 'X-RestLi-Method BATCH_CREATE')
  const body = isObj(req.body) ? req.body : {}
  for (const e of checkArray(p, body.elements, 'elements', 5000)) {
    if (!isObj(e)) { p.push('element is not an object'); continue }
    check(p, /^urn:lla:llaPartnerConversion:\d+$/.test(String(e.conversion)), 'conversion urn')
    check(p, Number.isInteger(e.conversionHappenedAt) && (e.conversionHappenedAt as number) > 1e12, 'conversionHappenedAt must be epoch ms')
    check(p, typeof e.eventId === 'string', 'eventId')
    if (e.conversionValue !== undefined) {
      const v = isObj(e.conversionValue) ? e.conversionValue : {}
      check(p, typeof v.amount === 'string' && /^\d+(\.\d+)?$/.test(v.amount) && /^[A-Z]{3}$/.test(String(v.currencyCode)), 'conversionValue amount must be a decimal string')
    }
    const user = isObj(e.user) ? e.user : {}
    if (isObj(user.userInfo)) {
      check(p, typeof user.userInfo.firstName === 'string' && typeof user.userInfo.lastName === 'string', 'userInfo needs firstName and lastName')
      if (user.userInfo.countryCode !== undefined) check(p, /^[A-Z]{2}$/.test(String(user.userInfo.countryCode)), 'userInfo.countryCode must be alpha-2')
    }
    const ids = Array.isArray(user.userIds) ? user.userIds : undefined
    check(p, ids !== undefined, 'user.userIds required')
    for (const id of ids ?? []) {
      if (!isObj(id)) continue
      check(p, ['SHA256_EMAIL', 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', 'ACXIOM_ID', 'ORACLE_MOAT_ID'].includes(String(id.idType)), `idType ${String(id.idType)}`)
      if (id.idType === 'SHA256_EMAIL') checkHashes(p, 'SHA256_EMAIL', [id.idValue])
    }
  }
  if (p.length === 0 && token !== undefined && header(req.headers, 'authorization') !== `Bearer ${token}`) p.push('auth: wrong token')
  return p
}

export function checkTiktok (req: Incoming, token: string | undefined): string[] {
  const p: string[] = []
  checkJsonPost(req, p)
  check(p, req.path === '/open_api/v1.3/event/track/', `path ${req.path}`)
  check(p, (header(req.headers, 'access-token') ?? '') !== '', 'missing Access-Token header')
  check(p, header(req.headers, 'authorization') === undefined, 'TikTok does not use Authorization')
  const body = isObj(req.body) ? req.body : {}
  check(p, ['web', 'app', 'offline', 'crm'].includes(String(body.event_source)), 'event_source')
  check(p, typeof body.event_source_id === 'string', 'event_source_id')
  for (const e of checkArray(p, body.data, 'data', 1000)) {
    if (!isObj(e)) { p.push('event is not an object'); continue }
    check(p, typeof e.event === 'string', 'event')
    check(p, Number.isInteger(e.event_time) && (e.event_time as number) < 1e11, 'event_time must be unix seconds')
    check(p, typeof e.event_id === 'string', 'event_id')
    const u = isObj(e.user) ? e.user : {}
    checkHashes(p, 'user', [u.email, u.phone, u.external_id, u.first_name, u.last_name, u.zip_code])
    if (u.country !== undefined) check(p, /^[a-z]{2}$/.test(String(u.country)), 'user.country must be alpha-2')
  }
  if (p.length === 0 && token !== undefined && header(req.headers, 'access-token') !== token) p.push('auth: wrong token')
  return p
}

/** Standard Webhooks verification, written out here rather than imported from the code under test. */
export function checkWebhook (req: Incoming, secret: string | undefined, nowSeconds: number): string[] {
  const p: string[] = []
  checkJsonPost(req, p)
  const id = header(req.headers, 'webhook-id') ?? ''
  const ts = header(req.headers, 'webhook-timestamp') ?? ''
  const sigs = header(req.headers, 'webhook-signature') ?? ''
  check(p, id !== '' && !id.includes('.'), 'webhook-id')
  check(p, /^\d+$/.test(ts) && Math.abs(nowSeconds - Number(ts)) <= 300, 'webhook-timestamp outside tolerance')
  if (secret !== undefined) {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
    const expected = createHmac('sha256', key).update(`${id}.${ts}.${req.bodyText}`).digest()
    const valid = sigs.split(' ').some((s) => {
      if (!s.startsWith('v1,')) return false
      const given = Buffer.from(s.slice(3), 'base64')
      return given.length === expected.length && timingSafeEqual(given, expected)
    })
    if (!valid) p.push('auth: webhook-signature does not verify')
  }
  return p
}
