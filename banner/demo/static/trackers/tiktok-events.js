/* Demo stand-in for TikTok's pixel library (events.js), so the demo works offline.
   Like the real one it replaces the ttq stub's methods and replays its queue, with
   TikTok's consent calls: holdConsent keeps events back, grantConsent releases them,
   revokeConsent drops them. _ttp is written with the first event sent. It announces
   itself for the demo. */
(function () {
  'use strict';
  var w = window, d = document, ttq = w[w.TiktokAnalyticsObject || 'ttq'];
  if (!ttq || ttq.__demo) return;

  function announce(detail) {
    if (detail.loaded) (w.__trackers = w.__trackers || []).push('tiktok');
    detail.vendor = 'tiktok';
    w.dispatchEvent(new CustomEvent('demo:tracker', {detail: detail}));
  }
  function setCookie(name, value, days) {
    if (new RegExp('(^|; )' + name + '=').test(d.cookie)) return;
    d.cookie = name + '=' + value + '; Path=/; Max-Age=' + days * 86400 + '; SameSite=Lax';
    announce({cookie: name});
  }

  var consent = 'default', held = [];
  function send(call) {
    setCookie('_ttp', Math.random().toString(36).slice(2) + Date.now().toString(36), 390);
    ttq.sent = (ttq.sent || []).concat([call]);
  }
  function run(call) {
    var method = call[0];
    if (method === 'holdConsent') consent = 'held';
    if (method === 'revokeConsent') { consent = 'revoked'; held = []; }
    if (method === 'grantConsent') { consent = 'granted'; held.splice(0).forEach(send); }
    if (method === 'page' || method === 'track') {
      if (consent === 'held') held.push(call);
      else if (consent !== 'revoked') send(call);
    }
    return ttq;
  }

  var queue = [].slice.call(ttq);
  ttq.length = 0;
  ttq.__demo = true;
  ttq.methods.forEach(function (method) {
    ttq[method] = function () { return run([method].concat([].slice.call(arguments))); };
  });
  ttq.push = function (call) { return run(call); };
  announce({loaded: true, id: null});
  queue.forEach(run);
})();
