/* Demo stand-in for Google's gtag.js (Google Analytics and Google Ads), so the demo
   works offline. Like the real library it drains and then hooks window.dataLayer,
   follows Consent Mode ('consent' default/update) and writes its first-party cookies
   only when the matching storage is granted: _ga for a G- ID, _gcl_au for an AW- ID.
   It announces itself (window.__trackers, `demo:tracker`) so the demo page can show it. */
(function () {
  'use strict';
  var w = window, d = document;
  var me = d.currentScript;
  var id = me ? new URL(me.src, location.href).searchParams.get('id') || '' : '';
  var vendor = /^AW-/.test(id) ? 'google-ads' : 'google-analytics';

  function announce(who, detail) {
    if (detail.loaded) (w.__trackers = w.__trackers || []).push(who);
    detail.vendor = who;
    w.dispatchEvent(new CustomEvent('demo:tracker', {detail: detail}));
  }
  function rand() { return Math.floor(Math.random() * 2147483647); }
  function setCookie(name, value, days) {
    if (new RegExp('(^|; )' + name + '=').test(d.cookie)) return;
    d.cookie = name + '=' + value + '; Path=/; Max-Age=' + days * 86400 + '; SameSite=Lax';
    announce(/^_gcl/.test(name) ? 'google-ads' : 'google-analytics', {cookie: name});
  }

  // gtag.js may be loaded once per tag ID; the dataLayer is drained and hooked only once.
  var tag = w.__demoGtag;
  if (!tag) {
    tag = w.__demoGtag = {consent: {}, configs: []};
    var layer = w.dataLayer = w.dataLayer || [], push = layer.push;
    var now = function () { return Math.round(Date.now() / 1000); };
    var store = function () {  // what the real tag writes for each configured ID
      tag.configs.forEach(function (tagId) {
        if (/^G-/.test(tagId) && tag.consent.analytics_storage === 'granted') {
          setCookie('_ga', 'GA1.1.' + rand() + '.' + now(), 730);
          setCookie('_ga_' + tagId.slice(2), 'GS1.1.' + now() + '.1.0.' + now() + '.0.0.0', 730);
        }
        if (/^AW-/.test(tagId) && tag.consent.ad_storage === 'granted') {
          setCookie('_gcl_au', '1.1.' + rand() + '.' + now(), 90);
        }
      });
    };
    var run = function (entry) {
      // gtag() pushes its arguments object; plain objects are GTM-style events, skipped.
      if (Object.prototype.toString.call(entry) !== '[object Arguments]') return;
      if (entry[0] === 'consent') Object.assign(tag.consent, entry[2]);
      if (entry[0] === 'config' && tag.configs.indexOf(entry[1]) < 0) tag.configs.push(entry[1]);
      store();
    };
    layer.push = function () {
      var result = push.apply(layer, arguments);
      [].forEach.call(arguments, run);
      return result;
    };
    layer.forEach(run);
  }
  announce(vendor, {loaded: true, id: id});
})();
