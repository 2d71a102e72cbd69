// Response excerpts stored with each attempt: short, and with every credential value and
// token-looking field blanked, since platforms echo tokens in error messages and URLs.
export const EXCERPT_MAX_CHARS = 500

const TOKEN_FIELDS = /("?(?:access_token|accessToken|token|secret|appsecret_proof|authorization|password)"?\s*[:=]\s*"?)([^"&\s,}]+)/gi

export function redactExcerpt (text: string, secrets: readonly string[], max = EXCERPT_MAX_CHARS): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]')
  out = out.replace(TOKEN_FIELDS, '$1[redacted]')
  return out.length > max ? `${out.slice(0, max)}…` : out
}
