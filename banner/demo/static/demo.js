/* The demo panel: shows which of the store's trackers have loaded, the visitor's consent
   and the tracker cookies present. It only observes: it is not gated, adds no script,
   and touches the snippet only through its public API (DESIGN.md section 5). The
   stand-in trackers announce themselves with a `demo:tracker` event and record their
   name in window.__trackers, like the stand-ins of the browser tests. */
(function () {
  'use strict';

  var w = window, d = document;
  var panel = d.getElementById('demo-panel');
  if (!panel) return;
  var text = panel.dataset;  // the panel's texts, in the page's language
  var COOKIE = /^(_ga|_gid|_gcl_|_fbp$|_fbc$|_uet|_ttp$|_scid)/;
  var loaded = {};

  /* Helpers */
  function $(sel) { return panel.querySelector(sel); }
  function $$(sel) { return [].slice.call(panel.querySelectorAll(sel)); }
  function consent() { return w.ConsentBanner ? w.ConsentBanner.get() : null; }

  /* Rendering */
  function renderTrackers(now) {
    var items = $$('[data-tracker]');
    $('[data-role="count"]').textContent = items.filter(function (li) {
      return loaded[li.dataset.tracker];
    }).length + '/' + items.length;
    items.forEach(function (li) {
      var granted = now && now.categories[li.dataset.trackerCategory];
      // A tracker that ran keeps running until the page reloads, even after a withdrawal.
      var state = !loaded[li.dataset.tracker] ? 'waiting' : granted ? 'loaded' : 'withdrawn';
      li.dataset.state = state;
      li.querySelector('[data-role="state"]').textContent = text['text' + cap(state)];
    });
  }
  function renderConsent(now) {
    var when = now && new Date(now.updatedAt).toLocaleString(d.documentElement.lang);
    $('[data-role="consent-status"]').textContent = now
      ? text.textVersion + ' ' + now.version + ' · ' + when : text.textUndecided;
    $$('[data-consent-state]').forEach(function (dd) {
      var value = now ? (now.categories[dd.dataset.consentState] ? 'granted' : 'denied') : '';
      dd.dataset.value = value;
      dd.textContent = value ? text['text' + cap(value)] : '—';
    });
  }
  function renderCookies() {
    var names = d.cookie.split('; ').map(function (pair) { return pair.split('=')[0]; })
      .filter(function (name) { return COOKIE.test(name); });
    $('[data-role="cookies"]').textContent = names.length ? names.join(', ') : text.textNoCookies;
  }
  function render() {
    var now = consent();
    renderTrackers(now);
    renderConsent(now);
    renderCookies();
  }
  function cap(s) { return s.charAt(0).toUpperCase() + s.slice(1); }

  /* Events: the snippet's change event, the stand-ins' announcements */
  (w.__trackers || []).forEach(function (name) { loaded[name] = true; });
  w.addEventListener('consentbanner:change', render);
  w.addEventListener('demo:tracker', function (e) {
    if (e.detail && e.detail.loaded) loaded[e.detail.vendor] = true;
    render();
  });

  /* Actions */
  panel.addEventListener('click', function (e) {
    var button = e.target.closest('[data-demo]');
    if (!button) return;
    if (button.dataset.demo === 'open' && w.ConsentBanner) w.ConsentBanner.open();
    if (button.dataset.demo === 'reset') {
      // A new visitor: forget everything this origin stored in the browser, then reload.
      try { localStorage.clear(); } catch (err) { /* storage blocked: cookies still go */ }
      d.cookie.split('; ').forEach(function (pair) {
        d.cookie = pair.split('=')[0] + '=; Max-Age=0; Path=/';
      });
      location.reload();
    }
  });

  // On a phone the open panel would fill the first screen: start folded (count visible).
  if (w.matchMedia('(max-width: 1199px)').matches) $('details').open = false;
  render();
})();
