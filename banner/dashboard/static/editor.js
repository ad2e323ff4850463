/* The banner editor: a warning before unsaved changes are lost, the merchant's own vendor
   rows added and removed, and the accent colour's contrast checked as it changes.
   The page works without it: the server keeps every value and checks every field. */
(() => {
  'use strict';
  const d = document, w = window;
  const form = d.querySelector('[data-editor-form]');
  if (!form) return;
  const changed = () => form.dispatchEvent(new Event('input', {bubbles: true}));

  /* Unsaved changes */
  const note = form.querySelector('[data-dirty-note]');
  let dirty = false;
  const setDirty = value => { dirty = value; if (note) note.hidden = !value; };
  form.addEventListener('input', () => setDirty(true));
  form.addEventListener('submit', e => {
    // The preview's own submissions go into its frame and save nothing.
    if (!(e.submitter && 'previewSubmit' in e.submitter.dataset)) setDirty(false);
  });
  w.addEventListener('beforeunload', e => {
    if (!dirty) return;
    e.preventDefault();
    e.returnValue = '';  // older browsers ask only when this is set
  });
  // Re-rendered after a refusal: what the form holds is not saved yet.
  if ('unsaved' in form.dataset) setDirty(true);

  /* The merchant's own vendors: rows added from the template, removed with a button */
  const rows = form.querySelector('[data-vendor-rows]');
  const template = form.querySelector('[data-vendor-template]');
  const add = form.querySelector('[data-add-row]');
  if (rows && template && add) {
    const index = row => +((row.querySelector('[name^="vendors-"]') || {name: 'vendors--1-'}).name.split('-')[1]);
    const blank = row => [...row.querySelectorAll('input:not([type=hidden]):not([type=checkbox]), textarea')]
      .every(el => !el.value.trim());
    let next = Math.max(-1, ...[...rows.children].map(index)) + 1;
    const enhance = row => {
      row.querySelectorAll('[data-no-js]').forEach(el => el.remove());
      row.querySelector('[data-remove-row]').hidden = false;
    };
    [...rows.children].forEach(row => {
      const removed = row.querySelector('input[name$="-remove"]:checked');
      // Without JS, empty rows are offered and removal is a box; here, buttons do both.
      if (removed || blank(row) && !row.querySelector('[name$="-key"]').value) row.remove();
      else enhance(row);
    });
    add.hidden = false;
    add.addEventListener('click', () => {
      rows.insertAdjacentHTML('beforeend', template.innerHTML.replaceAll('__index__', String(next++)));
      const row = rows.lastElementChild;
      enhance(row);
      row.querySelector('input:not([type=hidden])').focus();
      changed();
    });
    rows.addEventListener('click', e => {
      const button = e.target.closest('[data-remove-row]');
      if (!button) return;
      button.closest('[data-vendor-row]').remove();
      add.focus();
      changed();
    });
  }

  /* Contrast of the accent colour, as services/appearance.py judges it on the server */
  const box = form.querySelector('[data-contrast]');
  if (box) {
    const input = box.querySelector('input[type=color]');
    const backgrounds = JSON.parse(box.dataset.backgrounds);
    const luminance = hex => {
      const [r, g, b] = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16) / 255)
        .map(c => c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
      const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (high + 0.05) / (low + 0.05);
    };
    const show = (problem, on) => { box.querySelector(`[data-problem="${problem}"]`).hidden = !on; };
    const check = () => {
      const accent = input.value;
      if (!/^#[0-9a-f]{6}$/i.test(accent)) return;
      // Black or white text, whichever contrasts more (services/appearance.py ink_on).
      const ink = luminance(accent) > 0.179 ? '#000000' : '#ffffff';
      const theme = (form.querySelector('input[name="theme"]:checked') || {}).value;
      // A theme that follows the device is drawn on either background.
      const behind = theme == 'auto' ? Object.values(backgrounds) : [backgrounds[theme] || backgrounds.light];
      show('text', ratio(accent, ink) < +box.dataset.textMin);
      show('edge', behind.some(background => ratio(accent, background) < +box.dataset.edgeMin));
    };
    form.addEventListener('input', e => { if (e.target === input || e.target.name === 'theme') check(); });
  }
})();
