"use strict";

// Small statistics helpers for the latency report.

function sorted(values) {
  return values.slice().sort();
}

function median(values) {
  if (values.length === 0) return null;
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// Nearest-rank percentile: the smallest value that is >= p% of the values.
function percentile(values, p) {
  if (values.length === 0) return null;
  const s = sorted(values);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1];
}

function slowest(values, n) {
  return values.slice().sort().reverse().slice(0, n);
}

module.exports = { median, percentile, slowest };
