/*
 * GoodAnalytics browser snippet.
 *
 *   <script src="https://t.example.com/ga/js/good-analytics.js"></script>
 *   <script>GoodAnalytics.init({ endpoint: 'https://t.example.com/ga/t', pk: 'gak_pk_...' })</script>
 *
 * Sends pageviews (also on SPA navigation), custom/lead/sale/identify events and engagement
 * (visible time + scroll depth) as JSON beacons with Content-Type text/plain: a CORS-safelisted
 * type, so cross-origin beacons need no preflight. Identity lives server-side in signed HttpOnly
 * cookies; the snippet only adds what the server cannot see: the ga_id of a short-link landing,
 * an optional localStorage anonymous id (for pages that cannot share cookies with the collector),
 * ad click ids and the Meta _fbp/_fbc cookies. No eval, no injected scripts (strict-CSP safe).
 * Budget: 2 KB gzipped after `node scripts/build-snippet.mjs`.
 *
 * init options (defaults): endpoint '/ga/t', pk (publishable key: selects the workspace),
 * respectDnt false (true: send nothing under DNT or GPC), autoPageview true (false: no pageview on
 * load; SPA navigations still count), autoSpaNavigation true, engagement true, cleanUrl true
 * (remove ga_id / via / ref from the address bar), useLocalStorage true (false: keep no ids in
 * localStorage), clientAnonymousId true, fingerprint (precomputed, sent as-is), connectorSignals
 * (object merged into every payload).
 * API: init, track(type, props), trackLead, trackSale ({amount_cents, currency, ...}), identify
 * ({person_external_id, person_email, person_name, identity_token, ...}: the person fields count
 * only with the identity_token your backend signs), setIdentity(gaId), getIdentity,
 * getSignals, forget. Beacon body: event_type, event_id (UUIDv4), url, referrer, title, screen,
 * language, ga_id, anonymous_id, pk, fingerprint, _fbp, _fbc, click ids, the top-level keys above,
 * properties; engagement adds engaged_ms and scroll_depth; POST {endpoint}/click adds key.
 */
/* global Blob */
(() => {
  const w = window
  const d = document
  const nav = navigator
  const h = history
  const loc = location
  const assign = Object.assign
  const listen = (target, type, fn, options) => target.addEventListener(type, fn, options)

  // Two copies of the snippet on one page must not double-track: the first one stays in charge.
  if (w.GoodAnalytics && w.GoodAnalytics.v) {
    console.warn('GoodAnalytics: loaded twice')
    return
  }

  // Ad-platform click ids read from the landing URL and forwarded for conversion APIs.
  const CLICK_IDS = 'gclid gbraid wbraid fbclid li_fat_id ttclid msclkid dclid epik irclickid sccid twclid'.split(' ')
  // Keys a caller passes that the collector reads at the top level; every other key goes under `properties`.
  const TOP_LEVEL = 'event_name amount_cents currency person_external_id person_email person_name identity_token'.split(' ')
  // Event types a page may send; any other name becomes a `custom` event with that event_name.
  const PAGE_TYPES = 'pageview custom lead sale identify share'.split(' ')
  const ID_KEY = '_ga_good_id'
  const ANON_KEY = '_ga_good_anon_id'
  // Engagement deltas shorter than this are noise (the collector counts whole seconds).
  const MIN_ENGAGED_MS = 1000
  // A ?via= key clicked again within this window (same tab session) is not a new click.
  const CLICK_DEDUP_MS = 1800000

  const cfg = {
    endpoint: '/ga/t',
    autoPageview: true,
    autoSpaNavigation: true,
    engagement: true,
    cleanUrl: true,
    useLocalStorage: true,
    clientAnonymousId: true,
  }
  let started, optedOut, ready, lastUrl, quiet
  let gaId = null
  let anonId = null
  let clickIds = {}
  // Engagement of the current page: visible since (0 = hidden), accrued ms, max scroll depth, and what was reported.
  let since = 0
  let engagedMs = 0
  let sentMs = 0
  let depth = 0
  let sentDepth = 0

  // Storage can throw (privacy modes, sandboxed frames): treat that as "nothing stored".
  const store = (area, key, value) => {
    try {
      const s = w[area]
      return value === undefined ? s.getItem(key) : value === null ? s.removeItem(key) : s.setItem(key, value)
    } catch {
      return null
    }
  }
  const local = (key, value) => (cfg.useLocalStorage ? store('localStorage', key, value) : null)

  const uuid = () => {
    const c = w.crypto
    if (c && c.randomUUID) return c.randomUUID()
    // randomUUID exists only in secure contexts; build a v4 from getRandomValues elsewhere.
    if (c && c.getRandomValues) {
      return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (x) =>
        (x ^ (c.getRandomValues(new Uint8Array(1))[0] & (15 >> (x / 4)))).toString(16))
    }
  }

  const cookie = (name) => {
    const m = d.cookie.match('(^|; )' + name + '=([^;]+)')
    return m ? m[2] : undefined
  }

  const base = (type, url) =>
    assign(
      {
        event_type: type,
        event_id: uuid(),
        url: url || loc.href,
        referrer: d.referrer,
        title: d.title,
        screen: w.screen.width + 'x' + w.screen.height,
        language: nav.language,
        ga_id: gaId,
        anonymous_id: anonId,
        pk: cfg.pk,
        fingerprint: cfg.fingerprint,
        _fbp: cookie('_fbp'),
        _fbc: cookie('_fbc'),
      },
      clickIds,
      cfg.connectorSignals,
    )

  // keepalive lets the request outlive the page; credentials carry the collector's cookies cross-origin.
  const fetchPost = (path, data) =>
    fetch(cfg.endpoint + path, { method: 'POST', body: data, keepalive: true, credentials: 'include' })

  const post = (body) => {
    const data = JSON.stringify(body)
    try {
      if (nav.sendBeacon(cfg.endpoint + '/event', new Blob([data], { type: 'text/plain' }))) return
    } catch {
      // no sendBeacon, or it refused: fall through to fetch
    }
    fetchPost('/event', data).catch(() => {})
  }

  const active = () => started && !optedOut

  const track = (type, props, url) => {
    if (!active()) return
    props = assign({}, props)
    if (PAGE_TYPES.indexOf(type) < 0) {
      props.event_name = props.event_name || type
      type = 'custom'
    }
    const body = base(type, url)
    TOP_LEVEL.forEach((k) => {
      if (k in props) {
        body[k] = props[k]
        delete props[k]
      }
    })
    body.properties = props
    post(body)
  }

  const measureScroll = () => {
    const e = d.documentElement
    const max = e.scrollHeight - e.clientHeight
    const p = max > 0 ? Math.round((w.scrollY / max) * 100) : 100
    if (p > depth) depth = Math.min(p, 100)
  }

  // Accrue visible time up to now, and restart the clock only while the page is visible.
  const tick = () => {
    const now = Date.now()
    if (since) engagedMs += now - since
    since = d.hidden ? 0 : now
  }

  // Report engagement not yet reported; pagehide and visibilitychange→hidden both call this, the
  // second finds nothing new, so one page exit yields one beacon.
  const flush = () => {
    tick()
    measureScroll()
    const delta = engagedMs - sentMs
    if (!active() || !cfg.engagement || !lastUrl || (delta < MIN_ENGAGED_MS && depth <= sentDepth)) return
    post(assign(base('engagement'), { url: lastUrl, engaged_ms: delta, scroll_depth: depth }))
    sentMs = engagedMs
    sentDepth = depth
  }

  // A pageview for a URL not tracked just before; closes the previous page's engagement first.
  const pageview = (url) => {
    if (url === lastUrl) return
    flush()
    engagedMs = sentMs = depth = sentDepth = 0
    since = 0
    tick()
    lastUrl = url
    track('pageview', {}, url)
  }

  // History changes and hash jumps are pageviews, except our own URL cleaning and those made
  // while the landing pageview still waits for its ?via= click (it catches up on them).
  const navigated = () => {
    if (ready && !quiet) pageview(loc.href)
  }

  // Drop our own query parameters from the address bar without that counting as a navigation.
  const cleanUrl = (keys) => {
    const u = new URL(loc.href)
    const before = u.href
    keys.forEach((k) => u.searchParams.delete(k))
    if (!cfg.cleanUrl || u.href === before) return
    const wasLast = loc.href === lastUrl
    quiet = 1
    try {
      h.replaceState(h.state, '', u.href)
    } finally {
      quiet = 0
    }
    if (wasLast) lastUrl = loc.href
  }

  const setIdentity = (id) => {
    gaId = id || null
    local(ID_KEY, gaId)
    return api
  }

  // ?via=/?ref= landing: record the click, adopt the ga_id it returns; answered or not within 3 s, go on.
  const trackClick = (key) => {
    const mark = '_ga_click_' + key
    if (Date.now() - store('sessionStorage', mark) < CLICK_DEDUP_MS) return Promise.resolve()
    const click = fetchPost('/click', JSON.stringify(assign(base(), { key })))
      .then((r) => r.json())
      .then((r) => {
        if (r && r.ga_id) setIdentity(r.ga_id)
        store('sessionStorage', mark, '' + Date.now())
      })
      .catch(() => {})
    return Promise.race([click, new Promise((r) => setTimeout(r, 3000))])
  }

  const init = (options) => {
    if (started) return api
    assign(cfg, options)
    started = 1
    if (cfg.respectDnt && (nav.globalPrivacyControl || nav.doNotTrack === '1' || w.doNotTrack === '1')) {
      optedOut = 1
      return api
    }
    const q = new URL(loc.href).searchParams
    const landingId = q.get('ga_id')
    if (landingId) setIdentity(landingId)
    else gaId = local(ID_KEY)
    cleanUrl(['ga_id'])
    if (cfg.clientAnonymousId) {
      anonId = local(ANON_KEY) || uuid()
      local(ANON_KEY, anonId)
    }
    // Click ids of the landing ride along on every event of this page (and its SPA navigations).
    CLICK_IDS.forEach((k) => q.get(k) && (clickIds[k] = q.get(k)))

    if (cfg.autoSpaNavigation) {
      ;['pushState', 'replaceState'].forEach((m) => {
        const original = h[m]
        h[m] = function () {
          const r = original.apply(this, arguments)
          navigated()
          return r
        }
      })
      listen(w, 'popstate', navigated)
      listen(w, 'hashchange', navigated)
    }
    listen(w, 'scroll', measureScroll, { passive: true })
    listen(d, 'visibilitychange', () => (d.hidden ? flush() : tick()))
    listen(w, 'pagehide', flush)
    tick()

    const landing = loc.href
    const key = !landingId && (q.get('via') || q.get('ref'))
    const start = () => {
      ready = 1
      if (cfg.autoPageview) pageview(landing)
      else lastUrl = landing
      cleanUrl(['via', 'ref'])
      navigated()
    }
    // The pageview waits for the click so that it carries the click's ga_id (and cookies).
    if (key) trackClick(key).then(start)
    else start()
    return api
  }

  const api = {
    v: 1,
    init,
    track,
    trackLead: (props) => track('lead', props),
    trackSale: (props) => track('sale', props),
    identify: (props) => track('identify', props),
    setIdentity,
    getIdentity: () => gaId,
    getSignals: () => ({ ga_id: gaId, anonymous_id: anonId, fingerprint: cfg.fingerprint || null }),
    forget: () => {
      gaId = anonId = null
      clickIds = {}
      local(ID_KEY, null)
      local(ANON_KEY, null)
      return api
    },
  }
  w.GoodAnalytics = api
})()
