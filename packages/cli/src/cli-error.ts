import { errorMarker, hasErrorMarker, markError } from '@livetools/core';

const marker = errorMarker('CliError');

/** Stable codes of the errors the `livetools` CLI reports. */
export type CliErrorCode =
  | 'USAGE'
  | 'INVALID_PACKAGE_NAME'
  | 'DIRECTORY_NOT_EMPTY'
  | 'UNKNOWN_TEMPLATE'
  | 'PACKAGE_NOT_FOUND'
  | 'ENTRY_NOT_FOUND'
  | 'IMPORT_FAILED'
  | 'TOOL_NOT_FOUND'
  | 'INVALID_ARGUMENTS_JSON'
  | 'PREVIOUS_VERSION_UNAVAILABLE'
  | 'INVALID_MANIFEST';

/**
 * An error of the `livetools` CLI: a stable `code`, a message that says what to do, and a marker
 * so it is recognised across copies of the package (`CliError.isInstance`).
 *
 * @example
 * ```ts
 * import { CliError, initPackage } from '@livetools/cli';
 *
 * try {
 *   await initPackage({ dir: 'tools-clock' });
 * } catch (error) {
 *   if (CliError.isInstance(error) && error.code === 'DIRECTORY_NOT_EMPTY') console.error(error.message);
 * }
 * ```
 */
export class CliError extends Error {
  /** A stable, machine-readable code. */
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
    markError(this, marker);
  }

  /** True when `error` is a CLI error, even one created by another copy of the package. */
  static isInstance(error: unknown): error is CliError {
    return hasErrorMarker(error, marker);
  }
}

/** A one-line message for anything thrown; never throws (a package may throw anything). @internal */
export function messageOf(error: unknown): string {
  try {
    if (error instanceof Error) {
      const message: unknown = error.message;
      if (typeof message === 'string' && message !== '') return message;
      const name: unknown = error.name;
      return typeof name === 'string' && name !== '' ? name : 'Error';
    }
    return String(error);
  } catch {
    return 'a thrown value that cannot be described (String() fails on it)';
  }
}
