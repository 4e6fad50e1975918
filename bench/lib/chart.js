// bench/lib/chart.js: a small hand-written SVG line chart (no dependency): wall time against N,
// one line per tool, one panel per measure, medians as points and min–max as whiskers.
'use strict';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** niceMax rounds a maximum up to 1, 2 or 5 times a power of ten, for the axis. */
function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

/**
 * panel draws one chart at (x0, y0): `series` is [{ name, points: [{ n, median, min, max }] }]
 * with times in seconds; the x axis is N (pods), spaced evenly by index.
 */
function panel(x0, y0, w, h, title, ns, series) {
  const left = 48;
  const bottom = 34;
  const top = 26;
  const pw = w - left - 10;
  const ph = h - top - bottom;
  const yMax = niceMax(Math.max(0.001, ...series.flatMap((s) => s.points.map((p) => p.max))));
  const xOf = (i) => x0 + left + (ns.length === 1 ? pw / 2 : (i * pw) / (ns.length - 1));
  const yOf = (v) => y0 + top + ph - (v / yMax) * ph;
  const out = [];
  out.push(`<text x="${x0 + w / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  for (let k = 0; k <= 5; k++) {
    const v = (yMax * k) / 5;
    const y = yOf(v);
    out.push(`<line x1="${x0 + left}" y1="${y}" x2="${x0 + left + pw}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${x0 + left - 6}" y="${y + 4}" text-anchor="end">${+v.toFixed(2)} s</text>`);
  }
  ns.forEach((n, i) => out.push(`<text x="${xOf(i)}" y="${y0 + h - bottom + 16}" text-anchor="middle">${n}</text>`));
  out.push(`<text x="${x0 + left + pw / 2}" y="${y0 + h - 4}" text-anchor="middle">pods (N), two containers each; N evenly spaced, not to scale</text>`);
  series.forEach((s, si) => {
    const color = COLORS[si % COLORS.length];
    const pts = s.points.map((p) => ({ ...p, i: ns.indexOf(p.n) })).filter((p) => p.i >= 0 && Number.isFinite(p.median));
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${xOf(p.i)},${yOf(p.median)}`).join(' ')}"/>`);
    for (const p of pts) {
      out.push(`<line x1="${xOf(p.i)}" y1="${yOf(p.min)}" x2="${xOf(p.i)}" y2="${yOf(p.max)}" stroke="${color}"/>`);
      out.push(`<circle cx="${xOf(p.i)}" cy="${yOf(p.median)}" r="3" fill="${color}"/>`);
    }
  });
  return out.join('\n');
}

/**
 * lineChart renders panels side by side with one shared legend: panels are
 * [{ title, series: [{ name, points }] }]; every panel uses the same series names and colours.
 */
function lineChart({ title, ns, panels }) {
  const pw = 380;
  const ph = 280;
  const names = [...new Set(panels.flatMap((p) => p.series.map((s) => s.name)))];
  const legendH = 18 * Math.ceil(names.length / 2) + 8;
  const width = pw * panels.length;
  const height = 30 + ph + legendH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>`,
  ];
  panels.forEach((p, i) => {
    const series = names.map((name) => p.series.find((s) => s.name === name) ?? { name, points: [] });
    out.push(panel(i * pw, 30, pw, ph, p.title, ns, series));
  });
  names.forEach((name, i) => {
    const x = 20 + (i % 2) * (width / 2);
    const y = 30 + ph + 14 + 18 * Math.floor(i / 2);
    out.push(`<rect x="${x}" y="${y - 9}" width="14" height="4" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${x + 20}" y="${y - 4}">${esc(name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

module.exports = { lineChart };
