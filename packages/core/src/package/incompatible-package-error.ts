import { errorMarker, hasErrorMarker, markError } from '../error-marker.js';
import { LivetoolsError } from '../errors.js';
import type { PackageIssue } from './package-issue.js';

const incompatiblePackageErrorMarker = errorMarker('IncompatiblePackageError');

/**
 * A tool package cannot be used with the running `@livetools/core`: it was built for other core
 * versions, or its manifest is invalid (a duplicate or malformed tool name, unknown inputs...).
 * Its message says what is wrong and what to do; {@link IncompatiblePackageError.issues} lists
 * every problem found, each with a stable `code` (a {@link PackageIssueCode}).
 *
 * @example
 * ```ts
 * import { checkToolPackage, IncompatiblePackageError } from '@livetools/core';
 *
 * try {
 *   checkToolPackage(toolPackage);
 * } catch (error) {
 *   if (IncompatiblePackageError.isInstance(error)) {
 *     for (const issue of error.issues) console.error(issue.code, issue.message);
 *   }
 * }
 * ```
 */
export class IncompatiblePackageError extends LivetoolsError {
  /** The package's npm name, when the manifest has one. */
  readonly packageName: string | undefined;
  /** The package's version, when the manifest has one. */
  readonly packageVersion: string | undefined;
  /** Every problem found, each with a stable `code` to switch on and a sentence that says what to do. */
  readonly issues: readonly PackageIssue[];
  /** The `message` of each of {@link IncompatiblePackageError.issues}, in order. */
  readonly problems: readonly string[];

  constructor(
    packageName: string | undefined,
    packageVersion: string | undefined,
    issues: readonly PackageIssue[],
  ) {
    const label = packageName
      ? `${packageName}${packageVersion ? ` ${packageVersion}` : ''}`
      : 'A tool package';
    const problems = issues.map((issue) => issue.message);
    super(
      'INCOMPATIBLE_PACKAGE',
      problems.length === 1
        ? problems[0]!
        : `${label} cannot be used: ${problems.map((p, i) => `(${i + 1}) ${p}`).join(' ')}`,
    );
    this.name = 'IncompatiblePackageError';
    markError(this, incompatiblePackageErrorMarker);
    this.packageName = packageName;
    this.packageVersion = packageVersion;
    this.issues = issues;
    this.problems = problems;
  }

  /** True when `error` is an `IncompatiblePackageError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is IncompatiblePackageError {
    return hasErrorMarker(error, incompatiblePackageErrorMarker);
  }
}
