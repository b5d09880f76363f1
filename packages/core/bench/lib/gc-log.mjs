// Records garbage collections (start and duration, on the performance.now() clock, or shifted by
// `origin`) so that a latency sample can be checked for a GC pause inside it. The cross-package
// benchmarks use it too (benchmarks/lib/gc.mjs), on the absolute clock.
import { constants, PerformanceObserver } from 'node:perf_hooks';

const kinds = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
};

/**
 * Starts recording; `stop()` returns the pauses as `{ start, end, kind }`, in order. Times are
 * `origin` + performance.now() milliseconds (`performance.timeOrigin` gives absolute times,
 * comparable across processes).
 */
export function recordGc(origin = 0) {
  const pauses = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const start = origin + e.startTime;
      pauses.push({ start, end: start + e.duration, kind: kinds[e.detail?.kind] ?? 'other' });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      // Entries are delivered asynchronously; give the last ones a turn to arrive.
      await new Promise((resolve) => setTimeout(resolve, 10));
      observer.disconnect();
      return pauses.sort((a, b) => a.start - b.start);
    },
  };
}

/** For each `[t0, t1]` sample, whether a recorded GC pause overlaps it. Samples and pauses sorted by start. */
export function gcHits(samples, pauses) {
  const order = samples.map((_, i) => i).sort((a, b) => samples[a][0] - samples[b][0]);
  const hits = new Array(samples.length).fill(false);
  let p = 0;
  for (const i of order) {
    const [t0, t1] = samples[i];
    while (p < pauses.length && pauses[p].end < t0) p++;
    for (let q = p; q < pauses.length && pauses[q].start <= t1; q++) {
      if (pauses[q].end >= t0) {
        hits[i] = true;
        break;
      }
    }
  }
  return hits;
}
