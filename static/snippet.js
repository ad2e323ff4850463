/*! Consent banner snippet. Contract: DESIGN.md section 5. */
(() => {
  'use strict';

  /* Settings */
  const w = window, d = document, nav = navigator, loc = location, html = d.documentElement;
  if (w.ConsentBanner) return;
  const me = d.currentScript, set = me.dataset;
  const SITE = set.site, KEY = 'consent_banner', OPT = ['functional', 'analytics', 'advertising'];
  const API = (set.api || new URL(me.src).origin).replace(/\/$/, '') + '/v1/sites/' + encodeURIComponent(SITE);
  const GPC = nav.globalPrivacyControl === true;
  const LANGS = [set.lang, html.lang, ...nav.languages].map(l => String(l).toLowerCase().split(/[-_]/)[0])
    .filter(l => /^[a-z]{2}$/.test(l));
  // Vendor cookies cleared when their category is refused, and hosts whose scripts are held
  // from the start (the site's catalogue adds more).
  const COOKIES = {}, HOSTS = {};
  const addHosts = vendors => (vendors || []).forEach(v => v.hosts.forEach(h => { HOSTS[h] = v.category; }));
  // {category: [cookie regex source, ...hosts]} of banner/vendors.py, put in place of the
  // marker when served (banner/snippet.py): the catalogue is never copied by hand.
  for (const [category, [cookies, ...hosts]] of Object.entries(/*catalogue*/{})) {
    COOKIES[category] = RegExp(cookies);
    addHosts([{category, hosts}]);
  }

  /* Helpers (storage access guarded: private modes throw) */
  const noop = () => {};
  const attempt = fn => { try { return fn(); } catch (e) {} };
  const load = k => attempt(() => JSON.parse(localStorage.getItem(KEY + k)));
  const save = (k, v) => attempt(() => localStorage.setItem(KEY + k, JSON.stringify(v)));
  // randomUUID needs a secure context; blob URLs end in a UUID.
  const uuid = () => crypto.randomUUID ? crypto.randomUUID() : URL.createObjectURL(new Blob()).slice(-36);
  // A string body is text/plain: no CORS preflight.
  const post = (path, body) => fetch(API + path, {method: 'POST', body: JSON.stringify(body), keepalive: true, credentials: 'omit'});

  /* Stored choice */
  const fresh = id => ({site: SITE, visitorId: id || uuid()});
  const store = () => {
    const age = Math.max(0, (Date.parse(state.expiresAt) - Date.now()) / 1e3 | 0);
    attempt(() => { d.cookie = `${KEY}=${encodeURIComponent(JSON.stringify(state))}; Path=/; SameSite=Lax; Max-Age=${age}${loc.protocol == 'https:' ? '; Secure' : ''}`; });
    save('', state);
  };
  const stored = () => attempt(() => JSON.parse(decodeURIComponent(d.cookie.match(`(?:^|; )${KEY}=([^;]*)`)[1]))) || load('');
  let state = stored();
  state = !state || state.site != SITE ? fresh() : Date.parse(state.expiresAt) > Date.now() ? state : fresh(state.visitorId);
  const cached = load('_banner');
  addHosts(cached && cached.vendors);
  // GPC opts out of advertising at once; recorded once the banner confirms honour_gpc.
  const pendingGpc = GPC && (!state.categories || !state.gpc && state.categories.advertising);
  if (pendingGpc && state.categories && (!cached || cached.behaviour.honour_gpc)) state.categories.advertising = false;
  const cur = () => state.categories;
  const granted = c => c == 'necessary' || !!(cur() && cur()[c]);
  const snapshot = () => cur() ? {visitorId: state.visitorId, version: state.version,
    categories: Object.assign({}, cur()), updatedAt: state.updatedAt, expiresAt: state.expiresAt} : null;

  /* Vendor signals, set before any tag runs */
  const dl = w.dataLayer = w.dataLayer || [], uet = w.uetq = w.uetq || [];
  function gtag() { dl.push(arguments); }  // gtag.js reads Arguments objects, not arrays
  const mode = c => granted(c) ? 'granted' : 'denied';
  const google = () => {
    const ad = mode('advertising'), fn = mode('functional');
    return {ad_storage: ad, ad_user_data: ad, ad_personalization: ad, analytics_storage: mode('analytics'),
      functionality_storage: fn, personalization_storage: fn, security_storage: 'granted'};
  };
  gtag('consent', 'default', Object.assign(google(), {wait_for_update: 500}));
  uet.push('consent', 'default', {ad_storage: 'denied'});
  const told = {};
  const tell = (name, fn) => {  // pixels appearing later: told once per state
    const key = JSON.stringify(state);
    if (w[name] && told[name] != key) { told[name] = key; attempt(fn); }
  };
  const pixels = () => {
    const ad = granted('advertising');
    tell('fbq', () => w.fbq('consent', ad ? 'grant' : 'revoke'));
    tell('ttq', () => w.ttq[cur() ? ad ? 'grantConsent' : 'revokeConsent' : 'holdConsent']());
  };
  const signal = () => {
    gtag('consent', 'update', google());
    dl.push({event: 'consentbanner_change', consentbanner: snapshot()});
    uet.push('consent', 'update', {ad_storage: mode('advertising')});
    pixels();
  };
  /* Platforms, as their published code reads them (tests/browser/test_platform_*.py) */
  // Shopify: Hydrogen leaves Shopify.customerPrivacy without setTrackingConsent until the API
  // has loaded and Hydrogen has wrapped it with the storefront's settings, then dispatches
  // shopifyCustomerPrivacyApiLoaded (it loads the API itself); Online Store themes have loadFeatures.
  let shopifyWaits;
  const shopify = () => {
    const S = w.Shopify, cp = S && S.customerPrivacy, ad = granted('advertising');
    const put = () => cp.setTrackingConsent({analytics: granted('analytics'), marketing: ad,
      preferences: granted('functional'), sale_of_data: ad}, noop);
    if (cp && typeof cp.setTrackingConsent == 'function') put();
    else if (S && typeof S.loadFeatures == 'function') {
      S.loadFeatures([{name: 'consent-tracking-api', version: '0.1'}], e => e || attempt(shopify));
    } else if (!shopifyWaits) {
      shopifyWaits = true;
      d.addEventListener('shopifyCustomerPrivacyApiLoaded', () => attempt(shopify));
    }
  };
  // Salla: its cookie bar deletes, on every page, the tracker cookies of each category whose
  // cookie is not 'true'; its analytics keeps user ids and IPs only while 'cookies-consent' is
  // 'accepted', and follows a change only when told before the new state is stored.
  const SALLA = {necessary: 'necessary', analytics: 'performance', functional: 'functional', advertising: 'advertising'};
  const sallaCookies = () => {
    // As long as the choice lasts; a region's defaults (no choice yet) for the session only.
    const end = state.expiresAt ? '; Expires=' + new Date(state.expiresAt).toUTCString() : '';
    for (const c in SALLA) d.cookie = `${SALLA[c]}_cookies=${granted(c)}${end}; Path=/; SameSite=Lax; Secure`;
  };
  const salla = () => {
    const S = w.Salla, v = granted('analytics') ? 'accepted' : 'rejected';
    if (!S) return;
    sallaCookies();
    S.event.emit('salla-cookies-bar::' + v);
    S.storage.set('cookies-consent', v);
  };
  // A Salla store that has the choice (its SDK is not loaded yet): its bar may read the
  // category cookies before ours is asked again, and a choice from before they were written
  // would lose every tracker cookie.
  if (cur() && attempt(() => localStorage.getItem('cookies-consent'))) attempt(sallaCookies);
  const platforms = () => { attempt(shopify); attempt(salla); };
  // Salla's bar never shows beside ours. A constructed style sheet needs no CSP exception.
  attempt(() => {
    const s = new CSSStyleSheet();
    s.replaceSync('salla-cookies-bar{display:none!important}');
    d.adoptedStyleSheets = [...d.adoptedStyleSheets, s];
  });
  cur() ? signal() : pixels();

  /* Gating, scripts in order */
  // A stored choice runs tags once the banner says it still holds (else after 3 s or an error).
  const done = new WeakSet(), queue = [];
  let busy = false, settled = false;
  const settle = () => { settled = true; scan(); };
  const scan = () => {
    if (!settled) return;
    d.querySelectorAll('[data-consent]').forEach(el => {
      if (!done.has(el) && granted(el.dataset.consent)) { done.add(el); queue.push(el); }
    });
    next();
  };
  const next = () => {
    const el = !busy && queue.shift();
    if (!el) return;
    const src = el.dataset.src || el.getAttribute('src');
    if (el.tagName != 'SCRIPT') {
      if (el.dataset.src) el.src = src;
      return next();
    }
    const s = d.createElement('script');
    done.add(s);
    for (const a of el.attributes) if (!/^(type|src|data-src|data-type)$/.test(a.name)) s.setAttribute(a.name, a.value);
    if (el.dataset.type) s.type = el.dataset.type;
    s.nonce = el.nonce;
    const go = () => { busy = false; pixels(); next(); };
    if (src) {
      busy = true;
      s.async = false;
      s.onload = s.onerror = go;
      s.src = src;
    } else s.text = el.text;
    el.replaceWith(s);
    if (!src) go();
  };

  // Scripts other apps add for a catalogue host become gated markup before they load.
  const held = el => el.dataset.consent && !done.has(el);
  const hold = el => {
    const u = attempt(() => new URL(el.getAttribute('src'), loc.href));
    // gtm.js runs: Consent Mode governs its tags.
    const c = u && !/\/gtm\.js$/.test(u.pathname) && HOSTS[u.hostname];
    if (c && !(settled && granted(c)) && !el.dataset.consent && !done.has(el)) {
      if (el.type) el.dataset.type = el.type;
      el.setAttribute('type', 'text/plain');
      el.dataset.consent = c;
    }
  };
  const P = HTMLScriptElement.prototype, setAttr = Element.prototype.setAttribute;
  const src = Object.getOwnPropertyDescriptor(P, 'src');
  Object.defineProperty(P, 'src', {configurable: true, get: src.get, set(v) { src.set.call(this, v); hold(this); }});
  P.setAttribute = function (n, v) {
    n = String(n).toLowerCase();
    setAttr.call(this, n == 'type' && held(this) ? 'data-type' : n, v);
    if (n == 'src') hold(this);
  };
  new MutationObserver(list => {
    for (const m of list) for (const n of m.addedNodes) if (n.tagName == 'SCRIPT' && n.src) hold(n);
    if (d.readyState != 'loading') scan();
  }).observe(html, {childList: true, subtree: true});
  const whenParsed = fn => d.readyState == 'loading' ? d.addEventListener('DOMContentLoaded', fn) : fn();
  whenParsed(() => { scan(); pixels(); });

  /* Delivery: queued in localStorage until the backend has it */
  let outbox = load('_queue') || [], flushing = false, retries = 0;
  const flush = () => {
    const item = !flushing && outbox[0];
    if (!item) return;
    flushing = true;
    post('/consents', item).then(r => {
      // Other 4xx would fail again: dropped, not retried forever.
      if (r.status >= 500 || r.status == 408 || r.status == 429) throw r;
      outbox = (load('_queue') || outbox).filter(x => x.idempotency_key != item.idempotency_key);
      save('_queue', outbox);
      flushing = false;
      retries = 0;
      flush();
    }).catch(() => {
      flushing = false;
      setTimeout(flush, Math.min(6e4, 2e3 * 2 ** retries++));
    });
  };
  w.addEventListener('online', flush);
  flush();

  /* Decisions */
  let banner, root;
  const listeners = [];
  const all = v => ({functional: v, analytics: v, advertising: v});
  const clearCookies = cats => {
    const parts = loc.hostname.split('.');
    for (const pair of d.cookie.split('; ')) {
      const name = pair.split('=')[0];
      if (cats.some(c => COOKIES[c] && COOKIES[c].test(name))) {
        for (let i = 0; i <= parts.length; i++) {
          d.cookie = `${name}=; Max-Age=0; Path=/${i < parts.length ? '; Domain=' + parts.slice(i).join('.') : ''}`;
        }
      }
    }
  };
  const decide = (choices, action, source, auto) => {
    const before = cur(), now = new Date(), c = {necessary: true}, b = banner;
    // A legal-age confirmation, once given, covers later changes of mind.
    const age = !!(state.age || root && ageOk());
    OPT.forEach(k => { c[k] = !!choices[k]; });
    if (action != 'gpc' && before && !OPT.some(k => c[k]) && OPT.some(k => before[k])) action = 'withdraw';
    state = {site: SITE, visitorId: state.visitorId, version: b.version, categories: c, updatedAt: now.toISOString(),
      expiresAt: new Date(+now + b.behaviour.consent_lifetime_days * 864e5).toISOString(), gpc: GPC, age, auto};
    store();
    clearCookies(OPT.filter(k => !c[k]));
    signal();
    platforms();
    scan();
    const body = {visitor_id: state.visitorId, version: b.version, action, choices: c, language: b.language,
      source, gpc: GPC, page: loc.origin + loc.pathname, client_time: now.toISOString(), idempotency_key: uuid()};
    if (b.behaviour.age_confirmation) body.age_confirmed = age;
    outbox.push(body);
    save('_queue', outbox);
    flush();
    const detail = snapshot();
    listeners.forEach(fn => attempt(() => fn(detail)));
    w.dispatchEvent(new CustomEvent('consentbanner:change', {detail}));
    show();
    return detail;
  };

  /* Banner */
  const fetchBanner = lang => fetch(API + '/banner' + (lang ? '?lang=' + lang : ''))
    .then(r => { if (!r.ok) throw r; return r.json(); });
  const ready = fetchBanner(LANGS[0]).then(b => {
    const better = LANGS.find(l => b.languages.includes(l));
    return better && better != b.language ? fetchBanner(better) : b;
  }).then(b => { save('_banner', b); return b; }, e => {
    if (cached) return cached;  // backend down: the last banner seen still works
    throw e;
  }).then(b => {
    banner = b;
    addHosts(b.vendors);
    if (cur() && state.version < b.material_version) {
      // Material change: ask again, denied meanwhile.
      state = fresh(state.visitorId);
      store();
      clearCookies(OPT);
      signal();
    }
    if (pendingGpc) {
      if (b.behaviour.honour_gpc) decide(Object.assign({}, cur(), {advertising: false}), 'gpc', 'gpc', !cur());
      else if (cur()) { state = stored(); signal(); scan(); }
    }
    whenParsed(render);
    return b;
  });
  ready.then(settle, settle);
  setTimeout(settle, 3e3);

  /* UI, in an open shadow root out of the theme's reach */
  let bar, dialog, reopen, opener;
  const $$ = sel => [...root.querySelectorAll(sel)];
  const ageOk = () => $$('[data-age]').some(x => x.checked);
  const render = () => {
    const host = d.createElement('div');
    host.id = 'consent-banner';
    root = host.attachShadow({mode: 'open'});
    root.innerHTML = banner.markup;  // rendered and escaped by the server
    [bar, dialog, reopen] = ['.bar', '.dlg', '.re'].map(s => root.querySelector(s));
    root.addEventListener('click', e => {
      const el = e.target.closest('[data-action]');
      if (el) act(el.dataset.action, el);
    });
    root.addEventListener('change', e => {
      // The two age boxes (first layer and dialog) are one answer.
      if (e.target.dataset.age != null) $$('[data-age]').forEach(x => { x.checked = e.target.checked; x.removeAttribute('aria-invalid'); });
    });
    // Tab cycles within the modal dialog.
    root.addEventListener('keydown', e => {
      if (!dialog.open || e.key != 'Tab') return;
      const items = focusable(), edge = items[e.shiftKey ? 0 : items.length - 1];
      if (root.activeElement == edge) {
        e.preventDefault();
        items[e.shiftKey ? items.length - 1 : 0].focus();
      }
    });
    dialog.addEventListener('close', () => {  // Esc, the close button or a decision
      show();
      if (opener && !opener.closest('[hidden]')) opener.focus();
    });
    d.body.prepend(host);
    show();
  };
  const focusable = () => [...dialog.querySelectorAll('button,a,input:not(:disabled)')];
  const show = () => {
    if (!root) return;
    const was = bar.hidden, inside = root.activeElement;
    if (dialog.open) dialog.close();
    bar.hidden = cur() && !state.auto;
    reopen.hidden = !bar.hidden;
    if (inside && bar.hidden) reopen.focus();
    if (was && !bar.hidden && load('_seen') != SITE + banner.version) {
      save('_seen', SITE + banner.version);
      post('/impressions', {version: banner.version, language: banner.language}).catch(noop);
    }
  };
  const openPrefs = from => {
    opener = from;
    $$('[data-category]').forEach(x => { x.checked = granted(x.dataset.category); });
    bar.hidden = reopen.hidden = true;
    dialog.showModal();
  };
  const act = (action, el) => {
    const source = el.closest('.dlg') ? 'preferences' : 'banner', choices = {};
    $$('[data-category]').forEach(x => { choices[x.dataset.category] = x.checked; });
    if (action == 'customize' || action == 'open') return openPrefs(el);
    if (action == 'close') return dialog.close();
    if ((action == 'accept-all' || action == 'save' && OPT.some(k => choices[k])) && banner.behaviour.age_confirmation && !state.age && !ageOk()) {
      // Granting needs the legal-age confirmation; refusing never does.
      const box = el.closest('section,.dlg').querySelector('[data-age]');
      box.setAttribute('aria-invalid', 'true');
      return box.focus();
    }
    decide(action == 'save' ? choices : all(action == 'accept-all'),
      action == 'save' ? 'custom' : action.replace('-', '_'), source);
  };

  /* Public API: the only global */
  const later = fn => arg => ready.then(() => fn(arg));
  w.ConsentBanner = Object.freeze({
    get: snapshot,
    acceptAll: later(() => decide(all(true), 'accept_all', 'api')),
    rejectAll: later(() => decide(all(false), 'reject_all', 'api')),
    set: later(choices => decide(Object.assign({}, cur(), choices), 'custom', 'api')),
    withdraw: later(() => decide(all(false), 'withdraw', 'api')),
    open: later(() => whenParsed(() => openPrefs(reopen))),
    on: (name, fn) => { if (name == 'change') listeners.push(fn); }
  });
})();
