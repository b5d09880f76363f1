import type { PackageSummary } from './info-package.js';
import { describeFields, fieldLine, schemaType } from './info-schema.js';
import type { Style } from './style.js';

/**
 * Renders a {@link PackageSummary} for people: the package, the core range it declares, and per
 * tool its kind, description, inputs (one line per parameter: type, required, description), the
 * media it reads and its output contract.
 *
 * @param summary - What `summarizePackage` returned.
 * @param s - How to style the text (bold, dim).
 * @returns The text, ending with a newline.
 *
 * @example
 * ```ts
 * process.stdout.write(formatPackageInfo(await summarizePackage('.', process.cwd()), styleFor(process.stdout, {})));
 * ```
 */
export function formatPackageInfo(summary: PackageSummary, s: Pick<Style, 'bold' | 'dim'>): string {
  const title = summary.name ? `${summary.name}${summary.version ? ` ${summary.version}` : ''}` : summary.dir;
  const core = summary.core ?? summary.peerCore;
  const lines = [
    s.bold(title),
    `  ${s.dim('directory:')} ${summary.dir}`,
    `  ${s.dim('@livetools/core:')} ${core ?? '(not declared)'}${
      summary.core !== undefined && summary.peerCore !== undefined && summary.peerCore !== summary.core
        ? ` (peerDependencies: ${summary.peerCore})`
        : ''
    }`,
    `  ${s.dim('tools:')} ${summary.tools.length}${summary.hasManifest ? '' : ' (no toolPackage manifest: the tools it exports)'}`,
  ];
  for (const tool of summary.tools) {
    lines.push('', `${s.bold(tool.name)} ${s.dim(`(${tool.kind})`)}`, `  ${tool.description}`);
    const fields = describeFields(tool.parameters);
    lines.push(`  ${s.dim('inputs:')}${fields.length === 0 ? ' none' : ''}`);
    for (const field of fields) lines.push(`    ${fieldLine(field)}`);
    if (tool.inputs.length > 0) lines.push(`  ${s.dim('reads:')} ${tool.inputs.join(', ')} input`);
    if (tool.output === undefined) {
      lines.push(`  ${s.dim('output:')} no contract declared`);
    } else {
      lines.push(`  ${s.dim('output:')} ${schemaType(tool.output)}`);
      const outputFields = describeFields(tool.output).filter((f) => f.description !== undefined);
      for (const field of outputFields) lines.push(`    ${fieldLine(field)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
