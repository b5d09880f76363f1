import { compareSummaries, type SchemaChange } from './against-diff.js';
import { fetchPreviousVersion } from './against-load.js';
import type { CheckReport, CheckResult, CheckStatus } from './check-package.js';
import { messageOf } from './cli-error.js';
import { type PackageSummary, summarizePackage } from './info-package.js';

function withResults(report: CheckReport, added: readonly CheckResult[]): CheckReport {
  const results = [...report.results, ...added];
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0 };
  for (const result of results) counts[result.status] += 1;
  return { ...report, results, counts, ok: counts.fail === 0 };
}

const label = (summary: PackageSummary): string =>
  summary.name ? `${summary.name}${summary.version ? `@${summary.version}` : ''}` : summary.dir;

/** One change as a check result; the hint goes with the first breaking change only, not on every line. */
function resultOf(group: string, change: SchemaChange, first: boolean): CheckResult {
  const where = change.path ? ` (${change.toolName}: ${change.path})` : '';
  return change.severity === 'breaking'
    ? {
        group,
        status: 'fail',
        message: `breaking: ${change.toolName}: ${change.message}${where}`,
        ...(first
          ? { hint: 'Keep it compatible (add, do not remove or narrow), or publish a new major version.' }
          : {}),
      }
    : { group, status: 'pass', message: `non-breaking: ${change.toolName}: ${change.message}${where}` };
}

/**
 * Adds `check --against` results to a check report: every change from the previous version of
 * the package to this one, breaking ones as failures (with the tool and path of each), additions
 * that break nothing as passes. When the previous version cannot be fetched or loaded, that is one
 * failure saying why.
 *
 * @param report - What `checkPackage` returned for this package.
 * @param spec - The previous version: a directory, a tarball, or an npm spec (`name@1.2.0`).
 * @param cwd - Where relative paths are resolved from.
 * @returns A new report with the comparison appended (group `against <name>@<version>`).
 *
 * @example
 * ```ts
 * const report = await addAgainstChecks(await checkPackage('.'), '@scope/tools-clock@1.2.0', process.cwd());
 * ```
 */
export async function addAgainstChecks(report: CheckReport, spec: string, cwd: string): Promise<CheckReport> {
  let previous: PackageSummary;
  let current: PackageSummary;
  try {
    current = await summarizePackage(report.dir, cwd);
  } catch (error) {
    return withResults(report, [
      {
        group: `against ${spec}`,
        status: 'fail',
        message: `This package could not be loaded to compare it: ${messageOf(error)}`,
        hint: 'Fix the failures above first.',
      },
    ]);
  }
  try {
    await using fetched = await fetchPreviousVersion(spec, report.dir, cwd);
    previous = await summarizePackage(fetched.dir, cwd);
  } catch (error) {
    return withResults(report, [
      {
        group: `against ${spec}`,
        status: 'fail',
        message: `The previous version could not be loaded: ${messageOf(error)}`,
        hint: 'Pass a published version (name@1.2.0), a tarball, or the directory of a previous build.',
      },
    ]);
  }
  const group = `against ${label(previous)}`;
  let changes: SchemaChange[];
  try {
    changes = compareSummaries(previous, current);
  } catch (error) {
    return withResults(report, [
      {
        group,
        status: 'fail',
        message: `The two versions could not be compared: ${messageOf(error)}`,
        hint: 'Check that every tool of both versions was made by defineStreamingTool or defineTool.',
      },
    ]);
  }
  if (changes.length === 0) {
    return withResults(report, [
      { group, status: 'pass', message: 'no changes to tools, parameters or output contracts' },
    ]);
  }
  const breaking = changes.some((c) => c.severity === 'breaking');
  const summary: CheckResult[] = breaking
    ? []
    : [{ group, status: 'pass', message: `no breaking changes (${changes.length} non-breaking)` }];
  return withResults(report, [...summary, ...changes.map((change, i) => resultOf(group, change, i === 0))]);
}
