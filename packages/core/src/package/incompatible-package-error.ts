import { LivetoolsError } from '../errors.js';

/**
 * A tool package cannot be used with the running `@livetools/core`: it was built for other core
 * versions, or its manifest is invalid (a duplicate or malformed tool name, unknown inputs...).
 * Its message says what is wrong and what to do; {@link IncompatiblePackageError.problems} lists
 * every problem found.
 *
 * @example
 * ```ts
 * import { checkToolPackage, IncompatiblePackageError } from '@livetools/core';
 *
 * try {
 *   checkToolPackage(toolPackage);
 * } catch (error) {
 *   if (error instanceof IncompatiblePackageError) console.error(error.problems.join('\n'));
 * }
 * ```
 */
export class IncompatiblePackageError extends LivetoolsError {
  /** The package's npm name, when the manifest has one. */
  readonly packageName: string | undefined;
  /** The package's version, when the manifest has one. */
  readonly packageVersion: string | undefined;
  /** Every problem found, one sentence each, each saying what to do. */
  readonly problems: readonly string[];

  constructor(
    packageName: string | undefined,
    packageVersion: string | undefined,
    problems: readonly string[],
  ) {
    const label = packageName
      ? `${packageName}${packageVersion ? ` ${packageVersion}` : ''}`
      : 'A tool package';
    super(
      'INCOMPATIBLE_PACKAGE',
      problems.length === 1
        ? problems[0]!
        : `${label} cannot be used: ${problems.map((p, i) => `(${i + 1}) ${p}`).join(' ')}`,
    );
    this.name = 'IncompatiblePackageError';
    this.packageName = packageName;
    this.packageVersion = packageVersion;
    this.problems = problems;
  }
}
