// Inline SVG charts without a chart library (CSP: no inline style; every
// colour comes from classes in /staff/css/reports.css). Each chart has a
// <title> and a <desc> listing the values, so a screen reader and a
// printout get the numbers, not just the shapes.
const NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function frame(title, desc, w, h) {
  const svg = el('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-labelledby': '' });
  const id = `c${Math.random().toString(36).slice(2, 8)}`;
  svg.setAttribute('aria-labelledby', `${id}-t ${id}-d`);
  svg.append(el('title', { id: `${id}-t` }, title), el('desc', { id: `${id}-d` }, desc));
  return svg;
}

/**
 * A line of rates (0..1, null = no data) per label with an optional target
 * line; counts (optional, per label) are how many the rate is of, told in
 * the <desc> as "(n)". Returns the <svg>.
 */
export function lineChart({ title, labels, values, target, counts = null, format = (v) => `${(v * 100).toFixed(1)} %` }) {
  const W = 640; const H = 260; const L = 44; const R = 12; const T = 12; const B = 36;
  const desc = labels.map((l, i) => `${l}: ${values[i] === null || values[i] === undefined ? '—' : format(values[i])}${counts ? ` (${counts[i] ?? 0})` : ''}`).join('; ');
  const svg = frame(title, desc, W, H);
  const x = (i) => L + (labels.length <= 1 ? 0 : (i * (W - L - R)) / (labels.length - 1));
  const y = (v) => T + (1 - v) * (H - T - B);
  for (const g of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(el('line', { class: 'chart-grid', x1: L, x2: W - R, y1: y(g), y2: y(g) }));
    svg.append(el('text', { class: 'chart-label', x: L - 6, y: y(g) + 4, 'text-anchor': 'end' }, `${g * 100}%`));
  }
  if (typeof target === 'number') {
    svg.append(el('line', { class: 'chart-target', x1: L, x2: W - R, y1: y(target), y2: y(target) }));
  }
  let d = '';
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    d += `${d ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    svg.append(el('circle', { class: 'chart-dot', cx: x(i), cy: y(v), r: 4 }));
  });
  if (d) svg.append(el('path', { class: 'chart-line', d }));
  labels.forEach((l, i) => {
    svg.append(el('text', { class: 'chart-label', x: x(i), y: H - 12, 'text-anchor': 'middle' }, l.slice(2)));
  });
  svg.append(el('line', { class: 'chart-axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
  return svg;
}

/** Grouped bars of counts per label: series [{name, cls, values}]. */
export function barChart({ title, labels, series }) {
  const W = 640; const H = 260; const L = 44; const R = 12; const T = 12; const B = 36;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const desc = labels.map((l, i) => `${l}: ${series.map((s) => `${s.name} ${s.values[i]}`).join(', ')}`).join('; ');
  const svg = frame(title, desc, W, H);
  const slot = (W - L - R) / Math.max(1, labels.length);
  const bw = Math.max(2, (slot * 0.8) / series.length);
  const y = (v) => T + (1 - v / max) * (H - T - B);
  for (const g of [0, 0.5, 1]) {
    svg.append(el('line', { class: 'chart-grid', x1: L, x2: W - R, y1: y(g * max), y2: y(g * max) }));
    svg.append(el('text', { class: 'chart-label', x: L - 6, y: y(g * max) + 4, 'text-anchor': 'end' }, String(Math.round(g * max))));
  }
  labels.forEach((l, i) => {
    series.forEach((s, k) => {
      const v = s.values[i] || 0;
      const x0 = L + i * slot + slot * 0.1 + k * bw;
      svg.append(el('rect', { class: `chart-bar ${s.cls || ''}`, x: x0.toFixed(1), y: y(v).toFixed(1), width: bw.toFixed(1), height: (H - B - y(v)).toFixed(1) }));
    });
    svg.append(el('text', { class: 'chart-label', x: L + i * slot + slot / 2, y: H - 12, 'text-anchor': 'middle' }, l.slice(2)));
  });
  svg.append(el('line', { class: 'chart-axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
  return svg;
}
