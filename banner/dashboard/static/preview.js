/* The banner preview, on both sides of its frame.
   In the frame (loaded before the snippet): the storefront's storage is kept in memory,
   so each preview starts as a new visitor and nothing is left behind on this origin; an
   unsaved draft posted with the page is what the banner request answers.
   In the editor: language, screen and layer switches, and the preview kept up to date as
   the merchant types (the form is posted into the frame; nothing is saved). */
(() => {
  'use strict';
  const d = document, w = window;

  /* In the frame */
  if (d.documentElement.hasAttribute('data-preview-frame')) {
    const memory = new Map();
    Object.defineProperty(w, 'localStorage', {configurable: true, value: {
      getItem: k => memory.has(String(k)) ? memory.get(String(k)) : null,
      setItem: (k, v) => { memory.set(String(k), String(v)); },
      removeItem: k => { memory.delete(String(k)); },
      clear: () => memory.clear(),
      key: i => [...memory.keys()][i] ?? null,
      get length() { return memory.size; }
    }});
    const jar = new Map();
    Object.defineProperty(d, 'cookie', {configurable: true,
      get: () => [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
      set: text => {
        const [pair, ...attributes] = String(text).split(';');
        const at = pair.indexOf('='), name = pair.slice(0, at).trim();
        if (at < 1) return;
        if (attributes.some(a => /^\s*max-age\s*=\s*0\s*$/i.test(a))) jar.delete(name);
        else jar.set(name, pair.slice(at + 1).trim());
      }
    });
    const unsaved = d.getElementById('preview-banner');
    if (unsaved) {
      const body = unsaved.textContent, fetch = w.fetch.bind(w);
      w.fetch = (url, options) => !(options && options.method) && /\/banner(\?|$)/.test(String(url))
        ? Promise.resolve(new Response(body, {headers: {'Content-Type': 'application/json'}}))
        : fetch(url, options);
    }
    return;
  }

  /* In the editor */
  const pane = d.querySelector('[data-preview]');
  if (!pane) return;
  const frame = pane.querySelector('[data-preview-frame]');
  const stage = pane.querySelector('[data-preview-stage]');
  const editor = pane.closest('[data-editor]');
  const form = editor && editor.querySelector('[data-editor-form]');
  const submitter = form && form.querySelector('[data-preview-submit]');
  const SIZES = {phone: [390, 640], desktop: [1280, 800]};  // CSS pixels of each screen
  const state = {lang: pane.dataset.lang, device: 'phone', layer: 'first'};
  let edited = !!form && 'unsaved' in form.dataset, timer;

  const url = () => `${pane.dataset.frameUrl}?lang=${encodeURIComponent(state.lang)}`;
  const load = () => {
    clearTimeout(timer);
    if (edited && submitter) {
      submitter.formAction = url();
      form.requestSubmit(submitter);
    } else {
      frame.src = url();
    }
  };
  const fit = () => {
    const [width, height] = SIZES[state.device];
    const style = getComputedStyle(pane);
    const room = pane.clientWidth - parseFloat(style.paddingInlineStart) - parseFloat(style.paddingInlineEnd);
    // A phone fits the screen's height too: beside the form (sticky), below the top bar.
    const sticky = getComputedStyle(pane).position == 'sticky';
    const above = stage.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    const free = sticky ? w.innerHeight - parseFloat(getComputedStyle(pane).top) - above - 24 : w.innerHeight * 0.75;
    const tall = state.device == 'phone' ? Math.max(320, free) / height : 1;
    const scale = Math.min(1, room / width, tall);
    Object.assign(frame.style, {width: `${width}px`, height: `${height}px`, transform: `scale(${scale})`});
    Object.assign(stage.style, {width: `${Math.floor(width * scale)}px`, height: `${Math.floor(height * scale)}px`});
  };
  const press = () => {
    pane.querySelectorAll('[data-preview-set]').forEach(b => {
      b.setAttribute('aria-pressed', String(state[b.dataset.previewSet] == b.value));
    });
    if (editor) editor.classList.toggle('editor--desktop', state.device == 'desktop');
  };
  const openPreferences = () => {
    const api = frame.contentWindow && frame.contentWindow.ConsentBanner;
    if (api) api.open();
  };

  pane.addEventListener('click', e => {
    const button = e.target.closest('[data-preview-set]');
    if (!button || state[button.dataset.previewSet] == button.value) return;
    const key = button.dataset.previewSet;
    state[key] = button.value;
    press();
    if (key == 'device') fit();
    else if (key == 'layer' && state.layer == 'preferences') openPreferences();
    else load();
  });
  frame.addEventListener('load', () => { if (state.layer == 'preferences') openPreferences(); });
  if (form && submitter) {
    form.addEventListener('input', () => {
      edited = true;
      clearTimeout(timer);
      timer = setTimeout(load, 700);
    });
  }
  pane.querySelector('[data-preview-controls]').hidden = false;
  stage.classList.add('preview__stage--scaled');
  new ResizeObserver(fit).observe(pane);
  w.addEventListener('resize', fit);
  fit();
  if (edited) load();  // show what the form holds, not the saved draft
})();
