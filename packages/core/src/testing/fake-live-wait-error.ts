/**
 * The error a fake Live server's `waitFor*` helpers reject with.
 *
 * @packageDocumentation
 */

const marker = Symbol.for('livetools.testing.waitError');

/**
 * A `waitFor*` helper of the fake Live server gave up: its timeout passed (`reason: 'timeout'`) or
 * the connection closed first (`reason: 'closed'`). The message says what was awaited and what was seen.
 *
 * @example
 * ```ts
 * try {
 *   await connection.waitForToolResponse('function-call-1', undefined, { timeoutMs: 100 });
 * } catch (error) {
 *   if (FakeLiveWaitError.isInstance(error)) console.log(error.reason, error.message);
 * }
 * ```
 */
export class FakeLiveWaitError extends Error {
  /** Why the wait ended without a match. */
  readonly reason: 'timeout' | 'closed';

  constructor(reason: 'timeout' | 'closed', message: string) {
    super(message);
    this.name = 'FakeLiveWaitError';
    this.reason = reason;
    Object.defineProperty(this, marker, { value: true });
  }

  /** True when `error` is a `FakeLiveWaitError`, even one created by another copy of the package. */
  static isInstance(error: unknown): error is FakeLiveWaitError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
