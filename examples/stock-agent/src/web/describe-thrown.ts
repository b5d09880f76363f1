/**
 * A message for whatever was thrown, for the console's error replies.
 */

/**
 * The message of an `Error`, the string form of anything else. Never throws, whatever was thrown
 * (a null-prototype object, a throwing getter, a revoked Proxy).
 *
 * @example
 * ```ts
 * describeThrown(new Error('no network')); // 'no network'
 * describeThrown(Object.create(null)); // 'an error that cannot be described'
 * ```
 */
export function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
    return String(error);
  } catch {
    return 'an error that cannot be described';
  }
}
