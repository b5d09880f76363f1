import { MAX_TIMER_MS } from '@livetools/core';
import { Observable, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * The longest delay a timer can hold: Node.js (and browsers) run a `setTimeout` or `setInterval`
 * of more than 2^31-1 ms (about 24.8 days) after 1 ms instead. The same value as `MAX_TIMER_MS`
 * of `@livetools/core`, which it is taken from.
 *
 * @example
 * ```ts
 * const steps = Math.ceil(delay / MAX_TIMER_DELAY_MS);
 * ```
 */
export const MAX_TIMER_DELAY_MS: number = MAX_TIMER_MS;

/**
 * Runs `work` once after `delayMs` on `scheduler`, in steps of at most {@link MAX_TIMER_DELAY_MS}
 * so that a delay longer than a timer can hold still waits its full length. Unsubscribing the
 * result cancels it. A negative delay runs as soon as the scheduler allows; `Infinity` and `NaN`
 * never run.
 *
 * @internal
 * @example
 * ```ts
 * const subscription = scheduleAfter(asyncScheduler, 30 * 24 * 3_600_000, () => console.log('30 days later'));
 * ```
 */
export function scheduleAfter(scheduler: SchedulerLike, delayMs: number, work: () => void): Subscription {
  const valid = Number.isFinite(delayMs);
  const delay = Math.max(delayMs, 0);
  const first = valid ? Math.min(delay, MAX_TIMER_DELAY_MS) : 0;
  return scheduler.schedule(
    function (this: SchedulerAction<number>, remaining = 0) {
      if (!valid) return;
      if (remaining <= 0) {
        work();
        return;
      }
      const step = Math.min(remaining, MAX_TIMER_DELAY_MS);
      this.schedule(remaining - step, step);
    },
    first,
    valid ? delay - first : 0,
  );
}

/**
 * Emits `0` and completes after `delayMs` on `scheduler`, however long the delay: like RxJS's
 * `timer(delayMs, scheduler)`, but scheduled in steps a timer can hold (see {@link scheduleAfter}).
 *
 * @internal
 * @example
 * ```ts
 * source$.pipe(takeUntil(longTimer(40 * 24 * 3_600_000, scheduler)));
 * ```
 */
export function longTimer(delayMs: number, scheduler: SchedulerLike): Observable<0> {
  return new Observable<0>((subscriber) =>
    scheduleAfter(scheduler, delayMs, () => {
      subscriber.next(0);
      subscriber.complete();
    }),
  );
}
