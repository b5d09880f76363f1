/**
 * The `coalesce` policy operator (`minIntervalMs`), specified with marbles in virtual time: one
 * value per window, the newest of a burst with the most urgent scheduling, nothing lost on
 * completion or error, nothing scheduled after unsubscription.
 */
import type { SchedulerAction, SchedulerLike } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createTestScheduler } from '../testing/create-test-scheduler.js';
import type { Scheduling } from '../tool/scheduling.js';
import { coalesce, type ScheduledValue } from './coalesce.js';

const idle = (value: string): ScheduledValue => ({ value, scheduling: 'WHEN_IDLE' });
const at = (value: string, scheduling: Scheduling): ScheduledValue => ({ value, scheduling });

/** `ts`, counting the windows `coalesce` schedules and those that fire. */
function counting(ts: TestScheduler) {
  const count = { scheduled: 0, fired: 0 };
  const scheduler: SchedulerLike = {
    now: () => ts.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T) {
      count.scheduled += 1;
      return ts.schedule<T>(
        function (this: SchedulerAction<T>, s?: T) {
          count.fired += 1;
          work.call(this, s);
        },
        delay,
        state,
      );
    },
  };
  return { scheduler, count };
}

/** Marble values `a`..`f`, all `WHEN_IDLE`. */
const values = Object.fromEntries([...'abcdef'].map((k) => [k, idle(k)]));

describe('coalesce', () => {
  it('never: emits nothing, schedules nothing, and keeps its one subscription to the source', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ScheduledValue>('-');
      expectObservable(source.pipe(coalesce(5, ts))).toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('empty: completes at once', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ScheduledValue>('|');
      expectObservable(source.pipe(coalesce(5, ts))).toBe('|');
      expectSubscriptions(source.subscriptions).toBe('(^!)');
    });
  });

  it('lets values further apart than the interval through as they come', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, expectObservable }) => {
      const source = cold('a------b------c|', values);
      expectObservable(source.pipe(coalesce(5, ts))).toBe('a------b------c|', values);
    });
  });

  it('bursts: the first value at once, then the newest of each window when it closes', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('abc-----d--|', values);
      expectObservable(source.pipe(coalesce(5, ts))).toBe('a----c----d|', values);
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('a burst in one frame: the first passes, the last is delivered when the window closes', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, expectObservable }) => {
      const source = cold('(abcd)------|', values);
      expectObservable(source.pipe(coalesce(5, ts))).toBe('a----d------|', values);
    });
  });

  it('keeps the most urgent scheduling of a burst on the newest value, and counts each value replaced', () => {
    const ts = createTestScheduler(expect);
    let replaced = 0;
    ts.run(({ cold, expectObservable }) => {
      const source = cold('abcd------|', {
        a: idle('a'),
        b: at('b', 'INTERRUPT'),
        c: at('c', 'SILENT'),
        d: idle('d'),
      });
      expectObservable(source.pipe(coalesce(5, ts, () => (replaced += 1)))).toBe('a----d----|', {
        a: idle('a'),
        d: at('d', 'INTERRUPT'),
      });
    });
    // b was replaced by c, c by d.
    expect(replaced).toBe(2);
  });

  it('completion flushes the newest pending value before completing', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, expectObservable }) => {
      const source = cold('ab|', values);
      expectObservable(source.pipe(coalesce(10, ts))).toBe('a-(b|)', values);
    });
  });

  it('an error inside a window: the pending value goes first, then the error', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('abc#', values, new Error('feed lost'));
      expectObservable(source.pipe(coalesce(10, ts))).toBe('a--(c#)', values, new Error('feed lost'));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('an error with nothing pending is passed on as is', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, expectObservable }) => {
      const source = cold('a------#', values);
      expectObservable(source.pipe(coalesce(3, ts))).toBe('a------#', values);
    });
  });

  it('unsubscribe mid-window: the pending value is dropped, the source released, the window cancelled', () => {
    const ts = createTestScheduler(expect);
    const { scheduler, count } = counting(ts);
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('ab-------c', values);
      expectObservable(source.pipe(coalesce(5, scheduler)), '^--!').toBe('a--', values);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
    expect(count).toEqual({ scheduled: 1, fired: 0 });
  });

  it('skips undefined (a refused value): it neither opens a window nor displaces the pending value', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, expectObservable }) => {
      const source = cold<ScheduledValue | undefined>('uaub----|', { ...values, u: undefined });
      expectObservable(source.pipe(coalesce(5, ts))).toBe('-a----b-|', values);
    });
  });

  it('opens no new window once a delivery has closed the subscriber', () => {
    const ts = createTestScheduler(expect);
    const { scheduler, count } = counting(ts);
    const delivered: unknown[] = [];
    ts.run(({ cold }) => {
      const sub = cold('ab-------|', values)
        .pipe(coalesce(5, scheduler))
        .subscribe((v) => {
          delivered.push(v.value);
          // The delivery of b, when the first window closes, ends the call.
          if (delivered.length === 2) sub.unsubscribe();
        });
    });
    expect(delivered).toEqual(['a', 'b']);
    expect(count).toEqual({ scheduled: 1, fired: 1 });
  });
});
