// Platform URLs: the official origin, or an operator-given origin that replaces it while the
// platform's own path is kept (so fake servers and egress proxies see real paths).

/** Parses `scheme://host[:port]` (a trailing "/" is tolerated); anything with a path, query or credentials is refused. */
export function parseApiBase (apiBase: string): string {
  let url: URL
  try {
    url = new URL(apiBase)
  } catch {
    throw new Error(`invalid API base URL: ${apiBase}`)
  }
  const originOnly = (url.pathname === '/' || url.pathname === '') && url.search === '' && url.hash === '' &&
    url.username === '' && url.password === ''
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !originOnly) {
    throw new Error(`API base must be scheme://host:port only, got: ${apiBase}`)
  }
  return url.origin
}

export function platformUrl (officialOrigin: string, path: string, apiBase?: string | null): string {
  const origin = apiBase === undefined || apiBase === null || apiBase === '' ? officialOrigin : parseApiBase(apiBase)
  return `${origin}${path}`
}
