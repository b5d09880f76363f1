// Small statistics, formatting and process helpers shared by the benchmarks.
import { readFileSync, statSync } from 'node:fs';

/** Formats a number with thousands separators and at most `digits` fraction digits. */
export const fmt = (n, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Milliseconds, formatted with three fraction digits. */
export const ms = (value, digits = 3) => `${fmt(value, digits)} ms`;

/** The p-th percentile (nearest rank) of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** n, p50, p90, p99, p99.9 and max of a list of samples (not modified). */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** This process's CPU time so far, user and system (ms). */
export function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs every collection the runtime allows (needs --expose-gc), with turns of the loop between. */
export async function fullGc() {
  if (!globalThis.gc) return;
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Waits `ms` milliseconds. */
export const sleep = (delay) => new Promise((resolve) => setTimeout(resolve, delay));

/** Absolute wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export const wallNow = () => performance.timeOrigin + performance.now();

/** The version of an installed package, found from the module it resolves to (its package.json may not be exported). */
export function packageVersion(name) {
  let url;
  try {
    url = new URL(import.meta.resolve(name));
  } catch {
    return 'not installed';
  }
  for (let i = 0; i < 8; i++) {
    url = new URL('..', url);
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', url), 'utf8'));
      if (pkg.name === name) return pkg.version;
    } catch {}
  }
  return 'unknown';
}

/**
 * Runs `fn(item)` for every item with at most `limit` running at once; resolves with the results
 * in order.
 */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Busy and total CPU time of the whole machine so far (Linux /proc/stat, in clock ticks); undefined elsewhere. */
export function machineCpu() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** When a workspace package's dist was built (mtime of its dist/index.js), as an ISO string. */
export function distBuiltAt(name) {
  try {
    const url = new URL(import.meta.resolve(name));
    return statSync(url).mtime.toISOString().slice(0, 19);
  } catch {
    return 'unknown';
  }
}

/**
 * Resident memory of this process by kind of mapping (Linux /proc/self/smaps, bytes): `brk` (the
 * [heap] of malloc's main arena), `anonymous` (mmap: V8's heap pages, other malloc arenas, large
 * allocations), `file` (code and data of mapped files), `stack`; undefined elsewhere.
 */
export function residentByMapping() {
  let text;
  try {
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return undefined;
  }
  const sums = { brk: 0, anonymous: 0, file: 0, stack: 0 };
  let kind = 'anonymous';
  for (const line of text.split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const name = header[1];
      kind =
        name === '[heap]'
          ? 'brk'
          : name.startsWith('[stack')
            ? 'stack'
            : name === '' || name.startsWith('[anon')
              ? 'anonymous'
              : name.startsWith('[')
                ? 'anonymous'
                : 'file';
      continue;
    }
    if (line.startsWith('Rss:')) sums[kind] += Number(line.split(/\s+/)[1]) * 1024;
  }
  return sums;
}
