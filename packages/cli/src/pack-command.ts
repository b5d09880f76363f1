import type { CheckReport, CheckResult } from './check-package.js';
import type { CliIo } from './cli-io.js';
import { checkPack } from './pack-check.js';
import { styleFor } from './style.js';

/** A report with more results, its counts and verdict recomputed. @internal */
export function withResults(report: CheckReport, more: readonly CheckResult[]): CheckReport {
  const results = [...report.results, ...more];
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const r of results) counts[r.status] += 1;
  return { ...report, results, counts, ok: counts.fail === 0 };
}

/**
 * `check --pack`: adds the pack checks to a passing report, writing a progress line per slow step
 * to stderr (they take a while: an install and a type-check). A failing report is not packed: its
 * errors come first. @internal
 */
export async function addPackChecks(report: CheckReport, io: CliIo): Promise<CheckReport> {
  if (!report.ok) {
    return withResults(report, [
      {
        group: 'pack',
        status: 'warn',
        message: 'not packed: the checks above failed',
        hint: 'fix them, then run livetools check --pack again',
      },
    ]);
  }
  const s = styleFor(io.stderr, io);
  const started = performance.now();
  const onProgress = (line: string): void => {
    const at = ((performance.now() - started) / 1000).toFixed(1).padStart(5, ' ');
    io.stderr.write(`${s.dim(`[pack ${at}s]`)} ${line}\n`);
  };
  return withResults(report, await checkPack(report.dir, { onProgress }));
}
