// Registration-time checks of a webhook URL (security.md §3.3). The connect-time check in
// src/net/safe-fetch.ts is what actually protects us; this one gives the caller a clear 422 early.
import { isIP } from 'node:net'
import { isBlockedAddress, type ResolveAll } from '../net/safe-fetch.js'

export const MAX_WEBHOOK_URL_LENGTH = 2048

export type UrlCheck = { ok: true, url: string, host: string } | { ok: false, error: string }

/** Syntax and policy of the URL itself (pure). */
export function checkWebhookUrl (raw: string, opts: { requireHttps: boolean, allowPrivate: boolean }): UrlCheck {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return { ok: false, error: `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters` }
  let u: URL
  try { u = new URL(raw) } catch { return { ok: false, error: 'must be an absolute http(s) URL' } }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { ok: false, error: 'must be an http(s) URL' }
  if (opts.requireHttps && u.protocol !== 'https:') return { ok: false, error: 'must use https' }
  if (u.username !== '' || u.password !== '') return { ok: false, error: 'must not contain credentials' }
  if (u.hash !== '') return { ok: false, error: 'must not contain a fragment' }
  const host = u.hostname.replace(/^\[|\]$/g, '')
  if (host === '') return { ok: false, error: 'must name a host' }
  if (!opts.allowPrivate && isIP(host) !== 0 && isBlockedAddress(host)) return { ok: false, error: 'must not point at a private, loopback, link-local, metadata or other non-public address' }
  return { ok: true, url: u.href, host }
}

/** Every address the host resolves to must be public (unless allowed); null when fine, else why not. */
export async function checkResolvedHost (host: string, lookup: ResolveAll, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate || isIP(host) !== 0) return null
  const addresses = await new Promise<Array<{ address: string }> | Error>(resolve => {
    lookup(host, (err, found) => { resolve(err ?? found) })
  })
  if (addresses instanceof Error || addresses.length === 0) return `host ${host} does not resolve`
  const bad = addresses.find(a => isBlockedAddress(a.address))
  return bad === undefined ? null : `host ${host} resolves to a non-public address`
}
