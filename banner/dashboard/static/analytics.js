/* The analytics page: charts drawn by Chart.js from the JSON beside each canvas, and
   downloads that show their progress while the export streams. The page works without
   it: every chart's numbers are in a table, and the downloads are plain links. */
(() => {
  'use strict';
  const d = document;
  const root = d.documentElement;
  const rtl = root.dir === 'rtl';
  // Latin digits in both languages, as the server writes the tables' numbers.
  const locale = `${root.lang || 'en'}-u-nu-latn`;
  const percent = new Intl.NumberFormat(locale, {style: 'percent', minimumFractionDigits: 1,
                                                 maximumFractionDigits: 1});
  const percentTick = new Intl.NumberFormat(locale, {style: 'percent', maximumFractionDigits: 0});
  const whole = new Intl.NumberFormat(locale);

  /* Charts */

  // Series differ by line style and point shape as well as colour (never colour alone).
  const STYLES = [
    {color: '#0b6e4f', dash: [], point: 'circle'},
    {color: '#1d4ed8', dash: [6, 4], point: 'rect'},
    {color: '#b45309', dash: [2, 3], point: 'triangle'},
    {color: '#9d174d', dash: [10, 3, 2, 3], point: 'rectRot'},
    {color: '#4d5b69', dash: [1, 5], point: 'star'},
  ];

  const dataset = (kind, series, index) => {
    const style = STYLES[index % STYLES.length];
    const common = {label: series.label, data: series.values, borderColor: style.color,
                    backgroundColor: style.color, pointStyle: style.point};
    if (kind === 'bar') return {...common, borderWidth: 1, maxBarThickness: 36};
    // clip: points at 0% and 100% are drawn whole, not cut by the chart's edge.
    return {...common, borderDash: style.dash, borderWidth: 2, pointRadius: 3, spanGaps: false,
            clip: 6};
  };

  const drawChart = canvas => {
    const source = d.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) return;
    const data = JSON.parse(source.textContent);
    const kind = canvas.dataset.kind;
    const font = {family: getComputedStyle(root).fontFamily, size: 13};
    const direction = rtl ? 'rtl' : 'ltr';
    canvas.parentElement.hidden = false;  // Chart.js measures its box
    // eslint-disable-next-line no-new
    new window.Chart(canvas, {
      type: kind,
      data: {labels: data.labels, datasets: data.series.map((s, i) => dataset(kind, s, i))},
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, locale,
        interaction: {mode: 'index', intersect: false},
        // Right to left, time runs from the right and the rates' axis stands on the right.
        scales: {
          x: {reverse: rtl, ticks: {font, autoSkipPadding: 12}},
          y: {min: 0, max: 1, position: rtl ? 'right' : 'left',
              ticks: {font, callback: value => percentTick.format(value)}},
        },
        plugins: {
          legend: {rtl, textDirection: direction, position: 'bottom',
                   labels: {usePointStyle: true, font, padding: 16}},
          tooltip: {rtl, textDirection: direction, titleFont: font, bodyFont: font,
                    callbacks: {label: item => `${item.dataset.label}: ${
                      item.raw === null ? '—' : percent.format(item.raw)}`}},
        },
      },
      plugins: [{id: 'drawn', afterRender: chart => { chart.canvas.dataset.drawn = 'true'; }}],
    });
  };

  d.querySelectorAll('canvas[data-chart]').forEach(drawChart);

  /* Downloads with progress */

  const section = d.querySelector('.downloads');
  if (!section || !window.fetch || !window.ReadableStream) return;  // the plain links then
  const box = section.querySelector('.export-progress');
  const bar = box.querySelector('progress');
  const status = box.querySelector('.export-progress__text');
  const say = (key, values = {}) =>
    section.dataset[key].replace(/\{(\w+)\}/g, (_, name) => values[name]);
  const size = bytes => new Intl.NumberFormat(locale, {
    style: 'unit', unit: bytes >= 1e6 ? 'megabyte' : 'kilobyte', maximumFractionDigits: 1,
  }).format(bytes >= 1e6 ? bytes / 1e6 : bytes / 1e3);
  const filenameOf = (response, link) => {
    const match = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
    return match ? match[1] : link.pathname.split('/').pop();
  };
  const countLines = bytes => {
    let lines = 0;
    for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines += 1;
    return lines;
  };
  let busy = false;

  const show = (link, state) => {
    link.dispatchEvent(new CustomEvent('export-progress', {bubbles: true, detail: state}));
    if (state.total !== null) {
      bar.max = Math.max(state.total, 1);
      bar.value = state.rows;
      status.textContent = say('textRows', {rows: whole.format(state.rows),
                                            total: whole.format(state.total)});
    } else {
      bar.removeAttribute('value');  // indeterminate: the size is not known beforehand
      status.textContent = say('textBytes', {size: size(state.bytes)});
    }
  };

  const download = async link => {
    box.hidden = false;
    bar.removeAttribute('value');
    status.textContent = say('textStart');
    const response = await fetch(link.href, {credentials: 'same-origin'});
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    // Rows are counted in line-based formats (one line per row after the header).
    const rowsHeader = response.headers.get('X-Export-Rows');
    const total = link.dataset.export === 'lines' && rowsHeader !== null ? Number(rowsHeader)
      : null;
    const skip = Number(link.dataset.headerLines || 0);
    const reader = response.body.getReader();
    const chunks = [];
    const state = {rows: 0, total, bytes: 0};
    let lines = 0;
    for (;;) {
      const {done, value} = await reader.read();
      if (done) break;
      chunks.push(value);
      state.bytes += value.length;
      lines += countLines(value);
      state.rows = Math.max(0, lines - skip);
      if (total !== null) state.rows = Math.min(state.rows, total);
      show(link, state);
    }
    const blob = new Blob(chunks, {type: response.headers.get('Content-Type') || ''});
    const url = URL.createObjectURL(blob);
    const save = d.createElement('a');
    save.href = url;
    save.download = filenameOf(response, link);
    d.body.append(save);
    save.click();
    save.remove();
    // No event says the browser has taken the file: free it well after.
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    bar.max = 1;
    bar.value = 1;
    status.textContent = total !== null ? say('textDone', {rows: whole.format(state.rows)})
      : say('textSaved');
    link.dispatchEvent(new CustomEvent('export-done', {bubbles: true, detail: state}));
  };

  section.addEventListener('click', event => {
    const link = event.target.closest('a[data-export]');
    if (!link) return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    link.setAttribute('aria-busy', 'true');
    download(link).catch(() => { status.textContent = say('textFailed'); })
      .finally(() => { busy = false; link.removeAttribute('aria-busy'); });
  });
})();
