/** Page origins are compared in their canonical `scheme://host[:port]` form. */
export function normalizeOrigin (raw: string): string | null {
  if (raw === '*' || /[\s\\]/.test(raw)) return null
  try {
    const u = new URL(raw)
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username !== '' || u.password !== '') return null
    if (u.pathname !== '/' || u.search !== '' || u.hash !== '') return null
    return u.origin
  } catch {
    return null
  }
}
