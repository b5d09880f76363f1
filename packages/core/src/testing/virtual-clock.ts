import { type SchedulerAction, type SchedulerLike, type Subscription, VirtualTimeScheduler } from 'rxjs';
import { nextTurn, realNow, realTimeout } from './real-time.js';
import { TestKitError } from './test-kit-error.js';

/** Options of {@link createVirtualClock}. */
export interface VirtualClockOptions {
  /** The virtual time the clock starts at, in ms (what `now()` returns before any advance). Default 0. */
  readonly startTime?: number;
  /**
   * How many turns of the event loop `settle()` lets pass (each one runs every pending microtask,
   * then one round of I/O callbacks and `setImmediate`s), after the work given to `track()` has
   * settled. Default 3: enough for promise chains and an injected `fetch` that answers from
   * memory; real I/O should go through `track()`.
   */
  readonly settleTurns?: number;
  /**
   * How long, in real ms, `settle()` waits for the work given to `track()` before it rejects with a
   * `TestKitError` of code `SETTLE_TIMEOUT`. Default 2000.
   */
  readonly settleTimeoutMs?: number;
}

/**
 * An RxJS scheduler in virtual time whose steps let promises settle: give it to a tool as its
 * scheduler (`testTool(tool, args, { scheduler: clock })`, or `ToolRunner`'s and
 * `createLiveAgent`'s `scheduler` option), then move time with `advanceBy`. Before each due time
 * step and after it, the clock lets the promises the tool awaits settle, so a tool that awaits
 * `fetch` and then emits on a timer runs in order, as it would in real time, but at once.
 *
 * Only timers taken from this scheduler run in virtual time (`ctx.scheduler` in a tool); a real
 * `setTimeout` inside the tool still waits in real time.
 *
 * @example
 * ```ts
 * const clock = createVirtualClock();
 * const run = testTool(pollPrice, { symbol: 'ACME' }, { scheduler: clock });
 * await clock.advanceBy(0); // the first fetch resolves, its result is sent
 * await clock.advanceBy(5000); // the next poll
 * expect(run.outputs).toHaveLength(2);
 * ```
 */
export interface VirtualClock extends SchedulerLike {
  /** The current virtual time, in ms. */
  now(): number;
  /** How many timers are scheduled and not yet run. */
  readonly scheduledActions: number;
  /** How many promises given to {@link VirtualClock.track} have not settled yet. */
  readonly trackedWork: number;
  /**
   * Moves virtual time forward by `ms`, running every timer due on the way in time order, and
   * letting pending promises settle ({@link VirtualClock.settle}) before the first step and after
   * each one. `advanceBy(0)` only runs what is due now and lets promises settle. Await each advance
   * before the next.
   *
   * @throws {@link TestKitError} (rejects) `INVALID_ARGUMENT` for a negative or non-finite `ms`,
   * `CLOCK_BUSY` while another advance runs, `SETTLE_TIMEOUT` when tracked work hangs. A timer
   * callback that throws rejects the advance with its error (the clock then drops its other timers,
   * as RxJS's `VirtualTimeScheduler` does).
   */
  advanceBy(ms: number): Promise<void>;
  /** Moves virtual time forward to `time` (ms), as {@link VirtualClock.advanceBy} does. */
  advanceTo(time: number): Promise<void>;
  /**
   * Lets pending promises settle, moves to the time of the next scheduled timer and runs what is
   * due then. Resolves `false` (without moving) when no timer is scheduled.
   */
  advanceToNext(): Promise<boolean>;
  /**
   * Lets pending promises settle without moving time: waits (in real time, at most
   * `settleTimeoutMs`) until every promise given to `track()` has settled, then lets `settleTurns`
   * turns of the event loop pass, and repeats while new tracked work appeared.
   */
  settle(): Promise<void>;
  /**
   * Makes the clock wait for `work` in every `settle()`, e.g. a request to a local test server that
   * needs real I/O. Returns a promise of the same outcome.
   *
   * @example
   * ```ts
   * const fetchTracked: typeof fetch = (input, init) => clock.track(fetch(input, init));
   * ```
   */
  track<T>(work: PromiseLike<T>): Promise<T>;
}

function checkTime(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TestKitError(
      'INVALID_ARGUMENT',
      `${name} must be a finite number of ms; got ${String(value)}.`,
    );
  }
  return value;
}

function checkCount(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TestKitError(
      'INVALID_ARGUMENT',
      `${name} must be a whole number, ${min} or more; got ${String(value)}.`,
    );
  }
  return value;
}

class Clock implements VirtualClock {
  readonly #virtual = new VirtualTimeScheduler();
  readonly #work = new Set<Promise<unknown>>();
  readonly #turns: number;
  readonly #settleTimeoutMs: number;
  #busy = false;

  constructor(options: VirtualClockOptions) {
    this.#virtual.frame = checkTime('startTime', options.startTime ?? 0);
    this.#turns = checkCount('settleTurns', options.settleTurns, 3, 1);
    this.#settleTimeoutMs = checkCount('settleTimeoutMs', options.settleTimeoutMs, 2000, 0);
  }

  now(): number {
    return this.#virtual.frame;
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    // A negative or NaN delay means "now", as with setTimeout: time never moves backwards, and no
    // timer is dropped. An infinite one never comes, as with every RxJS scheduler.
    return this.#virtual.schedule(work, Number.isNaN(delay) ? 0 : Math.max(0, delay), state);
  }

  get scheduledActions(): number {
    return this.#virtual.actions.length;
  }

  get trackedWork(): number {
    return this.#work.size;
  }

  track<T>(work: PromiseLike<T>): Promise<T> {
    const promise = Promise.resolve(work);
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.#work.add(settled);
    void settled.then(() => this.#work.delete(settled));
    return promise;
  }

  async settle(): Promise<void> {
    const deadline = realNow() + this.#settleTimeoutMs;
    for (;;) {
      for (let i = 0; i < this.#turns; i++) await nextTurn();
      if (this.#work.size === 0) return;
      const left = deadline - realNow();
      let cancel: (() => void) | undefined;
      const timedOut = await Promise.race([
        Promise.all([...this.#work]).then(() => false),
        new Promise<boolean>((resolve) => {
          cancel = realTimeout(() => resolve(true), Math.max(0, left));
        }),
      ]);
      cancel?.();
      if (timedOut) {
        throw new TestKitError(
          'SETTLE_TIMEOUT',
          `${this.#work.size} tracked promise(s) did not settle within ${this.#settleTimeoutMs} ms of real time ` +
            '(settleTimeoutMs); check that the work given to clock.track() can finish, or raise settleTimeoutMs.',
        );
      }
    }
  }

  async advanceBy(ms: number): Promise<void> {
    const by = checkTime('advanceBy(ms)', ms);
    if (by < 0) {
      throw new TestKitError('INVALID_ARGUMENT', `advanceBy(ms) takes 0 or more ms; got ${by}.`);
    }
    return this.advanceTo(this.now() + by);
  }

  async advanceTo(time: number): Promise<void> {
    const target = checkTime('advanceTo(time)', time);
    if (target < this.now()) {
      throw new TestKitError(
        'CLOCK_BACKWARDS',
        `advanceTo(${target}) would move the clock back from ${this.now()}; virtual time only moves forward.`,
      );
    }
    if (this.#busy) {
      throw new TestKitError(
        'CLOCK_BUSY',
        'The clock is already advancing: await each advanceBy/advanceTo/advanceToNext before the next.',
      );
    }
    this.#busy = true;
    const virtual = this.#virtual;
    try {
      await this.settle();
      for (;;) {
        const next = virtual.actions[0];
        if (next === undefined || next.delay > target) break;
        // Run what is due at the next time step only, then let the promises it started settle.
        virtual.maxFrames = next.delay;
        virtual.flush();
        await this.settle();
      }
      virtual.frame = target;
    } finally {
      virtual.maxFrames = Number.POSITIVE_INFINITY;
      this.#busy = false;
    }
  }

  async advanceToNext(): Promise<boolean> {
    await this.settle();
    const next = this.#virtual.actions[0];
    if (next === undefined) return false;
    await this.advanceTo(Math.max(next.delay, this.now()));
    return true;
  }
}

/**
 * Makes a {@link VirtualClock}: an RxJS scheduler in virtual time (over `VirtualTimeScheduler`)
 * whose `advanceBy` lets the promises a tool awaits settle between time steps.
 *
 * @param options - Where time starts, and how long `settle()` waits.
 * @throws {@link TestKitError} `INVALID_ARGUMENT` when an option is not a number it takes.
 *
 * @example
 * ```ts
 * const clock = createVirtualClock({ startTime: Date.UTC(2026, 0, 5, 14, 30) });
 * const seen: number[] = [];
 * clock.schedule(() => seen.push(clock.now()), 1000);
 * await clock.advanceBy(1000);
 * ```
 */
export function createVirtualClock(options: VirtualClockOptions = {}): VirtualClock {
  return new Clock(options);
}
