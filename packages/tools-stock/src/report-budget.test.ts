import { describe, expect, it } from 'vitest';
import { createReportBudget, REPORT_BURST } from './report-budget.js';

describe('createReportBudget', () => {
  it('allows a burst of 3, then one report each 60/perMinute seconds', () => {
    const budget = createReportBudget(12);
    const taken = Array.from({ length: 5 }, () => budget.take(0));
    expect(taken).toEqual([true, true, true, false, false]);
    expect(REPORT_BURST).toBe(3);
    expect(budget.waitMs(0)).toBe(5000);
    expect(budget.take(4999)).toBe(false);
    expect(budget.take(5000)).toBe(true);
    expect(budget.take(5000)).toBe(false);
    expect(budget.waitMs(5000)).toBe(5000);
  });

  it('sends no more than perMinute plus the burst in any minute, however often it is asked', () => {
    const budget = createReportBudget(12);
    let sent = 0;
    for (let t = 0; t <= 60_000; t += 7) if (budget.take(t)) sent++;
    expect(sent).toBeLessThanOrEqual(12 + REPORT_BURST);
    expect(sent).toBeGreaterThanOrEqual(12);
  });

  it('never limits with Infinity, and bursts at most perMinute below 3', () => {
    const free = createReportBudget(Number.POSITIVE_INFINITY);
    expect(Array.from({ length: 1000 }, () => free.take(0)).every(Boolean)).toBe(true);
    const one = createReportBudget(1);
    expect([one.take(0), one.take(0)]).toEqual([true, false]);
    expect(one.waitMs(0)).toBe(60_000);
  });
});
