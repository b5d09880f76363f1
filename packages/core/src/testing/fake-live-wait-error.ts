/**
 * The error a fake Live server's `waitFor*` helpers reject with.
 *
 * @packageDocumentation
 */

import { errorMarker, hasErrorMarker, markError } from '../error-marker.js';

const marker = errorMarker('FakeLiveWaitError');

/** Stable codes of a {@link FakeLiveWaitError}: `WAIT_TIMEOUT` (its `reason` is `timeout`) or `WAIT_CLOSED` (`closed`). */
export type FakeLiveWaitErrorCode = 'WAIT_TIMEOUT' | 'WAIT_CLOSED';

/**
 * A `waitFor*` helper of the fake Live server gave up: its timeout passed (`reason: 'timeout'`) or
 * the connection closed first (`reason: 'closed'`). The message says what was awaited and what was seen.
 *
 * @example
 * ```ts
 * try {
 *   await connection.waitForToolResponse('function-call-1', undefined, { timeoutMs: 100 });
 * } catch (error) {
 *   if (FakeLiveWaitError.isInstance(error)) console.log(error.code, error.message);
 * }
 * ```
 */
export class FakeLiveWaitError extends Error {
  /** Why the wait ended without a match. */
  readonly reason: 'timeout' | 'closed';
  /** A stable code: `WAIT_TIMEOUT` or `WAIT_CLOSED`, matching {@link FakeLiveWaitError.reason}. */
  readonly code: FakeLiveWaitErrorCode;

  constructor(reason: 'timeout' | 'closed', message: string) {
    super(message);
    this.name = 'FakeLiveWaitError';
    this.reason = reason;
    this.code = reason === 'timeout' ? 'WAIT_TIMEOUT' : 'WAIT_CLOSED';
    markError(this, marker);
  }

  /** True when `error` is a `FakeLiveWaitError`, even one created by another copy of the package. */
  static isInstance(error: unknown): error is FakeLiveWaitError {
    return hasErrorMarker(error, marker);
  }
}
