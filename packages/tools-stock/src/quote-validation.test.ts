import { describe, expect, it } from 'vitest';
import type { Quote } from './quote-source.js';
import { priceProblem, quoteProblem, timeProblem } from './quote-validation.js';

const quote = (fields: Partial<Record<keyof Quote, unknown>>): Quote =>
  ({
    symbol: 'AAPL',
    price: 100,
    time: 1_700_000_000_000,
    source: 't',
    marketOpen: true,
    ...fields,
  }) as Quote;

describe('quote validation', () => {
  it('accepts ordinary quotes, tiny and large prices within the bounds', () => {
    expect(quoteProblem(quote({}))).toBeUndefined();
    expect(quoteProblem(quote({ price: 1e-8, bid: 0, ask: 2, volume: 0 }))).toBeUndefined();
    expect(priceProblem(999_999_999_999_999)).toBeUndefined();
    expect(timeProblem(0)).toBeUndefined();
  });

  it('refuses prices that are not finite and positive, or out of range, saying why', () => {
    for (const price of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e15, 1e-13]) {
      expect(priceProblem(price), String(price)).toMatch(/^price .* is not a positive number/);
    }
    expect(priceProblem('101')).toBe('price is a string, not a number');
    expect(priceProblem(null)).toBe('price is a null, not a number');
  });

  it('refuses times in nanoseconds, huge, negative or mistyped', () => {
    for (const time of [1.7e18, 1.7e15, 1e20, -1, Number.NaN]) {
      expect(timeProblem(time), String(time)).toMatch(/is not epoch milliseconds between 1970 and 2200/);
    }
    expect(timeProblem('1700000000000')).toBe('time is a string, not a number');
  });

  it('refuses quotes without a symbol and with bad optional fields', () => {
    expect(quoteProblem(quote({ symbol: '' }))).toBe('the quote has no symbol');
    expect(quoteProblem(quote({ symbol: 42 }))).toBe('the quote has no symbol');
    expect(quoteProblem(quote({ bid: -1 }))).toBe('bid -1 is not a finite number >= 0');
    expect(quoteProblem(quote({ volume: '3' }))).toBe('volume string is not a finite number >= 0');
    expect(quoteProblem(null as unknown as Quote)).toBe('the quote is a null');
  });
});
