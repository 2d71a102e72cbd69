// Issue 14 item 11: on 3e68a40 the visitor's query string overrode the destination's own
// parameters and the link's UTMs. The link's values win; the visitor only adds keys.
import t from 'tap'
import { build } from '../helper.js'
import { inject } from './util.js'

t.test("the link's parameters and UTMs win over the visitor's query", async t => {
  const { app, auth } = await build(t, { env: { GA_LINK_DOMAINS: 'go.example.com' } })
  const created = await inject(app, 'POST', '/ga/api/links', {
    headers: auth,
    body: { url: 'https://shop.example.com/p?plan=pro&ref_code=abc', key: 'deal', utm_source: 'newsletter', utm_campaign: 'spring' }
  })
  t.equal(created.status, 201)
  const res = await inject(app, 'GET', '/deal?plan=free&ref_code=evil&utm_source=attacker&utm_campaign=x&utm_medium=email&extra=1', { headers: { host: 'go.example.com' } })
  t.equal(res.status, 302)
  const location = new URL(res.headers.location as string)
  t.equal(location.searchParams.get('plan'), 'pro', "the destination's own parameter")
  t.equal(location.searchParams.get('ref_code'), 'abc')
  t.equal(location.searchParams.get('utm_source'), 'newsletter', "the link's UTM")
  t.equal(location.searchParams.get('utm_campaign'), 'spring')
  t.equal(location.searchParams.get('utm_medium'), 'email', 'a key the link does not set is passed through')
  t.equal(location.searchParams.get('extra'), '1')
  t.same(location.searchParams.getAll('plan'), ['pro'], 'never duplicated')
})
