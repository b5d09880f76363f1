/**
 * Time in the fake Live server: the scheduler its timed closes run on (injectable, so tests run in
 * virtual time), the scale applied to documented durations, and the close codes it ends
 * connections with when a time runs out.
 *
 * @packageDocumentation
 */

import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { LivetoolsError } from '../errors.js';

/** A close the fake Live server sends: its WebSocket close code and reason. */
export interface FakeLiveClose {
  /** The WebSocket close code. */
  readonly code: number;
  /** The close reason the client sees. */
  readonly reason: string;
}

/**
 * Close codes and reasons the fake Live server uses for what the docs describe without giving the
 * wire's exact words. `invalidArgument` is what users of the real service report for a request
 * the model refuses; the time-limit closes are the fake's own wording (the docs say only that the
 * connection or session is terminated), so match on `code` and a stable word of the reason.
 *
 * @example
 * ```ts
 * const { code, reason } = await connection.waitForClose();
 * expect({ code, reason }).toEqual(FAKE_LIVE_CLOSES.audioVideoSessionLimit);
 * ```
 */
export const FAKE_LIVE_CLOSES: {
  /** A protocol violation (close 1007), as the real service reports it. */
  readonly invalidArgument: FakeLiveClose;
  /** The time a `goAway` announced has passed. */
  readonly goAwayTimeLeft: FakeLiveClose;
  /** An audio+video session without `contextWindowCompression` reached its limit (about 2 minutes). */
  readonly audioVideoSessionLimit: FakeLiveClose;
  /** A session without video and without `contextWindowCompression` reached its limit (about 15 minutes). */
  readonly audioOnlySessionLimit: FakeLiveClose;
} = Object.freeze({
  /** A protocol violation (close 1007), as the real service reports it. */
  invalidArgument: Object.freeze({ code: 1007, reason: 'Request contains an invalid argument.' }),
  /** The time a `goAway` announced has passed. */
  goAwayTimeLeft: Object.freeze({
    code: 1011,
    reason: 'Connection aborted: the time left announced by goAway has passed.',
  }),
  /** An audio+video session without `contextWindowCompression` reached its limit (about 2 minutes). */
  audioVideoSessionLimit: Object.freeze({
    code: 1011,
    reason:
      'Session limit reached: audio+video sessions without contextWindowCompression end after 2 minutes.',
  }),
  /** A session without video and without `contextWindowCompression` reached its limit (about 15 minutes). */
  audioOnlySessionLimit: Object.freeze({
    code: 1011,
    reason:
      'Session limit reached: audio-only sessions without contextWindowCompression end after 15 minutes.',
  }),
});

/**
 * Options of `FakeLiveConnection.goAwayThenClose`.
 *
 * @example
 * ```ts
 * connection.goAwayThenClose('10s', { code: 1001, reason: 'Going away.' });
 * ```
 */
export interface FakeGoAwayCloseOptions {
  /**
   * The close code once the time is up (default 1011, {@link FAKE_LIVE_CLOSES}`.goAwayTimeLeft`):
   * 1000-1014 except 1004-1006, or 3000-4999; any other is refused at the call (`INVALID_OPTION`).
   */
  readonly code?: number;
  /** The close reason once the time is up. */
  readonly reason?: string;
}

/** What the connection needs to run timed closes. @internal */
export interface FakeLiveClock {
  readonly scheduler: SchedulerLike;
  /** Factor applied to every duration the server waits (documented limits, `goAway` time left). */
  readonly timeScale: number;
}

/** The default clock: real time, unscaled. @internal */
export const realClock: FakeLiveClock = { scheduler: asyncScheduler, timeScale: 1 };

/** Checks the server's `timeScale` option. @internal */
export function checkTimeScale(timeScale: number | undefined): number {
  if (timeScale === undefined) return 1;
  if (typeof timeScale !== 'number' || !Number.isFinite(timeScale) || timeScale <= 0) {
    throw new LivetoolsError(
      'INVALID_OPTION',
      `createFakeLiveServer: timeScale must be a finite number above 0 (got ${String(timeScale)}); use 0.001 to run a documented minute in 60 ms.`,
    );
  }
  return timeScale;
}

/** Runs `work` after `ms` (scaled) on the clock's scheduler. @internal */
export function after(clock: FakeLiveClock, ms: number, work: () => void): Subscription {
  return clock.scheduler.schedule(work, Math.max(0, ms * clock.timeScale));
}

/**
 * Milliseconds of a duration given as a proto JSON string (`"50s"`, `"0.25s"`) or a number of
 * milliseconds. Throws a `LivetoolsError` (`INVALID_OPTION`) for anything else. @internal
 */
export function durationMs(timeLeft: string | number): number {
  if (typeof timeLeft === 'number') {
    if (Number.isFinite(timeLeft) && timeLeft >= 0) return timeLeft;
  } else {
    const match = /^(\d{1,12}(?:\.\d{1,9})?)s$/.exec(timeLeft);
    if (match) return Number(match[1]) * 1000;
  }
  throw new LivetoolsError(
    'INVALID_OPTION',
    `goAwayThenClose: timeLeft must be a duration such as "50s" or "0.5s", or a number of milliseconds (got ${JSON.stringify(timeLeft)}).`,
  );
}

/**
 * Checks a close code given for a later close: one the WebSocket protocol forbids would make `ws`
 * throw inside the timer, so it is refused at the call instead. Throws a `LivetoolsError`
 * (`INVALID_OPTION`). @internal
 */
export function checkCloseCode(code: number): number {
  const valid =
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999));
  if (!valid) {
    throw new LivetoolsError(
      'INVALID_OPTION',
      `goAwayThenClose: code must be a close code a server may send, 1000-1014 (not 1004-1006) or 3000-4999 (got ${JSON.stringify(code)}).`,
    );
  }
  return code;
}

/** `ms` as a proto JSON duration string (`50000` → `"50s"`). @internal */
export function durationString(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
