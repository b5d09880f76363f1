import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { longTimer, MAX_TIMER_DELAY_MS, scheduleAfter } from './schedule-after.js';

describe('scheduleAfter', () => {
  it('waits the whole delay in steps no longer than a timer can hold', () => {
    const scheduler = new VirtualTimeScheduler();
    const delays: number[] = [];
    const schedule = scheduler.schedule.bind(scheduler);
    scheduler.schedule = ((work, delay, state) => {
      delays.push(delay ?? 0);
      return schedule(work, delay, state);
    }) as typeof scheduler.schedule;
    const ranAt: number[] = [];
    const delay = 2.5 * MAX_TIMER_DELAY_MS;
    scheduleAfter(scheduler, delay, () => ranAt.push(scheduler.now()));
    scheduler.flush();
    expect(ranAt).toEqual([delay]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_DELAY_MS);
  });

  it('is cancelled by unsubscribing, also between steps', () => {
    const scheduler = new VirtualTimeScheduler();
    let ran = false;
    const subscription = scheduleAfter(scheduler, 3 * MAX_TIMER_DELAY_MS, () => {
      ran = true;
    });
    scheduler.schedule(() => subscription.unsubscribe(), MAX_TIMER_DELAY_MS + 1);
    scheduler.flush();
    expect(ran).toBe(false);
  });

  it('never runs for Infinity or NaN, and runs a negative delay at once', () => {
    const scheduler = new VirtualTimeScheduler();
    const runs: string[] = [];
    for (const delay of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      scheduleAfter(scheduler, delay, () => runs.push(`${delay}@${scheduler.now()}`));
    }
    scheduler.flush();
    expect(runs).toEqual(['-1@0']);
  });

  it('longTimer emits once and completes after the delay', () => {
    const scheduler = new VirtualTimeScheduler();
    const seen: string[] = [];
    longTimer(MAX_TIMER_DELAY_MS + 5, scheduler).subscribe({
      next: () => seen.push(`next@${scheduler.now()}`),
      complete: () => seen.push('complete'),
    });
    scheduler.flush();
    expect(seen).toEqual([`next@${MAX_TIMER_DELAY_MS + 5}`, 'complete']);
  });
});
