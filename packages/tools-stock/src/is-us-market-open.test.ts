import { describe, expect, it } from 'vitest';
import { isUsMarketOpen } from './is-us-market-open.js';

describe('isUsMarketOpen', () => {
  it('follows the New York regular session', () => {
    expect(isUsMarketOpen(Date.parse('2024-03-05T15:00:00Z'))).toBe(true); // Tuesday 10:00
    expect(isUsMarketOpen(Date.parse('2024-03-05T14:29:00Z'))).toBe(false); // 9:29
    expect(isUsMarketOpen(Date.parse('2024-03-05T21:00:00Z'))).toBe(false); // 16:00
    expect(isUsMarketOpen(Date.parse('2024-03-09T15:00:00Z'))).toBe(false); // Saturday
  });

  it('answers false, never throws, for times no Date can hold (regression: RangeError: Invalid time value)', () => {
    for (const time of [1.709e18, 1e20, -1e20, Number.NaN, Number.POSITIVE_INFINITY, 8.64e15 + 1]) {
      expect(isUsMarketOpen(time), String(time)).toBe(false);
    }
  });
});
