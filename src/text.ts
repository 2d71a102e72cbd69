// Control characters in stored text (issue 14 item 9). PostgreSQL text and jsonb cannot hold NUL
// (a NUL used to surface as a 500), and the other C0 controls and DEL are never meaningful in our
// data while they enable log and terminal injection. Tab, LF and CR are allowed in free text;
// identifiers (keys, tags, idempotency keys …) refuse them too.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_IN_IDENTIFIER = /[\u0000-\u001f\u007f-\u009f]/

export const CONTROL_MESSAGE = 'must not contain control characters'

const MAX_DEPTH = 32

/**
 * The path (`a.b.0`) of the first object key or string value in `value` holding a control
 * character (tab, LF and CR allowed), or null. Used on whole JSON bodies, so nothing reaches the
 * database (or a log line) with one.
 */
export function controlCharPath (value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return CONTROL_IN_TEXT.test(value) ? (path === '' ? 'body' : path) : null
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = controlCharPath(value[i], path === '' ? String(i) : `${path}.${i}`, depth + 1)
      if (found !== null) return found
    }
    return null
  }
  for (const [key, v] of Object.entries(value)) {
    const here = path === '' ? key : `${path}.${key}`
    if (CONTROL_IN_TEXT.test(key)) return here
    const found = controlCharPath(v, here, depth + 1)
    if (found !== null) return found
  }
  return null
}
