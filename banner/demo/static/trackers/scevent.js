/* Demo stand-in for Snap's scevent.min.js (Snap Pixel), so the demo works offline.
   Like the real one it installs snaptr.handleRequest and replays the stub's queue;
   'init' writes the _scid cookie. It announces itself for the demo. */
(function () {
  'use strict';
  var w = window, d = document, snaptr = w.snaptr;
  if (!snaptr || snaptr.__demo) return;

  function announce(detail) {
    if (detail.loaded) (w.__trackers = w.__trackers || []).push('snapchat');
    detail.vendor = 'snapchat';
    w.dispatchEvent(new CustomEvent('demo:tracker', {detail: detail}));
  }
  function setCookie(name, value, days) {
    if (new RegExp('(^|; )' + name + '=').test(d.cookie)) return;
    d.cookie = name + '=' + value + '; Path=/; Max-Age=' + days * 86400 + '; SameSite=Lax';
    announce({cookie: name});
  }

  function run(args) {
    args = [].slice.call(args);
    if (args[0] === 'init') setCookie('_scid', crypto.randomUUID(), 395);
    snaptr.sent = (snaptr.sent || []).concat([args]);
  }

  snaptr.__demo = true;
  snaptr.handleRequest = function () { run(arguments); };
  announce({loaded: true, id: null});
  (snaptr.queue || []).splice(0).forEach(run);
})();
