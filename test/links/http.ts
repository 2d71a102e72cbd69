// Small HTTP helpers for the links tests: undici.request lets us set any Host header and never
// follows redirects, so the tests see exactly what a browser would receive.
import { request } from 'undici'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
export interface Answer { status: number, headers: Record<string, string | string[] | undefined>, text: string, json: any }

export async function call (baseUrl: string, method: string, path: string, opts: { headers?: Record<string, string>, body?: unknown, rawBody?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers }
  let body: string | undefined = opts.rawBody
  if (opts.body !== undefined) { body = JSON.stringify(opts.body); headers['content-type'] = 'application/json' }
  const res = await request(baseUrl + path, { method: method as 'GET', headers, body })
  const text = await res.body.text()
  let json: unknown = null
  try { json = JSON.parse(text) } catch { json = null }
  return { status: res.statusCode, headers: res.headers, text, json }
}

/** Polls `probe` until it returns true, at most `timeoutMs`; returns the elapsed milliseconds or throws. */
export async function waitFor (probe: () => Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<number> {
  const started = Date.now()
  for (;;) {
    if (await probe()) return Date.now() - started
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

export function cookiesOf (answer: Answer): string[] {
  const raw = answer.headers['set-cookie']
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
}

export function header (answer: Answer, name: string): string {
  const value = answer.headers[name]
  return Array.isArray(value) ? value.join(', ') : value ?? ''
}
