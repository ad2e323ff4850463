/*! Consent banner snippet. Contract: DESIGN.md section 5. */
(() => {
  'use strict';

  /* Settings, from the install tag */

  if (window.ConsentBanner) return;
  const htmlElement = document.documentElement;
  const installTag = document.currentScript;
  const tagData = installTag.dataset;
  // A CSP nonce on the install tag: gated scripts must carry the same one (browsers hide the
  // attribute, the property keeps it), so injected markup never becomes running script.
  const NONCE = installTag.nonce;
  // The per-site script carries the site's published banners, {language: banner JSON} (the
  // first the one the banner GET gives without ?lang), put in place of the marker when
  // served (banner/api/site_script.py); the static snippet has none and asks for them.
  const PRELOADED = /*preloaded*/{};
  const PRELOADED_LANGUAGES = Object.keys(PRELOADED);
  const SITE = tagData.site
    || PRELOADED_LANGUAGES.length && PRELOADED[PRELOADED_LANGUAGES[0]].site;
  const STORAGE_KEY = 'consent_banner';
  const OPTIONAL = ['functional', 'analytics', 'advertising'];
  const API = (tagData.api || new URL(installTag.src).origin).replace(/\/$/, '')
    + '/v1/sites/' + encodeURIComponent(SITE);
  const GPC = navigator.globalPrivacyControl === true;
  const PAGE_LANGUAGES = [tagData.lang, htmlElement.lang, ...navigator.languages]
    .map(language => String(language).toLowerCase().split(/[-_]/)[0])
    .filter(language => /^[a-z]{2}$/.test(language));
  // Vendor cookies cleared when their category is refused, and hosts whose scripts are held
  // from the start (the site's catalogue adds more).
  const COOKIE_PATTERNS = {};
  const HOST_CATEGORY = {};
  const addHosts = vendors => (vendors || []).forEach(vendor => vendor.hosts.forEach(host => {
    HOST_CATEGORY[host] = vendor.category;
  }));
  // {category: [cookie regex source, ...hosts]} of banner/vendors.py, put in place of the
  // marker when served (banner/snippet.py): the catalogue is never copied by hand.
  for (const [category, [cookies, ...hosts]] of Object.entries(/*catalogue*/{})) {
    COOKIE_PATTERNS[category] = RegExp(cookies);
    addHosts([{category, hosts}]);
  }

  /* Helpers (storage access guarded: private modes throw) */

  const noop = () => {};
  const attempt = action => {
    try {
      return action();
    } catch (error) {
      return undefined;
    }
  };
  const load = suffix => attempt(() => JSON.parse(localStorage.getItem(STORAGE_KEY + suffix)));
  const save = (suffix, value) => attempt(() => {
    localStorage.setItem(STORAGE_KEY + suffix, JSON.stringify(value));
  });
  // randomUUID needs a secure context; blob URLs end in a UUID.
  const uuid = () => crypto.randomUUID
    ? crypto.randomUUID() : URL.createObjectURL(new Blob()).slice(-36);
  // 192 random bits in base64url (32 characters, no padding).
  const randomSecret = () => btoa(
    String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))
    .replace(/\+/g, '-').replace(/\//g, '_');
  // Only http(s) URLs, resolved against the page, are ever activated: never javascript: or data:.
  const webUrl = url => url && attempt(() => {
    const resolved = new URL(url, location.href);
    return /^https?:$/.test(resolved.protocol) && resolved.href;
  });
  const everyOptional = value => ({functional: value, analytics: value, advertising: value});
  // A string body is text/plain: no CORS preflight.
  const post = (path, body) => fetch(API + path, {
    method: 'POST', body: JSON.stringify(body), keepalive: true, credentials: 'omit'});
  // Trusted Types: a store that requires them (trusted-types consent-banner) lets the
  // snippet put in the page only what went through its one policy: the server's rendered
  // and escaped markup, and the gated scripts the snippet has decided to run.
  let trustedTypesPolicy;
  const trusted = (kind, value) => {
    if (!window.trustedTypes) return value;
    trustedTypesPolicy = trustedTypesPolicy || attempt(() => trustedTypes.createPolicy(
      'consent-banner', {createHTML: noCheck, createScriptURL: noCheck, createScript: noCheck}));
    return trustedTypesPolicy ? trustedTypesPolicy[kind](value) : value;
  };
  // Each caller has checked what it passes (its origin, http(s), the install tag's nonce).
  const noCheck = value => value;

  /* Stored choice */

  const freshState = visitorId => ({site: SITE, visitorId: visitorId || uuid()});
  const store = () => {
    const maxAge = Math.max(0, (Date.parse(state.expiresAt) - Date.now()) / 1e3 | 0);
    const secure = location.protocol == 'https:' ? '; Secure' : '';
    attempt(() => {
      document.cookie = `${STORAGE_KEY}=${encodeURIComponent(JSON.stringify(state))}; Path=/; `
        + `SameSite=Lax; Max-Age=${maxAge}${secure}`;
    });
    save('', state);
  };
  const storedState = () => attempt(() => JSON.parse(decodeURIComponent(
    document.cookie.match(`(?:^|; )${STORAGE_KEY}=([^;]*)`)[1]))) || load('');
  let state = storedState();
  if (!state || state.site != SITE) state = freshState();
  else if (!(Date.parse(state.expiresAt) > Date.now())) state = freshState(state.visitorId);
  // The visitor's secret, [visitorId, secret], in localStorage only: never in the cookie the
  // store's server receives, never in dataLayer or get(). The backend refuses a write for
  // this visitor id without it, so knowing the id is not enough to change the choice.
  let visitorKey = load('_key');
  const visitorSecret = () => {
    if (!visitorKey || visitorKey[0] != state.visitorId) {
      save('_key', visitorKey = [state.visitorId, randomSecret()]);
    }
    return visitorKey[1];
  };
  const cachedBanner = load('_banner');
  let banner;
  addHosts(cachedBanner && cachedBanner.vendors);
  // GPC opts out of advertising at once; recorded once the banner confirms honour_gpc.
  const pendingGpc = GPC
    && (!state.categories || !state.gpc && state.categories.advertising);
  if (pendingGpc && state.categories && (!cachedBanner || cachedBanner.behaviour.honour_gpc)) {
    state.categories.advertising = false;
  }
  const decided = () => state.categories;
  // The region's policy (the server decides it from the visitor's country): in opt-out,
  // optional categories are on until the visitor refuses, advertising off under an honoured
  // GPC. Opt-in until a first banner answer; a site asking for the legal-age confirmation
  // never grants without it, so it stays opt-in.
  const regionDefaults = (known = banner || cachedBanner) => known && known.policy
    && known.policy.mode == 'opt_out' && !known.behaviour.age_confirmation
    ? Object.assign({necessary: true}, everyOptional(true),
      {advertising: !(GPC && known.behaviour.honour_gpc)})
    : null;
  const inForce = () => decided() || regionDefaults();
  const granted = category => category == 'necessary' || !!(inForce() && inForce()[category]);
  const snapshot = () => decided() ? {
    visitorId: state.visitorId, version: state.version,
    categories: Object.assign({}, decided()),
    updatedAt: state.updatedAt, expiresAt: state.expiresAt} : null;

  /* Vendor signals, set before any tag runs */

  const dataLayer = window.dataLayer = window.dataLayer || [];
  const uetQueue = window.uetq = window.uetq || [];
  function gtag() {  // gtag.js reads Arguments objects, not arrays
    dataLayer.push(arguments);
  }
  const consentMode = category => granted(category) ? 'granted' : 'denied';
  const googleConsent = () => {
    const advertising = consentMode('advertising');
    const functional = consentMode('functional');
    return {ad_storage: advertising, ad_user_data: advertising,
      ad_personalization: advertising, analytics_storage: consentMode('analytics'),
      functionality_storage: functional, personalization_storage: functional,
      security_storage: 'granted'};
  };
  gtag('consent', 'default', Object.assign(googleConsent(), {wait_for_update: 500}));
  uetQueue.push('consent', 'default', {ad_storage: 'denied'});
  // Pixels appearing later are told once per state.
  const toldState = {};
  const tellPixel = (name, tell) => {
    const now = JSON.stringify(inForce());
    if (window[name] && toldState[name] != now) {
      toldState[name] = now;
      attempt(tell);
    }
  };
  const tellPixels = () => {
    const advertising = granted('advertising');
    tellPixel('fbq', () => window.fbq('consent', advertising ? 'grant' : 'revoke'));
    tellPixel('ttq', () => window.ttq[inForce()
      ? advertising ? 'grantConsent' : 'revokeConsent' : 'holdConsent']());
  };
  const sendSignals = () => {
    gtag('consent', 'update', googleConsent());
    // Before a decision in an opt-out region: the categories in force, for tag managers.
    dataLayer.push({event: 'consentbanner_change',
      consentbanner: snapshot() || inForce() && {categories: inForce()}});
    uetQueue.push('consent', 'update', {ad_storage: consentMode('advertising')});
    tellPixels();
  };

  /* Platforms, as their published code reads them (tests/browser/test_platform_*.py) */

  // Shopify: Hydrogen leaves Shopify.customerPrivacy without setTrackingConsent until the API
  // has loaded and Hydrogen has wrapped it with the storefront's settings, then dispatches
  // shopifyCustomerPrivacyApiLoaded (it loads the API itself); Online Store themes have
  // loadFeatures.
  let shopifyWaits = false;
  const shopify = () => {
    const Shopify = window.Shopify;
    const privacy = Shopify && Shopify.customerPrivacy;
    const advertising = granted('advertising');
    if (privacy && typeof privacy.setTrackingConsent == 'function') {
      privacy.setTrackingConsent({analytics: granted('analytics'), marketing: advertising,
        preferences: granted('functional'), sale_of_data: advertising}, noop);
    } else if (Shopify && typeof Shopify.loadFeatures == 'function') {
      Shopify.loadFeatures([{name: 'consent-tracking-api', version: '0.1'}],
        error => error || attempt(shopify));
    } else if (!shopifyWaits) {
      shopifyWaits = true;
      document.addEventListener('shopifyCustomerPrivacyApiLoaded', () => attempt(shopify));
    }
  };
  // Salla: its cookie bar deletes, on every page, the tracker cookies of each category whose
  // cookie is not 'true'; its analytics keeps user ids and IPs only while 'cookies-consent' is
  // 'accepted', and follows a change only when told before the new state is stored.
  const SALLA_CATEGORY = {necessary: 'necessary', analytics: 'performance',
    functional: 'functional', advertising: 'advertising'};
  const sallaCookies = () => {
    // As long as the choice lasts; a region's defaults (no choice yet) for the session only.
    const expires = state.expiresAt
      ? '; Expires=' + new Date(state.expiresAt).toUTCString() : '';
    for (const category in SALLA_CATEGORY) {
      document.cookie = `${SALLA_CATEGORY[category]}_cookies=${granted(category)}${expires}; `
        + 'Path=/; SameSite=Lax; Secure';
    }
  };
  // The store's footer link "cookie settings" asks Salla's bar to open: ours opens instead.
  let sallaHooked = false;
  const sallaSettingsLink = () => {
    const Salla = window.Salla;
    if (Salla && Salla.event && !sallaHooked) {
      sallaHooked = true;
      Salla.event.on('salla-cookies-bar::open', () => window.ConsentBanner.open());
    }
  };
  const salla = () => {
    const Salla = window.Salla;
    const value = granted('analytics') ? 'accepted' : 'rejected';
    if (!Salla) return;
    sallaSettingsLink();
    sallaCookies();
    Salla.event.emit('salla-cookies-bar::' + value);
    Salla.storage.set('cookies-consent', value);
  };
  // A Salla store that has the choice (its SDK is not loaded yet): its bar may read the
  // category cookies before ours is asked again, and a choice from before they were written
  // would lose every tracker cookie.
  if (decided() && attempt(() => localStorage.getItem('cookies-consent'))) attempt(sallaCookies);
  const tellPlatforms = () => {
    attempt(shopify);
    attempt(salla);
  };
  // Salla's bar never shows beside ours. A constructed style sheet needs no CSP exception.
  attempt(() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('salla-cookies-bar{display:none!important}');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  });
  if (inForce()) sendSignals();
  else tellPixels();

  /* Gating, scripts in order */

  // A stored choice runs tags once the banner is known (preloaded: at once; else the
  // banner's answer says it still holds, or 3 s pass, or the request fails).
  const handled = new WeakSet();
  const queue = [];
  let running = false;
  let settled = false;
  let announced = false;
  let resolveReady;
  // ConsentBanner.ready and the consentbanner:ready event, once the stored choice (or its
  // absence) is applied: tags present then released or held, signals set, banner shown.
  const readyPromise = new Promise(resolve => {
    resolveReady = resolve;
  });
  const announceReady = () => {
    if (announced) return;
    announced = true;
    const detail = snapshot();
    resolveReady(detail);
    document.dispatchEvent(new CustomEvent('consentbanner:ready', {detail}));
  };
  const settle = () => {
    settled = true;
    scan();
    whenParsed(announceReady);
  };
  const scan = () => {
    if (!settled) return;
    document.querySelectorAll('[data-consent]').forEach(element => {
      if (!handled.has(element) && granted(element.dataset.consent)) {
        handled.add(element);
        queue.push(element);
      }
    });
    runNext();
  };
  const runNext = () => {
    const element = !running && queue.shift();
    if (!element) return;
    const given = element.dataset.src || element.getAttribute('src');
    const url = webUrl(given);
    if (element.tagName != 'SCRIPT') {
      if (element.dataset.src && url) element.src = url;
      return runNext();
    }
    // Never run: a URL that is not http(s); under a nonce, markup without it (what other
    // apps' code inserted is exempt: 'strict-dynamic' trusts it the same way).
    if (given && !url || NONCE && element.nonce != NONCE && !insertedByCode.has(element)) {
      return runNext();
    }
    const script = document.createElement('script');
    handled.add(script);
    for (const attribute of element.attributes) {
      if (!/^(type|src|data-src|data-type)$/.test(attribute.name)) {
        script.setAttribute(attribute.name, attribute.value);
      }
    }
    if (element.dataset.type) script.type = element.dataset.type;
    script.nonce = element.nonce;
    const finished = () => {
      running = false;
      tellPixels();
      runNext();
    };
    if (url) {
      running = true;
      script.async = false;
      script.onload = script.onerror = finished;
      script.src = trusted('createScriptURL', url);
    } else {
      script.text = trusted('createScript', element.text);
    }
    element.replaceWith(script);
    if (!url) finished();
  };

  // Scripts other apps add for a catalogue host become gated markup before they load.
  const insertedByCode = new WeakSet();
  const isHeld = element => element.dataset.consent && !handled.has(element);
  // byCode: its src was set by a script (not parsed from markup an attacker could inject).
  const hold = (element, byCode) => {
    const url = attempt(() => new URL(element.getAttribute('src'), location.href));
    // gtm.js runs: Consent Mode governs its tags.
    const category = url && !/\/gtm\.js$/.test(url.pathname) && HOST_CATEGORY[url.hostname];
    if (category && !(settled && granted(category)) && !element.dataset.consent
        && !handled.has(element)) {
      if (element.type) element.dataset.type = element.type;
      element.setAttribute('type', 'text/plain');
      element.dataset.consent = category;
      if (byCode) insertedByCode.add(element);
    }
  };
  const scriptPrototype = HTMLScriptElement.prototype;
  const setAttribute = Element.prototype.setAttribute;
  const srcProperty = Object.getOwnPropertyDescriptor(scriptPrototype, 'src');
  Object.defineProperty(scriptPrototype, 'src', {
    configurable: true,
    get: srcProperty.get,
    set(value) {
      srcProperty.set.call(this, value);
      hold(this, true);
    },
  });
  scriptPrototype.setAttribute = function (name, value) {
    name = String(name).toLowerCase();
    setAttribute.call(this, name == 'type' && isHeld(this) ? 'data-type' : name, value);
    if (name == 'src') hold(this, true);
  };
  new MutationObserver(mutations => {
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        if (node.tagName == 'SCRIPT' && node.src) hold(node);
      }
    }
    if (document.readyState != 'loading') scan();
  }).observe(htmlElement, {childList: true, subtree: true});
  const whenParsed = action => document.readyState == 'loading'
    ? document.addEventListener('DOMContentLoaded', action) : action();
  whenParsed(() => {
    scan();
    tellPixels();
    attempt(sallaSettingsLink);
  });
  window.addEventListener('load', () => attempt(sallaSettingsLink));

  /* Delivery: queued in localStorage until the backend has it */

  // Each item is the POST body plus `s`, the state it records (JSON leaves undefined out).
  let outbox = load('_queue') || [];
  let flushing = false;
  let retries = 0;
  const renewed = new Set();
  const flush = () => {
    const item = !flushing && outbox[0];
    if (!item) return;
    const idempotencyKey = item.idempotency_key;
    flushing = true;
    post('/consents', Object.assign({}, item, {s: undefined})).then(response => {
      const status = response.status;
      if (status >= 500 || status == 408 || status == 429) throw response;
      outbox = (load('_queue') || outbox).filter(other => other.idempotency_key != idempotencyKey);
      if (status == 403 && !renewed.has(idempotencyKey)) {
        // The secret is lost (storage cleared, cookie kept): a new visitor id and secret, and
        // the decision again under them; the visitor can always decide.
        renewed.add(idempotencyKey);
        const oldVisitorId = item.visitor_id;
        if (oldVisitorId == state.visitorId) {
          state.visitorId = uuid();
          store();
        }
        outbox.unshift(item);
        outbox.forEach(other => {
          if (other.visitor_id != oldVisitorId) return;
          other.visitor_id = state.visitorId;
          other.visitor_secret = visitorSecret();
          if (other.s) other.s.visitorId = state.visitorId;
        });
      } else if (status < 300) {
        if (item.s) save('_rec', item.s);
      } else if (item.client_time == state.updatedAt) {
        // Refused (it would fail again): not retried, and if it is the choice in force, undone.
        rollback();
      }
      save('_queue', outbox);
      flushing = false;
      retries = 0;
      flush();
    }).catch(() => {
      flushing = false;
      setTimeout(flush, Math.min(6e4, 2e3 * 2 ** retries++));
    });
  };
  window.addEventListener('online', flush);
  flush();

  /* Decisions */

  let shadow;
  let shownAt = null;  // performance.now() when the banner was shown, for decision_ms
  const listeners = [];
  const clearCookies = categories => {
    const domainParts = location.hostname.split('.');
    for (const pair of document.cookie.split('; ')) {
      const name = pair.split('=')[0];
      if (!categories.some(category => COOKIE_PATTERNS[category]
          && COOKIE_PATTERNS[category].test(name))) continue;
      for (let i = 0; i <= domainParts.length; i++) {
        const domain = i < domainParts.length ? '; Domain=' + domainParts.slice(i).join('.') : '';
        document.cookie = `${name}=; Max-Age=0; Path=/${domain}`;
      }
    }
  };
  const refusedCategories = () => OPTIONAL.filter(category => !granted(category));
  // Every change of state: stored, vendor cookies and signals, tags, listeners, the banner.
  const apply = () => {
    store();
    clearCookies(refusedCategories());
    sendSignals();
    tellPlatforms();
    scan();
    const detail = snapshot();
    listeners.forEach(listener => attempt(() => listener(detail)));
    window.dispatchEvent(new CustomEvent('consentbanner:change', {detail}));
    show();
    return detail;
  };
  // A write the backend refused: back to the last recorded state, or to no decision, so
  // that nothing stays granted in the browser that is not recorded (or queued).
  const rollback = () => {
    const recorded = load('_rec');
    const usable = recorded && recorded.site == SITE && recorded.visitorId == state.visitorId
      && Date.parse(recorded.expiresAt) > Date.now()
      && !(banner && recorded.version < banner.material_version);
    state = usable ? recorded : freshState(state.visitorId);
    apply();
  };
  const ageConfirmed = confirmed => !!(state.age || shadow && ageBoxTicked() || confirmed);
  // What the backend would refuse is refused here too: a grant without the legal-age
  // confirmation the site asks for (once given, it covers later changes of mind).
  const ageMissing = (choices, confirmed) => banner.behaviour.age_confirmation
    && OPTIONAL.some(category => choices[category]) && !ageConfirmed(confirmed);
  const decide = (choices, action, source, auto, confirmed) => {
    const before = decided();
    const now = new Date();
    const categories = {necessary: true};
    const behaviour = banner.behaviour;
    const age = ageConfirmed(confirmed);
    OPTIONAL.forEach(category => {
      categories[category] = !!choices[category];
    });
    if (action != 'gpc' && before && !OPTIONAL.some(category => categories[category])
        && OPTIONAL.some(category => before[category])) {
      action = 'withdraw';
    }
    state = {site: SITE, visitorId: state.visitorId, version: banner.version, categories,
      updatedAt: now.toISOString(),
      expiresAt: new Date(+now + behaviour.consent_lifetime_days * 864e5).toISOString(),
      gpc: GPC, age, auto};
    const decisionMs = shownAt == null
      ? null : Math.min(864e5, Math.round(performance.now() - shownAt));
    const body = {visitor_id: state.visitorId, version: banner.version, action,
      choices: categories, language: banner.language, source, gpc: GPC,
      page: location.origin + location.pathname, client_time: now.toISOString(),
      idempotency_key: uuid(), visitor_secret: visitorSecret(), decision_ms: decisionMs,
      s: state};
    if (behaviour.age_confirmation) body.age_confirmed = age;
    outbox.push(body);
    save('_queue', outbox);
    flush();
    return apply();
  };

  /* Banner: preloaded, else asked for */

  const fetchBanner = language => fetch(API + '/banner' + (language ? '?lang=' + language : ''))
    .then(response => {
      if (!response.ok) throw response;
      return response.json();
    });
  // Preloaded: the page's language if the site offers it, else what the GET gives without
  // ?lang; no request, so a stored choice is applied at once.
  const preloadedLanguage = PAGE_LANGUAGES.find(language => PRELOADED_LANGUAGES.includes(language))
    || PRELOADED_LANGUAGES[0];
  const askForBanner = () => fetchBanner(PAGE_LANGUAGES[0]).then(answer => {
    const better = PAGE_LANGUAGES.find(language => answer.languages.includes(language));
    return better && better != answer.language ? fetchBanner(better) : answer;
  });
  const bannerKnown = (preloadedLanguage
    ? Promise.resolve(PRELOADED[preloadedLanguage]) : askForBanner()).then(answer => {
    save('_banner', answer);
    return answer;
  }, error => {
    if (cachedBanner) return cachedBanner;  // backend down: the last banner seen still works
    throw error;
  }).then(answer => {
    const before = JSON.stringify(inForce());
    banner = answer;
    addHosts(answer.vendors);
    if (decided() && state.version < answer.material_version) {
      // Material change: ask again, the region's defaults meanwhile.
      state = freshState(state.visitorId);
      store();
    }
    // What is in force changed: that, or the policy (a first visit, another country).
    if (JSON.stringify(inForce()) != before) {
      clearCookies(refusedCategories());
      sendSignals();
      tellPlatforms();
    }
    if (pendingGpc) {
      if (answer.behaviour.honour_gpc) {
        decide(Object.assign({}, inForce(), {advertising: false}), 'gpc', 'gpc', !decided());
      } else if (decided()) {
        state = storedState();
        sendSignals();
        scan();
      }
    }
    render();
    return answer;
  });
  bannerKnown.then(settle, settle);
  setTimeout(settle, 3e3);

  /* UI, in an open shadow root out of the theme's reach */

  let firstLayer;
  let dialog;
  let reopenButton;
  let opener;
  const inBanner = selector => [...shadow.querySelectorAll(selector)];
  const ageBoxTicked = () => inBanner('[data-age]').some(box => box.checked);
  const render = () => {
    const host = document.createElement('div');
    host.id = 'consent-banner';
    shadow = host.attachShadow({mode: 'open'});
    shadow.innerHTML = trusted('createHTML', banner.markup);  // rendered and escaped by the server
    // Its CSS as a constructed sheet: a strict CSP (style-src 'self') blocks <style> and style="".
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(banner.styles || '');
    shadow.adoptedStyleSheets = [sheet];
    [firstLayer, dialog, reopenButton] = ['.bar', '.dlg', '.re'].map(
      selector => shadow.querySelector(selector));
    // Where a grant without the legal-age confirmation is explained in words, not only in red.
    inBanner('[data-age]').forEach(box => {
      const alert = document.createElement('p');
      alert.setAttribute('role', 'alert');
      alert.hidden = true;
      box.closest('label').after(alert);
    });
    shadow.addEventListener('click', event => {
      const button = event.target.closest('[data-action]');
      if (button) act(button.dataset.action, button);
    });
    shadow.addEventListener('change', event => {
      // The two age boxes (first layer and dialog) are one answer.
      if (event.target.dataset.age == null) return;
      inBanner('[data-age]').forEach(box => {
        box.checked = event.target.checked;
        warn(box);
      });
    });
    // Tab cycles within the modal dialog.
    shadow.addEventListener('keydown', event => {
      if (!dialog.open || event.key != 'Tab') return;
      const items = focusable();
      const edge = items[event.shiftKey ? 0 : items.length - 1];
      if (shadow.activeElement == edge) {
        event.preventDefault();
        items[event.shiftKey ? items.length - 1 : 0].focus();
      }
    });
    dialog.addEventListener('close', () => {  // Esc, the close button or a decision
      show();
      // Back to the opener if it is still on the page and shown: a removed element, or one
      // under display: none (hidden, or the re-open control set to none), has no box.
      if (opener && opener.getClientRects().length) opener.focus();
    });
    // At once, before <body> exists when the banner is preloaded: visible at first paint.
    if (document.body) document.body.prepend(host);
    else htmlElement.append(host);
    show();
  };
  const focusable = () => [...dialog.querySelectorAll('button,a,input:not(:disabled)')];
  const show = () => {
    if (!shadow) return;
    const wasHidden = firstLayer.hidden;
    const focusInside = shadow.activeElement;
    if (dialog.open) dialog.close();
    firstLayer.hidden = decided() && !state.auto;
    reopenButton.hidden = !firstLayer.hidden;
    shownAt = firstLayer.hidden ? null : shownAt == null ? performance.now() : shownAt;
    updateAgeBoxes();
    if (focusInside && firstLayer.hidden) reopenButton.focus();
    if (wasHidden && !firstLayer.hidden) countDisplay();
  };
  // A display counts once per visitor, version and day of the site (the denominator of
  // consent rates): posted again for another version or once the time in the answer's
  // Display-Counted-Until (the site's next midnight) has passed. Saved only once answered,
  // so a failed post is retried at the next display; one post at a time.
  let counting;
  const countDisplay = () => {
    const seen = load('_seen') || {};
    const key = SITE + banner.version;
    if (counting || seen.key == key && Date.now() < seen.until) return;
    counting = post('/impressions', {version: banner.version, language: banner.language,
      visitor_id: state.visitorId})
      .then(response => {
        const until = response.ok && Date.parse(response.headers.get('Display-Counted-Until'));
        if (until) save('_seen', {key, until});
      })
      .catch(noop)
      .then(() => {
        counting = null;
      });
  };
  // Once confirmed, the age box stays ticked (and cannot be unticked: it is on record).
  const updateAgeBoxes = () => inBanner('[data-age]').forEach(box => {
    box.disabled = !!state.age;
    if (state.age) box.checked = true;
  });
  // Until the banner documents carry texts.age_required, which wins.
  const AGE_REQUIRED = {
    ar: 'يرجى تأكيد بلوغك السن القانونية قبل السماح بملفات تعريف الارتباط الاختيارية.',
    en: 'Please confirm that you are of legal age before allowing optional cookies.'};
  const warn = (box, on) => {
    const alert = box.closest('label').nextSibling;
    if (on) box.setAttribute('aria-invalid', 'true');
    else box.removeAttribute('aria-invalid');
    alert.hidden = !on;
    alert.textContent = on ? banner.texts.age_required || AGE_REQUIRED[banner.language]
      || AGE_REQUIRED.en : '';
  };
  const openPreferences = from => {
    opener = from;
    inBanner('[data-category]').forEach(toggle => {
      toggle.checked = granted(toggle.dataset.category);
    });
    updateAgeBoxes();
    firstLayer.hidden = reopenButton.hidden = true;
    if (shownAt == null) shownAt = performance.now();
    dialog.showModal();
  };
  const act = (action, button) => {
    const source = button.closest('.dlg') ? 'preferences' : 'banner';
    const choices = {};
    inBanner('[data-category]').forEach(toggle => {
      choices[toggle.dataset.category] = toggle.checked;
    });
    if (action == 'customize' || action == 'open') return openPreferences(button);
    if (action == 'close') return dialog.close();
    const picked = action == 'save' ? choices : everyOptional(action == 'accept-all');
    if (ageMissing(picked)) {  // granting needs the confirmation; refusing never does
      const box = button.closest('section,.dlg').querySelector('[data-age]');
      warn(box, true);
      return box.focus();
    }
    return decide(picked, action == 'save' ? 'custom' : action.replace('-', '_'), source);
  };

  /* Public API: the only global */

  // A grant the site's legal-age rule would refuse rejects the Promise and changes nothing;
  // {ageConfirmed: true} passes the confirmation the caller obtained.
  const afterBanner = call => (first, second) => bannerKnown.then(() => call(first, second));
  const grant = (choices, action, options) => {
    const confirmed = !!options && options.ageConfirmed === true;
    if (ageMissing(choices, confirmed)) {
      throw Error('ConsentBanner: this site asks for the legal-age confirmation before a '
        + 'grant; pass {ageConfirmed: true} once the visitor has given it');
    }
    return decide(choices, action, 'api', false, confirmed);
  };
  window.ConsentBanner = Object.freeze({
    get: snapshot,
    ready: readyPromise,
    acceptAll: afterBanner(options => grant(everyOptional(true), 'accept_all', options)),
    rejectAll: afterBanner(() => decide(everyOptional(false), 'reject_all', 'api')),
    set: afterBanner((choices, options) => grant(
      Object.assign({}, inForce(), choices), 'custom', options)),
    withdraw: afterBanner(() => decide(everyOptional(false), 'withdraw', 'api')),
    open: () => {
      // Focus returns on close to what had it when the store asked, such as the store's own
      // "Cookie settings" link; the re-open button when that was nothing or the banner.
      const from = document.activeElement;
      return bannerKnown.then(() => whenParsed(() => openPreferences(
        from && from != document.body && from != shadow.host ? from : reopenButton)));
    },
    on: (name, listener) => {
      if (name == 'change') listeners.push(listener);
    },
  });
})();
