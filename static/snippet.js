/*! Consent banner snippet. Contract: DESIGN.md section 5. */
(() => {
  'use strict';

  /* Settings */
  const w = window, d = document, nav = navigator, loc = location, html = d.documentElement;
  if (w.ConsentBanner) return;
  // A CSP nonce on the install tag: gated scripts must carry the same one (browsers hide the
  // attribute, the property keeps it), so injected markup never becomes running script.
  const me = d.currentScript, set = me.dataset, NONCE = me.nonce;
  // The per-site script carries the site's published banners, {language: banner JSON} (the
  // first the one the banner GET gives without ?lang), put in place of the marker when
  // served (banner/api/site_script.py); the static snippet has none and asks for them.
  const PRELOADED = /*preloaded*/{}, PRELOADED_LANGS = Object.keys(PRELOADED);
  const SITE = set.site || PRELOADED_LANGS.length && PRELOADED[PRELOADED_LANGS[0]].site, KEY = 'consent_banner', OPT = ['functional', 'analytics', 'advertising'];
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
  // 192 random bits in base64url (32 characters, no padding).
  const random = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))
    .replace(/\+/g, '-').replace(/\//g, '_');
  // Only http(s) URLs, resolved against the page, are ever activated: never javascript: or data:.
  const web = u => u && attempt(() => { u = new URL(u, loc.href); return /^https?:$/.test(u.protocol) && u.href; });
  const all = v => ({functional: v, analytics: v, advertising: v});
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
  // The visitor's secret, [visitorId, secret], in localStorage only: never in the cookie the
  // store's server receives, never in dataLayer or get(). The backend refuses a write for
  // this visitor id without it, so knowing the id is not enough to change the choice.
  let key = load('_key');
  const secret = () => {
    if (!key || key[0] != state.visitorId) save('_key', key = [state.visitorId, random()]);
    return key[1];
  };
  const cached = load('_banner');
  let banner;
  addHosts(cached && cached.vendors);
  // GPC opts out of advertising at once; recorded once the banner confirms honour_gpc.
  const pendingGpc = GPC && (!state.categories || !state.gpc && state.categories.advertising);
  if (pendingGpc && state.categories && (!cached || cached.behaviour.honour_gpc)) state.categories.advertising = false;
  const cur = () => state.categories;
  // The region's policy (the server decides it from the visitor's country): in opt-out,
  // optional categories are on until the visitor refuses, advertising off under an honoured
  // GPC. Opt-in until a first banner answer; a site asking for the legal-age confirmation
  // never grants without it, so it stays opt-in.
  const defaults = (b = banner || cached) => b && b.policy && b.policy.mode == 'opt_out' && !b.behaviour.age_confirmation
    ? Object.assign({necessary: true}, all(true), {advertising: !(GPC && b.behaviour.honour_gpc)}) : null;
  const eff = () => cur() || defaults();
  const granted = c => c == 'necessary' || !!(eff() && eff()[c]);
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
    const now = JSON.stringify(eff());
    if (w[name] && told[name] != now) { told[name] = now; attempt(fn); }
  };
  const pixels = () => {
    const ad = granted('advertising');
    tell('fbq', () => w.fbq('consent', ad ? 'grant' : 'revoke'));
    tell('ttq', () => w.ttq[eff() ? ad ? 'grantConsent' : 'revokeConsent' : 'holdConsent']());
  };
  const signal = () => {
    gtag('consent', 'update', google());
    // Before a decision in an opt-out region: the categories in force, for tag managers.
    dl.push({event: 'consentbanner_change', consentbanner: snapshot() || eff() && {categories: eff()}});
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
  // The store's footer link "cookie settings" asks Salla's bar to open: ours opens instead.
  let sallaHooked;
  const sallaOpen = () => {
    const S = w.Salla;
    if (S && S.event && !sallaHooked) {
      sallaHooked = true;
      S.event.on('salla-cookies-bar::open', () => w.ConsentBanner.open());
    }
  };
  const salla = () => {
    const S = w.Salla, v = granted('analytics') ? 'accepted' : 'rejected';
    if (!S) return;
    sallaOpen();
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
  eff() ? signal() : pixels();

  /* Gating, scripts in order */
  // A stored choice runs tags once the banner says it still holds (else after 3 s or an error).
  const done = new WeakSet(), queue = [];
  let busy = false, settled = false, announced = false, resolveReady;
  // ConsentBanner.ready and the consentbanner:ready event, once the stored choice (or its
  // absence) is applied: tags present then released or held, signals set, banner shown.
  const readyPromise = new Promise(r => { resolveReady = r; });
  const announce = () => {
    if (announced) return;
    announced = true;
    const detail = snapshot();
    resolveReady(detail);
    d.dispatchEvent(new CustomEvent('consentbanner:ready', {detail}));
  };
  const settle = () => { settled = true; scan(); whenParsed(announce); };
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
    const given = el.dataset.src || el.getAttribute('src'), src = web(given);
    if (el.tagName != 'SCRIPT') {
      if (el.dataset.src && src) el.src = src;
      return next();
    }
    // Never run: a URL that is not http(s); under a nonce, markup without it (what other
    // apps' code inserted is exempt: 'strict-dynamic' trusts it the same way).
    if (given && !src || NONCE && el.nonce != NONCE && !made.has(el)) return next();
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
  const held = el => el.dataset.consent && !done.has(el), made = new WeakSet();
  // byCode: its src was set by a script (not parsed from markup an attacker could inject).
  const hold = (el, byCode) => {
    const u = attempt(() => new URL(el.getAttribute('src'), loc.href));
    // gtm.js runs: Consent Mode governs its tags.
    const c = u && !/\/gtm\.js$/.test(u.pathname) && HOSTS[u.hostname];
    if (c && !(settled && granted(c)) && !el.dataset.consent && !done.has(el)) {
      if (el.type) el.dataset.type = el.type;
      el.setAttribute('type', 'text/plain');
      el.dataset.consent = c;
      if (byCode) made.add(el);
    }
  };
  const P = HTMLScriptElement.prototype, setAttr = Element.prototype.setAttribute;
  const src = Object.getOwnPropertyDescriptor(P, 'src');
  Object.defineProperty(P, 'src', {configurable: true, get: src.get, set(v) { src.set.call(this, v); hold(this, 1); }});
  P.setAttribute = function (n, v) {
    n = String(n).toLowerCase();
    setAttr.call(this, n == 'type' && held(this) ? 'data-type' : n, v);
    if (n == 'src') hold(this, 1);
  };
  new MutationObserver(list => {
    for (const m of list) for (const n of m.addedNodes) if (n.tagName == 'SCRIPT' && n.src) hold(n);
    if (d.readyState != 'loading') scan();
  }).observe(html, {childList: true, subtree: true});
  const whenParsed = fn => d.readyState == 'loading' ? d.addEventListener('DOMContentLoaded', fn) : fn();
  whenParsed(() => { scan(); pixels(); attempt(sallaOpen); });
  w.addEventListener('load', () => attempt(sallaOpen));

  /* Delivery: queued in localStorage until the backend has it */
  // Each item is the POST body plus `s`, the state it records (JSON leaves undefined out).
  let outbox = load('_queue') || [], flushing = false, retries = 0;
  const renewed = new Set();
  const flush = () => {
    const item = !flushing && outbox[0], k = item && item.idempotency_key;
    if (!item) return;
    flushing = true;
    post('/consents', Object.assign({}, item, {s: undefined})).then(r => {
      const status = r.status;
      if (status >= 500 || status == 408 || status == 429) throw r;
      outbox = (load('_queue') || outbox).filter(x => x.idempotency_key != k);
      if (status == 403 && !renewed.has(k)) {
        // The secret is lost (storage cleared, cookie kept): a new visitor id and secret, and
        // the decision again under them; the visitor can always decide.
        renewed.add(k);
        const old = item.visitor_id;
        if (old == state.visitorId) { state.visitorId = uuid(); store(); }
        outbox.unshift(item);
        outbox.forEach(x => {
          if (x.visitor_id != old) return;
          x.visitor_id = state.visitorId;
          x.visitor_secret = secret();
          if (x.s) x.s.visitorId = state.visitorId;
        });
      } else if (status < 300) { if (item.s) save('_rec', item.s); }
      // Refused (it would fail again): not retried, and if it is the choice in force, undone.
      else if (item.client_time == state.updatedAt) rollback();
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
  let root, shown = null;  // performance.now() when the banner was shown, for decision_ms
  const listeners = [];
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
  // Every change of state: stored, vendor cookies and signals, tags, listeners, the banner.
  const apply = () => {
    store();
    clearCookies(OPT.filter(k => !granted(k)));
    signal();
    platforms();
    scan();
    const detail = snapshot();
    listeners.forEach(fn => attempt(() => fn(detail)));
    w.dispatchEvent(new CustomEvent('consentbanner:change', {detail}));
    show();
    return detail;
  };
  // A write the backend refused: back to the last recorded state, or to no decision, so
  // that nothing stays granted in the browser that is not recorded (or queued).
  const rollback = () => {
    const r = load('_rec');
    state = r && r.site == SITE && r.visitorId == state.visitorId && Date.parse(r.expiresAt) > Date.now()
      && !(banner && r.version < banner.material_version) ? r : fresh(state.visitorId);
    apply();
  };
  // What the backend would refuse is refused here too: a grant without the legal-age
  // confirmation the site asks for (once given, it covers later changes of mind).
  const ageMissing = (choices, confirmed) => banner.behaviour.age_confirmation && OPT.some(k => choices[k])
    && !(state.age || root && ageOk() || confirmed);
  const decide = (choices, action, source, auto, confirmed) => {
    const before = cur(), now = new Date(), c = {necessary: true}, b = banner;
    const age = !!(state.age || root && ageOk() || confirmed);
    OPT.forEach(k => { c[k] = !!choices[k]; });
    if (action != 'gpc' && before && !OPT.some(k => c[k]) && OPT.some(k => before[k])) action = 'withdraw';
    state = {site: SITE, visitorId: state.visitorId, version: b.version, categories: c, updatedAt: now.toISOString(),
      expiresAt: new Date(+now + b.behaviour.consent_lifetime_days * 864e5).toISOString(), gpc: GPC, age, auto};
    const body = {visitor_id: state.visitorId, version: b.version, action, choices: c, language: b.language,
      source, gpc: GPC, page: loc.origin + loc.pathname, client_time: now.toISOString(), idempotency_key: uuid(),
      visitor_secret: secret(), decision_ms: shown == null ? null : Math.min(864e5, Math.round(performance.now() - shown)),
      s: state};
    if (b.behaviour.age_confirmation) body.age_confirmed = age;
    outbox.push(body);
    save('_queue', outbox);
    flush();
    return apply();
  };

  /* Banner */
  const fetchBanner = lang => fetch(API + '/banner' + (lang ? '?lang=' + lang : ''))
    .then(r => { if (!r.ok) throw r; return r.json(); });
  // Preloaded: the page's language if the site offers it, else what the GET gives without
  // ?lang; no request, so a stored choice is applied at once.
  const preloaded = LANGS.find(l => PRELOADED_LANGS.includes(l)) || PRELOADED_LANGS[0];
  const ready = (preloaded ? Promise.resolve(PRELOADED[preloaded]) : fetchBanner(LANGS[0]).then(b => {
    const better = LANGS.find(l => b.languages.includes(l));
    return better && better != b.language ? fetchBanner(better) : b;
  })).then(b => { save('_banner', b); return b; }, e => {
    if (cached) return cached;  // backend down: the last banner seen still works
    throw e;
  }).then(b => {
    const was = JSON.stringify(eff());
    banner = b;
    addHosts(b.vendors);
    if (cur() && state.version < b.material_version) {
      // Material change: ask again, the region's defaults meanwhile.
      state = fresh(state.visitorId);
      store();
    }
    // What is in force changed: that, or the policy (a first visit, another country).
    if (JSON.stringify(eff()) != was) {
      clearCookies(OPT.filter(k => !granted(k)));
      signal();
      platforms();
    }
    if (pendingGpc) {
      if (b.behaviour.honour_gpc) decide(Object.assign({}, eff(), {advertising: false}), 'gpc', 'gpc', !cur());
      else if (cur()) { state = stored(); signal(); scan(); }
    }
    render();
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
    // Its CSS as a constructed sheet: a strict CSP (style-src 'self') blocks <style> and style="".
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(banner.styles || '');
    root.adoptedStyleSheets = [sheet];
    [bar, dialog, reopen] = ['.bar', '.dlg', '.re'].map(s => root.querySelector(s));
    // Where a grant without the legal-age confirmation is explained in words, not only in red.
    $$('[data-age]').forEach(x => {
      const p = d.createElement('p');
      p.setAttribute('role', 'alert');
      p.hidden = true;
      x.closest('label').after(p);
    });
    root.addEventListener('click', e => {
      const el = e.target.closest('[data-action]');
      if (el) act(el.dataset.action, el);
    });
    root.addEventListener('change', e => {
      // The two age boxes (first layer and dialog) are one answer.
      if (e.target.dataset.age != null) $$('[data-age]').forEach(x => { x.checked = e.target.checked; warn(x); });
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
    // At once, before <body> exists when the banner is preloaded: visible at first paint.
    d.body ? d.body.prepend(host) : html.append(host);
    show();
  };
  const focusable = () => [...dialog.querySelectorAll('button,a,input:not(:disabled)')];
  const show = () => {
    if (!root) return;
    const was = bar.hidden, inside = root.activeElement;
    if (dialog.open) dialog.close();
    bar.hidden = cur() && !state.auto;
    reopen.hidden = !bar.hidden;
    shown = bar.hidden ? null : shown == null ? performance.now() : shown;
    ageBoxes();
    if (inside && bar.hidden) reopen.focus();
    if (was && !bar.hidden && load('_seen') != SITE + banner.version) {
      save('_seen', SITE + banner.version);
      post('/impressions', {version: banner.version, language: banner.language, visitor_id: state.visitorId}).catch(noop);
    }
  };
  // Once confirmed, the age box stays ticked (and cannot be unticked: it is on record).
  const ageBoxes = () => $$('[data-age]').forEach(x => {
    x.disabled = !!state.age;
    if (state.age) x.checked = true;
  });
  // Until the banner documents carry texts.age_required, which wins.
  const AGE = {ar: 'يرجى تأكيد بلوغك السن القانونية قبل السماح بملفات تعريف الارتباط الاختيارية.',
    en: 'Please confirm that you are of legal age before allowing optional cookies.'};
  const warn = (box, on) => {
    const p = box.closest('label').nextSibling;
    on ? box.setAttribute('aria-invalid', 'true') : box.removeAttribute('aria-invalid');
    p.hidden = !on;
    p.textContent = on ? banner.texts.age_required || AGE[banner.language] || AGE.en : '';
  };
  const openPrefs = from => {
    opener = from;
    $$('[data-category]').forEach(x => { x.checked = granted(x.dataset.category); });
    ageBoxes();
    bar.hidden = reopen.hidden = true;
    if (shown == null) shown = performance.now();
    dialog.showModal();
  };
  const act = (action, el) => {
    const source = el.closest('.dlg') ? 'preferences' : 'banner', choices = {};
    $$('[data-category]').forEach(x => { choices[x.dataset.category] = x.checked; });
    if (action == 'customize' || action == 'open') return openPrefs(el);
    if (action == 'close') return dialog.close();
    const picked = action == 'save' ? choices : all(action == 'accept-all');
    if (ageMissing(picked)) {  // granting needs the confirmation; refusing never does
      const box = el.closest('section,.dlg').querySelector('[data-age]');
      warn(box, 1);
      return box.focus();
    }
    decide(picked, action == 'save' ? 'custom' : action.replace('-', '_'), source);
  };

  /* Public API: the only global */
  // A grant the site's legal-age rule would refuse rejects the Promise and changes nothing;
  // {ageConfirmed: true} passes the confirmation the caller obtained.
  const later = fn => (a, b) => ready.then(() => fn(a, b));
  const grant = (choices, action, o) => {
    const confirmed = !!o && o.ageConfirmed === true;
    if (ageMissing(choices, confirmed)) throw Error('ConsentBanner: this site asks for the legal-age confirmation before a grant; pass {ageConfirmed: true} once the visitor has given it');
    return decide(choices, action, 'api', 0, confirmed);
  };
  w.ConsentBanner = Object.freeze({
    get: snapshot,
    ready: readyPromise,
    acceptAll: later(o => grant(all(true), 'accept_all', o)),
    rejectAll: later(() => decide(all(false), 'reject_all', 'api')),
    set: later((choices, o) => grant(Object.assign({}, eff(), choices), 'custom', o)),
    withdraw: later(() => decide(all(false), 'withdraw', 'api')),
    open: later(() => whenParsed(() => openPrefs(reopen))),
    on: (name, fn) => { if (name == 'change') listeners.push(fn); }
  });
})();
