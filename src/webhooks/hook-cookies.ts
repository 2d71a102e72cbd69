// The redirect hook's answer {"set_cookies":[{"name","value","days"}]} → cookies we are willing to
// set on the 302 (reference §8 sync tier). Pure. Anything invalid is dropped, never an error:
// the hook can only add cookies of its own, never touch ours or inject attributes.
export interface HookCookie { name: string, value: string, days: number }

export const MAX_HOOK_COOKIES = 10
export const MAX_COOKIE_VALUE_BYTES = 4096
/** Browsers cap Max-Age at 400 days (RFC 6265bis). */
export const MAX_COOKIE_DAYS = 400

// RFC 6265 cookie-name = token (RFC 7230 tchar).
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/
// cookie-octet: visible ASCII except DQUOTE, comma, semicolon, backslash (and no controls/space).
const VALUE_RE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/

/** Names the service owns (its identity, anon, referral and unlock cookies). */
export function isReservedCookieName (name: string): boolean {
  const lower = name.toLowerCase()
  return lower.startsWith('_ga_') || lower.startsWith('ga_unlock_') || /^__(secure|host)-/.test(lower)
}

function cookieOf (raw: unknown): HookCookie | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null
  const { name, value, days } = raw as Record<string, unknown>
  if (typeof name !== 'string' || !TOKEN_RE.test(name) || isReservedCookieName(name)) return null
  if (typeof value !== 'string' || !VALUE_RE.test(value) || Buffer.byteLength(value) > MAX_COOKIE_VALUE_BYTES) return null
  if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0) return null
  return { name, value, days: Math.min(days, MAX_COOKIE_DAYS) }
}

/** The valid cookies of a parsed JSON answer (later duplicates of a name win), at most MAX_HOOK_COOKIES. */
export function cookiesFromHookAnswer (answer: unknown): HookCookie[] {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return []
  const list = (answer as { set_cookies?: unknown }).set_cookies
  if (!Array.isArray(list)) return []
  const byName = new Map<string, HookCookie>()
  for (const raw of list.slice(0, MAX_HOOK_COOKIES * 2)) {
    const c = cookieOf(raw)
    if (c !== null) { byName.delete(c.name); byName.set(c.name, c) }
  }
  return [...byName.values()].slice(0, MAX_HOOK_COOKIES)
}

export interface HookCookieOptions { httpOnly: true, secure: boolean, sameSite: 'lax', path: '/', maxAge: number, domain?: string }

/** Attributes for reply.setCookie: HttpOnly, Secure on https, SameSite=Lax, Path=/, Max-Age in seconds. */
export function hookCookieOptions (c: HookCookie, opts: { secure: boolean, domain?: string | null }): HookCookieOptions {
  const base: HookCookieOptions = { httpOnly: true, secure: opts.secure, sameSite: 'lax', path: '/', maxAge: Math.round(c.days * 86400) }
  return opts.domain == null ? base : { ...base, domain: opts.domain }
}
