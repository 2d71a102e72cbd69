// The synchronous redirect hook (GA_REDIRECT_HOOK_URL; reference §8 sync tier as HTTP): POSTed on
// each redirect with {link, click_id, source, qr, params, ga_id}; a JSON answer may set cookies on
// the 302. It has a HARD budget (50 ms): whatever has not answered by then is abandoned and the
// redirect goes on without it. Errors, non-2xx, bad JSON and invalid cookies are ignored.
// The URL is operator configuration (not a tenant's), so it may point at a private address.
import { Pool } from 'undici'
import { cookiesFromHookAnswer, type HookCookie } from './hook-cookies.js'

export const REDIRECT_HOOK_BUDGET_MS = 50
const MAX_ANSWER_BYTES = 16 * 1024

export interface RedirectHookContext {
  link: { id: string, workspace_id: string, domain: string, key: string, url: string }
  click_id: string
  source: Record<string, unknown> | null
  qr: boolean
  params: Record<string, string>
  ga_id: string | null
}

export interface RedirectHookClient {
  call: (ctx: RedirectHookContext) => Promise<HookCookie[]>
  close: () => Promise<void>
}

export interface RedirectHookOptions {
  url: string
  budgetMs?: number
  /** Keep-alive connections to the hook's origin. */
  connections?: number
  onError?: (err: unknown) => void
}

// An oversized answer is read to its end without being kept (the budget bounds how long), so
// the keep-alive connection stays usable.
async function readAnswer (body: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size <= MAX_ANSWER_BYTES) chunks.push(chunk)
  }
  return size > MAX_ANSWER_BYTES ? null : JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

export function createRedirectHook (opts: RedirectHookOptions): RedirectHookClient {
  const target = new URL(opts.url)
  const path = `${target.pathname}${target.search}`
  const budget = opts.budgetMs ?? REDIRECT_HOOK_BUDGET_MS
  const pool = new Pool(target.origin, {
    connections: opts.connections ?? 32,
    keepAliveTimeout: 30_000,
    connectTimeout: budget,
    headersTimeout: budget,
    bodyTimeout: budget
  })

  async function exchange (ctx: RedirectHookContext, signal: AbortSignal): Promise<HookCookie[]> {
    const res = await pool.request({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(ctx),
      signal,
      headersTimeout: budget,
      bodyTimeout: budget
    })
    if (res.statusCode < 200 || res.statusCode >= 300) { await res.body.dump(); return [] }
    return cookiesFromHookAnswer(await readAnswer(res.body))
  }

  return {
    call: async ctx => {
      const controller = new AbortController()
      let timer: NodeJS.Timeout | undefined
      // The race is the hard guarantee; the abort frees the connection's request.
      const deadline = new Promise<HookCookie[]>(resolve => {
        timer = setTimeout(() => { controller.abort(); resolve([]) }, budget)
      })
      const answer = exchange(ctx, controller.signal).catch((err: unknown) => {
        if (!controller.signal.aborted) opts.onError?.(err)
        return []
      })
      try {
        return await Promise.race([answer, deadline])
      } finally {
        clearTimeout(timer)
      }
    },
    close: async () => { await pool.destroy() }
  }
}
