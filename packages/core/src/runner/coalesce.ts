import { Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { CheckedMedia } from '../tool/result-media.js';
import { mostUrgent, type Scheduling } from '../tool/scheduling.js';

/** @internal One emission with its resolved scheduling, and its checked media when it has any. */
export interface ScheduledValue {
  readonly value: unknown;
  readonly scheduling: Scheduling;
  readonly media?: CheckedMedia;
}

/**
 * @internal
 * Lets at most one value through per `intervalMs`. The first value passes at once and opens a
 * window; values inside the window are coalesced to the newest, carrying the most urgent scheduling
 * seen, and delivered when the window closes (which opens the next one). On completion or error a
 * pending value is delivered first, so nothing is lost. A value's media goes with it: a coalesced
 * value's media is replaced with the newer value's. `onCoalesced` is called for each value
 * replaced by a newer one (never sent). `undefined` (a value the runner refused) is skipped: it
 * neither opens a window nor displaces a pending value.
 */
export function coalesce(
  intervalMs: number,
  scheduler: SchedulerLike,
  onCoalesced: () => void = () => {},
): OperatorFunction<ScheduledValue | undefined, ScheduledValue> {
  return (source) =>
    new Observable<ScheduledValue>((subscriber) => {
      let pending: ScheduledValue | undefined;
      let window: Subscription | undefined;
      const flush = (): void => {
        if (pending) {
          const value = pending;
          pending = undefined;
          subscriber.next(value);
        }
      };
      const open = (): void => {
        window = scheduler.schedule(() => {
          window = undefined;
          if (pending) {
            flush();
            // The delivery may have ended the call (a tool-result handler stopping it): no new window.
            if (!subscriber.closed) open();
          }
        }, intervalMs);
      };
      const upstream = source.subscribe({
        next: (v) => {
          if (v === undefined) return;
          if (window) {
            if (pending) onCoalesced();
            // The newest value wins with its own media (or none); the most urgent scheduling stays.
            pending = pending ? merged(v, mostUrgent(pending.scheduling, v.scheduling)) : v;
          } else {
            subscriber.next(v);
            if (!subscriber.closed) open();
          }
        },
        error: (e: unknown) => {
          flush();
          subscriber.error(e);
        },
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        window?.unsubscribe();
        upstream.unsubscribe();
      };
    });
}

function merged(v: ScheduledValue, scheduling: Scheduling): ScheduledValue {
  return v.media === undefined
    ? { value: v.value, scheduling }
    : { value: v.value, scheduling, media: v.media };
}
