// Share links for a short URL (reference §5.8). Query strings are form-encoded with keys in sorted
// order, as upstream emits them. Empty strings count as absent.

export const SHARE_TARGETS = ['twitter', 'facebook', 'linkedin', 'whatsapp', 'telegram', 'reddit', 'email', 'copy'] as const
export type ShareTarget = typeof SHARE_TARGETS[number]
export type ShareUrls = Record<ShareTarget, string>

export interface ShareOptions {
  title?: string | null
  text?: string | null
  via?: string | null // Twitter handle, without '@'
  hashtags?: string | null // comma-separated, as Twitter expects
  subject?: string | null // e-mail subject; defaults to text, then "Check this out"
  body?: string | null // e-mail body; defaults to the link
}

export const DEFAULT_EMAIL_SUBJECT = 'Check this out'

export function shareUrls (shortUrl: string, opts: ShareOptions = {}): ShareUrls {
  const title = present(opts.title)
  const text = present(opts.text)
  return {
    twitter: `https://twitter.com/intent/tweet?${formQuery({ hashtags: present(opts.hashtags), text, url: shortUrl, via: present(opts.via) })}`,
    facebook: `https://www.facebook.com/sharer/sharer.php?${formQuery({ u: shortUrl })}`,
    linkedin: `https://www.linkedin.com/sharing/share-offsite/?${formQuery({ url: shortUrl })}`,
    whatsapp: `https://api.whatsapp.com/send?${formQuery({ text: text === undefined ? shortUrl : `${text} ${shortUrl}` })}`,
    telegram: `https://t.me/share/url?${formQuery({ text, url: shortUrl })}`,
    reddit: `https://reddit.com/submit?${formQuery({ title: title ?? text, url: shortUrl })}`,
    email: mailto({
      body: present(opts.body) ?? shortUrl,
      subject: present(opts.subject) ?? text ?? DEFAULT_EMAIL_SUBJECT
    }),
    copy: shortUrl
  }
}

function present (value: string | null | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function formQuery (params: Record<string, string | undefined>): string {
  const entries = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
  return new URLSearchParams(entries).toString()
}

// mailto: is not form-encoded: mail clients show a '+' literally (RFC 6068 wants %20), so
// percent-encode here even though upstream used '+'.
function mailto (params: { body: string, subject: string }): string {
  return `mailto:?body=${encodeURIComponent(params.body)}&subject=${encodeURIComponent(params.subject)}`
}
