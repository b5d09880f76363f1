// Small statistics and formatting helpers shared by the benchmarks.

/** Formats a number with thousands separators and at most `digits` fraction digits. */
export const fmt = (n, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Microseconds from milliseconds, formatted. */
export const us = (ms, digits = 1) => `${fmt(ms * 1000, digits)} µs`;

/** The p-th percentile (nearest rank) of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** The median of any array (not modified). */
export function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** p50, p99, max and count of a list of samples (not modified). */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Runs every collected garbage collection the runtime allows (needs --expose-gc). */
export function fullGc() {
  if (!globalThis.gc) return;
  for (let i = 0; i < 4; i++) globalThis.gc();
}

/** Waits for one turn of the event loop (lets sockets and timers run). */
export const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Waits `ms` milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
