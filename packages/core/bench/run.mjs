// Benchmarks of @livetools/core: `npm run bench -w packages/core` (after building the package).
// Each benchmark compares livetools against a baseline measured in the same run, or against a fixed
// target, and adds rows to one table printed at the end. Nothing here is part of `npm test`.
//
//   node --expose-gc bench/run.mjs [--only=leaks,overhead,cost,throughput,cancellation,figures]
//
// Uses the built package (dist) and the real @google/genai client against the fake Live server
// on loopback, all in this process (the live-session leak test puts the server in a worker).
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { cancellationLatency } from './cancellation.mjs';
import { concurrentCalls, roundTrips } from './figures.mjs';
import { runnerLeaks, sessionLeaks } from './leaks.mjs';
import { printTable } from './lib/report.mjs';
import { fmt } from './lib/stats.mjs';
import { overhead } from './overhead.mjs';
import { ownCost } from './own-cost.mjs';
import { endToEndThroughput, runnerThroughput } from './throughput.mjs';

// Leaks first: they compare the heap before and after, best done before other benchmarks leave
// their garbage and timers around.
const suites = {
  leaks: async () => {
    await runnerLeaks();
    await sessionLeaks();
  },
  overhead: () => overhead(),
  cost: () => ownCost(),
  throughput: async () => {
    runnerThroughput();
    await endToEndThroughput();
  },
  cancellation: () => cancellationLatency(),
  figures: async () => {
    concurrentCalls();
    await roundTrips();
  },
};

const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const unknown = only?.filter((name) => !(name in suites)) ?? [];
if (unknown.length > 0) {
  console.error(`Unknown suite(s) ${unknown.join(', ')}; choose from ${Object.keys(suites).join(', ')}.`);
  process.exit(2);
}
if (!globalThis.gc) console.warn('Run with node --expose-gc: without it, heap figures include garbage.');

const sdk = sdkVersion();
console.log(
  `@livetools/core benchmarks: Node ${process.version}, @google/genai ${sdk}, ${cpus().length} CPU(s) ` +
    `(${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (tail figures need an idle machine)\n`,
);
const t0 = performance.now();
for (const [name, run] of Object.entries(suites)) {
  if (only && !only.includes(name)) continue;
  await run();
}
printTable(
  `Results (${fmt((performance.now() - t0) / 1000, 1)} s; load average now ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')})`,
);

/** The installed @google/genai version (its package.json is not exported, so find it on disk). */
function sdkVersion() {
  let url = new URL(import.meta.resolve('@google/genai'));
  for (let i = 0; i < 6; i++) {
    url = new URL('..', url);
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', url), 'utf8'));
      if (pkg.name === '@google/genai') return pkg.version;
    } catch {}
  }
  return 'unknown';
}
