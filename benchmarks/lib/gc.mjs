// Records garbage-collection pauses as absolute wall-clock intervals (ms, comparable across
// processes), so that a latency sample can be checked for a pause of either process inside it.
import { performance } from 'node:perf_hooks';
import { recordGc as recordGcFrom } from '../../packages/core/bench/lib/gc-log.mjs';

/** Starts recording; `stop()` resolves with the pauses as `{ start, end, kind }` (absolute ms), sorted by start. */
export const recordGc = () => recordGcFrom(performance.timeOrigin);

/** Count, total and longest pause (ms) by kind. */
export function gcSummary(pauses) {
  const byKind = {};
  for (const p of pauses) {
    byKind[p.kind] ??= { count: 0, total: 0, max: 0 };
    const k = byKind[p.kind];
    const d = p.end - p.start;
    k.count++;
    k.total += d;
    k.max = Math.max(k.max, d);
  }
  return byKind;
}

/** Whether any pause overlaps [t0, t1]; `pauses` sorted by start. */
export function overlapsAny(pauses, t0, t1) {
  let lo = 0;
  let hi = pauses.length;
  // the first pause that starts after t1
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pauses[mid].start <= t1) lo = mid + 1;
    else hi = mid;
  }
  // no pause lasts 2 s: earlier ones cannot reach t0
  for (let i = lo - 1; i >= 0 && pauses[i].start >= t0 - 2000; i--) if (pauses[i].end >= t0) return true;
  return false;
}
