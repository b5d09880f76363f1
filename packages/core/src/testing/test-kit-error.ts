/**
 * The error the tool-testing helpers (`testTool`, `createVirtualClock`) throw or reject with.
 *
 * @packageDocumentation
 */

import { errorMarker, hasErrorMarker, markError } from '../error-marker.js';

const marker = errorMarker('TestKitError');

/**
 * Why a tool-testing helper gave up:
 * - `WAIT_TIMEOUT`: a wait of a {@link ToolTestRun} (`waitForCallStart`, `waitForResponses`, `next`,
 *   `done`) did not see what it waited for within its real-time bound (`timeoutMs`);
 * - `CALL_ENDED`: the call ended before what was awaited could happen (it sent fewer responses, or
 *   never started because its arguments were invalid);
 * - `CLOCK_BACKWARDS`: a virtual clock was asked to move to a time before its current one;
 * - `CLOCK_BUSY`: a virtual clock was advanced while an earlier advance was still running (await each one);
 * - `SETTLE_TIMEOUT`: work handed to `clock.track()` did not settle within `settleTimeoutMs`;
 * - `INVALID_ARGUMENT`: an argument of a helper is not what it takes (the message says what is);
 * - `NO_CONNECTION`: a linked pair's `server.connection` was read before the client connected;
 * - `CONNECTION_CLOSED`: a server message was pushed on a linked connection that has closed;
 * - `CALLBACK_THREW`: a callback the test gave the kit threw (a linked pair's `onConnect`: the
 *   connection is closed with 1011 and `connect()` rejects with this error, the thrown one as `cause`);
 * - `WS_MISSING`: `createFakeLiveServer` needs the `ws` package, an optional peer dependency that
 *   is not installed (`npm install -D ws`).
 */
export type TestKitErrorCode =
  | 'WAIT_TIMEOUT'
  | 'CALL_ENDED'
  | 'CLOCK_BACKWARDS'
  | 'CLOCK_BUSY'
  | 'SETTLE_TIMEOUT'
  | 'INVALID_ARGUMENT'
  | 'NO_CONNECTION'
  | 'CONNECTION_CLOSED'
  | 'CALLBACK_THREW'
  | 'WS_MISSING';

/**
 * A tool-testing helper could not do what was asked; `code` says why (see {@link TestKitErrorCode})
 * and the message says what was awaited and what was seen.
 *
 * @example
 * ```ts
 * try {
 *   await run.waitForResponses(3, { timeoutMs: 100 });
 * } catch (error) {
 *   if (TestKitError.isInstance(error)) console.log(error.code, error.message);
 * }
 * ```
 */
export class TestKitError extends Error {
  /** A stable code for what went wrong. */
  readonly code: TestKitErrorCode;

  constructor(code: TestKitErrorCode, message: string) {
    super(message);
    this.name = 'TestKitError';
    this.code = code;
    markError(this, marker);
  }

  /** True when `error` is a `TestKitError`, even one created by another copy of the package. */
  static isInstance(error: unknown): error is TestKitError {
    return hasErrorMarker(error, marker);
  }
}
