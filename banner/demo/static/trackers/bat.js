/* Demo stand-in for Microsoft Advertising's bat.js (UET), so the demo works offline.
   It defines the UET constructor the base code calls; the instance takes the uetq
   queue (flat: 'consent', 'default', {...}, 'pageLoad', ...), honours UET Consent Mode
   (ad_storage) and writes _uetsid / _uetvid only while ad_storage is granted.
   It announces itself for the demo. */
(function () {
  'use strict';
  var w = window, d = document;
  if (w.UET) return;

  function announce(detail) {
    if (detail.loaded) (w.__trackers = w.__trackers || []).push('microsoft-uet');
    detail.vendor = 'microsoft-uet';
    w.dispatchEvent(new CustomEvent('demo:tracker', {detail: detail}));
  }
  function setCookie(name, value, days) {
    if (new RegExp('(^|; )' + name + '=').test(d.cookie)) return;
    d.cookie = name + '=' + value + '; Path=/; Max-Age=' + days * 86400 + '; SameSite=Lax';
    announce({cookie: name});
  }
  function id() {  // 32 hex digits, like UET's own IDs
    return [].map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) {
      return (b + 256).toString(16).slice(1);
    }).join('');
  }

  function UET(options) {
    this.ti = options.ti;
    this.adStorage = 'granted';  // UET's default when the page sets none
    this.hits = [];
    var q = options.q || [];
    for (var i = 0; i < q.length;) i += this.run(q[i], q[i + 1], q[i + 2]);
  }
  // Handles one command; returns how many queue items it used.
  UET.prototype.run = function (command, a, b) {
    if (command === 'consent') {
      if (b && b.ad_storage) this.adStorage = b.ad_storage;
      this.store();
      return 3;
    }
    if (command === 'event') { this.hit([a, b]); return 3; }
    if (command === 'set') return 2;
    this.hit([command]);  // 'pageLoad' or a legacy event object
    return 1;
  };
  UET.prototype.hit = function (event) { this.hits.push(event); this.store(); };
  UET.prototype.store = function () {
    if (this.adStorage !== 'granted' || !this.hits.length) return;
    setCookie('_uetsid', id(), 1);
    setCookie('_uetvid', id(), 390);
  };
  UET.prototype.push = function (command, a, b) { this.run(command, a, b); };

  w.UET = UET;
  announce({loaded: true, id: null});
})();
