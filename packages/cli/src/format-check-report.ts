import { relative } from 'node:path';
import type { CheckReport } from './check-package.js';
import { MARKS, type Style, styleFor } from './style.js';

/** Options of {@link formatCheckReport}. */
export interface FormatCheckReportOptions {
  /** Colour the marks with ANSI escapes. Default false. */
  readonly color?: boolean;
  /** Show the package's directory relative to this one. Default: absolute. */
  readonly cwd?: string;
}

/**
 * Renders a {@link CheckReport} for people: a ✔, ⚠ or ✖ line per check, grouped, with what to do
 * under each warning and failure, and a summary line.
 *
 * @param report - What `checkPackage` returned.
 * @param options - Colours, and the directory paths are shown relative to.
 * @returns The text, ending with a newline.
 *
 * @example
 * ```ts
 * process.stdout.write(formatCheckReport(await checkPackage('.'), { color: process.stdout.isTTY }));
 * ```
 */
export function formatCheckReport(report: CheckReport, options: FormatCheckReportOptions = {}): string {
  const s: Style = styleFor({ write: () => {}, isTTY: options.color === true }, {});
  const where = options.cwd === undefined ? report.dir : relative(options.cwd, report.dir) || '.';
  const title = report.name ? `${report.name}${report.version ? ` ${report.version}` : ''}` : 'package';
  const lines = [
    `${s.bold(`livetools check ${title}`)} ${s.dim(`(${where}, against @livetools/core ${report.coreVersion})`)}`,
  ];
  let group: string | undefined;
  for (const result of report.results) {
    if (result.group !== group) {
      group = result.group;
      lines.push('', s.bold(group));
    }
    const mark =
      result.status === 'pass'
        ? s.ok(MARKS.pass)
        : result.status === 'warn'
          ? s.warn(MARKS.warn)
          : s.error(MARKS.fail);
    lines.push(`  ${mark} ${result.message}`);
    if (result.hint) lines.push(`      ${s.dim(`→ ${result.hint}`)}`);
  }
  const { pass, warn, fail } = report.counts;
  const summary = `${pass} passed, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} error${fail === 1 ? '' : 's'}`;
  lines.push('', report.ok ? s.ok(`${MARKS.pass} ${summary}`) : s.error(`${MARKS.fail} ${summary}`));
  return `${lines.join('\n')}\n`;
}
