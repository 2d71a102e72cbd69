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
 * Budget: 2 KB gzipped after `node scripts/build-snippet.mjs` (target 1.5 KB, see the bench); the code
 * below is written for size: short names, few statements, one storage and one send helper.
 *
 * init options (defaults): endpoint '/ga/t', pk (publishable key: selects the workspace),
 * respectDnt false (true: send nothing under DNT or GPC), autoPageview true (false: no pageview on
 * load; SPA navigations still count), autoSpaNavigation true, engagement true, cleanUrl true
 * (remove ga_id / via / ref from the address bar), useLocalStorage true (false: keep no ids in
 * localStorage), clientAnonymousId true, fingerprint (precomputed, sent as-is), connectorSignals
 * (object merged into every payload).
 * API: init, track(type, props), trackLead, trackSale ({amount_cents, currency, ...}), identify
 * ({person_external_id, person_email, person_name, ...}), setIdentity(gaId), getIdentity,
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
  const on = (target, type, fn, options) => target.addEventListener(type, fn, options)
  const split = (s) => s.split(' ')
  const href = () => loc.href
  const now = () => Date.now()

  // Two copies of the snippet on one page must not double-track: the first one stays in charge.
  if (w.GoodAnalytics?.v) return console.warn('GoodAnalytics: loaded twice')

  // Ad-platform click ids read from the landing URL and forwarded for conversion APIs.
  const CLICK_IDS = split('gclid gbraid wbraid fbclid li_fat_id ttclid msclkid dclid epik irclickid sccid twclid')
  // Keys a caller passes that the collector reads at the top level; every other key goes under `properties`.
  const TOP_LEVEL = split('event_name amount_cents currency person_external_id person_email person_name')
  // Event types a page may send; any other name becomes a `custom` event with that event_name.
  const PAGE_TYPES = split('pageview custom lead sale identify share')
  const ID_KEY = '_ga_good_id'
  const ANON_KEY = '_ga_good_anon_id'

  const cfg = { endpoint: '/ga/t', autoPageview: 1, autoSpaNavigation: 1, engagement: 1, cleanUrl: 1, useLocalStorage: 1, clientAnonymousId: 1 }
  // started, opted out, landing done, current page URL, muting our own history writes.
  let started, optedOut, ready, lastUrl, quiet
  let gaId = null
  let anonId = null
  let clickIds = {}
  // Engagement of the current page: visible since (0 = hidden), accrued ms, max scroll depth, and what was reported.
  let since, engagedMs, sentMs, depth, sentDepth

  // Storage can throw (privacy modes, sandboxed frames): treat that as "nothing stored".
  // value undefined: read; null: remove; else write.
  const store = (area, key, value) => {
    try {
      const s = w[area]
      return value === undefined ? s.getItem(key) : value === null ? s.removeItem(key) : s.setItem(key, value)
    } catch {
      // nothing stored
    }
  }
  const local = (key, value) => cfg.useLocalStorage ? store('localStorage', key, value) : null

  // randomUUID exists only in secure contexts; build a v4 from getRandomValues elsewhere.
  const uuid = (c = w.crypto) => c.randomUUID?.() ??
    '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (x) => (x ^ (c.getRandomValues(new Uint8Array(1))[0] & (15 >> (x / 4)))).toString(16))

  const cookie = (name) => d.cookie.match('(^|; )' + name + '=([^;]+)')?.[2]

  const base = (type, url) => assign({
    event_type: type,
    event_id: uuid(),
    url: url || href(),
    referrer: d.referrer,
    title: d.title,
    screen: w.screen.width + 'x' + w.screen.height,
    language: nav.language,
    ga_id: gaId,
    anonymous_id: anonId,
    pk: cfg.pk,
    fingerprint: cfg.fingerprint,
    _fbp: cookie('_fbp'),
    _fbc: cookie('_fbc')
  }, clickIds, cfg.connectorSignals)

  // keepalive lets the request outlive the page; credentials carry the collector's cookies cross-origin.
  const send = (path, body) => fetch(cfg.endpoint + path, { method: 'POST', body: JSON.stringify(body), keepalive: true, credentials: 'include' })

  // sendBeacon first (text/plain: no preflight); fetch when it is missing or refuses.
  const post = (body) => {
    try {
      if (nav.sendBeacon(cfg.endpoint + '/event', new Blob([JSON.stringify(body)], { type: 'text/plain' }))) return
    } catch {
      // no sendBeacon, or it refused: fall through to fetch
    }
    send('/event', body).catch(() => {})
  }

  const active = () => started && !optedOut

  const track = (type, props, url) => {
    if (!active()) return
    props = assign({}, props)
    if (!PAGE_TYPES.includes(type)) {
      props.event_name ||= type
      type = 'custom'
    }
    const body = base(type, url)
    for (const k of TOP_LEVEL) if (k in props) { body[k] = props[k]; delete props[k] }
    body.properties = props
    post(body)
  }

  const measureScroll = (e = d.documentElement, max = e.scrollHeight - e.clientHeight) => {
    depth = Math.max(depth, max > 0 ? Math.min(Math.round(w.scrollY / max * 100), 100) : 100)
  }

  // Accrue visible time up to now, and restart the clock only while the page is visible.
  const tick = (t = now()) => {
    if (since) engagedMs += t - since
    since = d.hidden ? 0 : t
  }

  // Report engagement not yet reported (at least 1 s of it, or new depth); pagehide and
  // visibilitychange→hidden both call this, the second finds nothing new: one beacon per exit.
  const flush = (delta) => {
    tick()
    measureScroll()
    delta = engagedMs - sentMs
    if (active() && cfg.engagement && lastUrl && (delta >= 1000 || depth > sentDepth)) {
      post(assign(base('engagement'), { url: lastUrl, engaged_ms: delta, scroll_depth: depth }))
      sentMs = engagedMs
      sentDepth = depth
    }
  }

  // A pageview for a URL not tracked just before; closes the previous page's engagement first.
  const pageview = (url) => {
    if (url !== lastUrl) {
      if (lastUrl) flush()
      engagedMs = sentMs = depth = sentDepth = since = 0
      tick()
      track('pageview', {}, lastUrl = url)
    }
  }

  // History changes and hash jumps are pageviews, except our own URL cleaning and those made
  // while the landing pageview still waits for its ?via= click (it catches up on them).
  const navigated = () => ready && !quiet && pageview(href())

  // Drop our own query parameters from the address bar without that counting as a navigation.
  const cleanUrl = (keys, u = new URL(href()), before = u.href, wasLast = before === lastUrl) => {
    for (const k of keys) u.searchParams.delete(k)
    if (cfg.cleanUrl && u.href !== before) {
      quiet = 1
      h.replaceState(h.state, '', u.href)
      quiet = 0
      if (wasLast) lastUrl = href()
    }
  }

  const setIdentity = (id) => {
    local(ID_KEY, gaId = id || null)
    return api
  }

  // ?via=/?ref= landing: record the click (once per key per 30 min in this tab session), adopt
  // the ga_id it returns; answered or not within 3 s, go on.
  const trackClick = (key, mark = '_ga_click_' + key) => now() - store('sessionStorage', mark) < 18e5 ||
    Promise.race([
      send('/click', assign(base(), { key })).then((r) => r.json()).then((r) => {
        if (r?.ga_id) setIdentity(r.ga_id)
        store('sessionStorage', mark, '' + now())
      }).catch(() => {}),
      new Promise((r) => setTimeout(r, 3000))
    ])

  const init = (options) => {
    if (started) return api
    assign(cfg, options)
    started = 1
    if (cfg.respectDnt && (nav.globalPrivacyControl || nav.doNotTrack == 1 || w.doNotTrack == 1)) {
      optedOut = 1
      return api
    }
    const q = new URL(href()).searchParams
    const get = (k) => q.get(k)
    const landingId = get('ga_id')
    if (landingId) setIdentity(landingId)
    else gaId = local(ID_KEY)
    cleanUrl(['ga_id'])
    if (cfg.clientAnonymousId) local(ANON_KEY, anonId = local(ANON_KEY) || uuid())
    // Click ids of the landing ride along on every event of this page (and its SPA navigations).
    for (const k of CLICK_IDS) if (get(k)) clickIds[k] = get(k)

    if (cfg.autoSpaNavigation) {
      for (const m of ['pushState', 'replaceState']) {
        const original = h[m]
        h[m] = function () {
          const r = original.apply(this, arguments)
          navigated()
          return r
        }
      }
      on(w, 'popstate', navigated)
      on(w, 'hashchange', navigated)
    }
    on(w, 'scroll', () => measureScroll(), { passive: true })
    on(d, 'visibilitychange', () => d.hidden ? flush() : tick())
    on(w, 'pagehide', () => flush())

    const landing = href()
    const key = !landingId && (get('via') || get('ref'))
    const start = () => {
      ready = 1
      if (cfg.autoPageview) pageview(landing)
      else lastUrl = landing
      cleanUrl(['via', 'ref'])
      navigated()
    }
    // The pageview waits for the click so that it carries the click's ga_id (and cookies).
    if (key) Promise.resolve(trackClick(key)).then(start)
    else start()
    return api
  }

  const api = w.GoodAnalytics = {
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
    }
  }
})()
