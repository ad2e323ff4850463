/* The install page: htmx swaps a card's form errors (400, 422) in, as it does a result, and
   moves the focus to what came back (the first wrong field, else the result). */
(() => {
  'use strict';
  const d = document;
  const ready = () => {
    if (!window.htmx) return;
    window.htmx.config.responseHandling = [
      {code: '204', swap: false},
      {code: '[23]..', swap: true},
      {code: '400|422', swap: true},
      {code: '[45]..', swap: false, error: true},
    ];
  };
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', ready);
  else ready();

  d.addEventListener('htmx:afterSettle', event => {
    const id = event.detail.target && event.detail.target.id;
    const card = (id === 'convert' || id === 'check') && d.getElementById(id);
    if (!card) return;
    const target = card.querySelector('[aria-invalid="true"]') || card.querySelector('.result h3');
    if (!target) return;
    if (!target.matches('input, textarea, select')) target.tabIndex = -1;
    target.focus();
  });
})();
