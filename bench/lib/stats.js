// bench/lib/stats.js: medians, spreads, ratios and the words the report uses for them.
'use strict';

function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function min(xs) {
  return xs.length === 0 ? NaN : Math.min(...xs);
}

function max(xs) {
  return xs.length === 0 ? NaN : Math.max(...xs);
}

/** fmtMs prints a duration in ms or s, with a precision that suits its size. */
function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** cell prints "median (min–max)" for samples in ms. */
function cell(xs) {
  if (!xs || xs.length === 0) return '–';
  if (xs.length === 1) return fmtMs(xs[0]);
  return `${fmtMs(median(xs))} (${fmtMs(min(xs))}–${fmtMs(max(xs))})`;
}

/** ratio prints a / b of the medians as "0.62×". */
function ratio(a, b) {
  const r = median(a) / median(b);
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '–';
}

module.exports = { median, min, max, fmtMs, cell, ratio };
