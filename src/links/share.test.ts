// Guards the share-link templates (reference §5.8): sorted, form-encoded parameters per network,
// the fall-backs for missing title/text, and that the raw link is returned for copying.
import t from 'tap'
import { SHARE_TARGETS, shareUrls, type ShareOptions, type ShareTarget } from './share.js'

const LINK = 'https://mybrand.link/promo'
const ENC = 'https%3A%2F%2Fmybrand.link%2Fpromo'

const CASES: Array<[string, ShareOptions, Partial<Record<ShareTarget, string>>]> = [
  ['no options', {}, {
    twitter: `https://twitter.com/intent/tweet?url=${ENC}`,
    facebook: `https://www.facebook.com/sharer/sharer.php?u=${ENC}`,
    linkedin: `https://www.linkedin.com/sharing/share-offsite/?url=${ENC}`,
    whatsapp: `https://api.whatsapp.com/send?text=${ENC}`,
    telegram: `https://t.me/share/url?url=${ENC}`,
    reddit: `https://reddit.com/submit?url=${ENC}`,
    email: `mailto:?body=${ENC}&subject=Check%20this%20out`,
    copy: LINK
  }],
  ['reference example: text and via', { text: 'Check this!', via: 'agoodway' }, {
    twitter: `https://twitter.com/intent/tweet?text=Check+this%21&url=${ENC}&via=agoodway`,
    whatsapp: `https://api.whatsapp.com/send?text=Check+this%21+${ENC}`,
    telegram: `https://t.me/share/url?text=Check+this%21&url=${ENC}`,
    reddit: `https://reddit.com/submit?title=Check+this%21&url=${ENC}`,
    email: `mailto:?body=${ENC}&subject=Check%20this!`
  }],
  ['title wins for reddit', { title: 'Big sale', text: 'Some text' }, {
    reddit: `https://reddit.com/submit?title=Big+sale&url=${ENC}`,
    twitter: `https://twitter.com/intent/tweet?text=Some+text&url=${ENC}`
  }],
  ['hashtags come first', { hashtags: 'sale,promo', text: 'x' }, {
    twitter: `https://twitter.com/intent/tweet?hashtags=sale%2Cpromo&text=x&url=${ENC}`
  }],
  ['email subject and body', { subject: 'Hi & bye', body: 'Look: ' + LINK, text: 'ignored for subject' }, {
    email: `mailto:?body=Look%3A%20${ENC}&subject=Hi%20%26%20bye`
  }],
  ['empty strings are absent', { title: '', text: '', via: '' }, {
    twitter: `https://twitter.com/intent/tweet?url=${ENC}`,
    reddit: `https://reddit.com/submit?url=${ENC}`,
    email: `mailto:?body=${ENC}&subject=Check%20this%20out`
  }],
  ['special characters are encoded, not injected', { text: 'a&url=https://evil.com#' }, {
    telegram: `https://t.me/share/url?text=a%26url%3Dhttps%3A%2F%2Fevil.com%23&url=${ENC}`
  }]
]

for (const [name, opts, want] of CASES) {
  t.test(name, async t => {
    const got = shareUrls(LINK, opts)
    t.same(Object.keys(got).sort(), [...SHARE_TARGETS].sort())
    for (const [target, url] of Object.entries(want)) t.equal(got[target as ShareTarget], url, target)
  })
}
