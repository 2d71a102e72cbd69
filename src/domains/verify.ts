// DNS TXT verification of a domain (pure helpers + one lookup through an injectable resolver):
// the owner publishes `_good-analytics.<host> TXT "good-analytics-verification=<token>"`.
import { randomBytes } from 'node:crypto'
import { promises as dns } from 'node:dns'

export const TXT_PREFIX = '_good-analytics'
export const TXT_VALUE_PREFIX = 'good-analytics-verification='

/** dns.promises.resolveTxt's shape: each record as its character-strings. */
export type ResolveTxt = (name: string) => Promise<string[][]>

export const systemResolveTxt: ResolveTxt = async name => await dns.resolveTxt(name)

export function newVerificationToken (): string {
  return randomBytes(18).toString('base64url')
}

export function verificationRecord (host: string, token: string): { type: 'TXT', name: string, value: string } {
  return { type: 'TXT', name: `${TXT_PREFIX}.${host}`, value: `${TXT_VALUE_PREFIX}${token}` }
}

/** True when one of the TXT records (its strings joined, as RFC 7208 §3.3 does) is exactly the expected value. */
export function recordsMatch (records: readonly string[][], expected: string): boolean {
  return records.some(parts => parts.join('').trim() === expected)
}

export type VerifyOutcome = { ok: true } | { ok: false, reason: string }

/** Looks the record up; DNS failures are reasons, never exceptions. */
export async function checkTxtRecord (resolve: ResolveTxt, host: string, token: string, timeoutMs = 5000): Promise<VerifyOutcome> {
  const { name, value } = verificationRecord(host, token)
  let timer: NodeJS.Timeout | undefined
  try {
    const records = await Promise.race([
      resolve(name),
      new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })) }, timeoutMs) })
    ])
    return recordsMatch(records, value) ? { ok: true } : { ok: false, reason: `TXT record ${name} does not contain "${value}"` }
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { ok: false, reason: `no TXT record found at ${name}` }
    return { ok: false, reason: `DNS lookup of ${name} failed (${typeof code === 'string' ? code : 'error'}), retry later` }
  } finally {
    clearTimeout(timer)
  }
}
