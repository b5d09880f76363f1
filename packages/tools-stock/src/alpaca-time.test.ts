import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from './alpaca-time.js';

describe('parseRfc3339', () => {
  it('reads the RFC 3339 times Alpaca sends, nanoseconds included, to the millisecond', () => {
    expect(parseRfc3339('2021-02-22T15:51:44.208Z')).toBe(Date.UTC(2021, 1, 22, 15, 51, 44, 208));
    expect(parseRfc3339('2021-02-22T15:51:45.335689322Z')).toBe(Date.UTC(2021, 1, 22, 15, 51, 45, 335));
    expect(parseRfc3339('2021-02-22T15:51:45.3Z')).toBe(Date.UTC(2021, 1, 22, 15, 51, 45, 300));
    expect(parseRfc3339('2021-02-22T15:51:45Z')).toBe(Date.UTC(2021, 1, 22, 15, 51, 45));
    expect(parseRfc3339('2021-02-22T10:51:45.5-05:00')).toBe(Date.UTC(2021, 1, 22, 15, 51, 45, 500));
    expect(parseRfc3339('2021-02-22t15:51:45.000000001z')).toBe(Date.UTC(2021, 1, 22, 15, 51, 45));
    expect(parseRfc3339('2016-12-31T23:59:60Z')).toBe(Date.UTC(2017, 0, 1)); // a leap second
    expect(parseRfc3339('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('answers NaN, never throwing, for anything else', () => {
    const hostile: unknown[] = [
      '',
      'yesterday',
      '2021-02-30T00:00:00Z', // no such day
      '2023-02-29T00:00:00Z',
      '2021-13-01T00:00:00Z',
      '2021-02-22T24:00:00Z',
      '2021-02-22T15:60:00Z',
      '2021-02-22T15:51:61Z',
      '2021-02-22T15:51:45.1234567890Z', // ten digits
      '2021-02-22T15:51:45', // no offset
      '2021-02-22T15:51:45+25:00',
      '+275760-09-13T00:00:00.001Z',
      '0099-01-01T00:00:00Z', // Date.UTC would read it as 1999
      `2021-02-22T15:51:45.${'9'.repeat(100_000)}Z`,
      1_613_998_304_208,
      null,
      undefined,
      { toString: () => '2021-02-22T15:51:44.208Z' },
      ['2021-02-22T15:51:44.208Z'],
    ];
    for (const value of hostile) expect(parseRfc3339(value), String(value).slice(0, 40)).toBeNaN();
  });
});
