// The few HTML bodies the short-link domain serves: redirect body, password form, 401 page.
// Everything interpolated is escaped; the pages load nothing (CSP default-src 'none').

export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"

export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

export function redirectBody (location: string): string {
  return `<html><body>You are being <a href="${escapeHtml(location)}">redirected</a>.</body></html>`
}

export function passwordPage ({ wrong }: { wrong: boolean }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>Password required</title>
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:15vh auto;padding:0 1rem}input,button{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin-top:.5rem}.e{color:#b00020}</style>
</head><body>
<h1>Password required</h1>
${wrong ? '<p class="e" role="alert">Incorrect password.</p>\n' : ''}<form method="post">
<label for="p">This link is protected. Enter its password to continue.</label>
<input id="p" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Continue</button>
</form>
</body></html>
`
}
