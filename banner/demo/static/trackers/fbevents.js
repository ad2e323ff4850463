/* Demo stand-in for Meta's fbevents.js, so the demo works offline. Like the real
   library it takes over the fbq stub of the base code and replays its queue; events
   wait while consent is revoked (fbq('consent', 'revoke')) and flow on 'grant'. The
   _fbp cookie is written with the first event sent. It announces itself for the demo. */
(function () {
  'use strict';
  var w = window, d = document, fbq = w.fbq;
  if (!fbq || fbq.__demo) return;

  function announce(detail) {
    if (detail.loaded) (w.__trackers = w.__trackers || []).push('meta');
    detail.vendor = 'meta';
    w.dispatchEvent(new CustomEvent('demo:tracker', {detail: detail}));
  }
  function setCookie(name, value, days) {
    if (new RegExp('(^|; )' + name + '=').test(d.cookie)) return;
    d.cookie = name + '=' + value + '; Path=/; Max-Age=' + days * 86400 + '; SameSite=Lax';
    announce({cookie: name});
  }

  var pixels = [], granted = true, held = [];
  function send(args) {
    if (!pixels.length) return;
    setCookie('_fbp', 'fb.1.' + Date.now() + '.' + Math.floor(Math.random() * 1e10), 90);
    fbq.sent = (fbq.sent || []).concat([args]);
  }
  function run(args) {
    args = [].slice.call(args);
    if (args[0] === 'consent') {
      granted = args[1] !== 'revoke';
      if (granted) held.splice(0).forEach(send);
    } else if (args[0] === 'init') {
      pixels.push(args[1]);
    } else if (/^track/.test(args[0])) {
      granted ? send(args) : held.push(args);
    }
  }

  fbq.__demo = true;
  fbq.callMethod = function () { run(arguments); };
  announce({loaded: true, id: null});
  (fbq.queue || []).splice(0).forEach(run);
})();
