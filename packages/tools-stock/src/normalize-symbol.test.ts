import { describe, expect, it } from 'vitest';
import { isUsMarketOpen } from './is-us-market-open.js';
import { normalizeSymbol } from './normalize-symbol.js';

describe('normalizeSymbol', () => {
  it('trims and upper-cases', () => {
    expect(normalizeSymbol('  aapl ')).toBe('AAPL');
    expect(normalizeSymbol('btc-usd')).toBe('BTC-USD');
    expect(normalizeSymbol('brk.b')).toBe('BRK.B');
    expect(normalizeSymbol('binance:btcusdt')).toBe('BINANCE:BTCUSDT');
    expect(normalizeSymbol('^gspc')).toBe('^GSPC');
  });

  it('refuses malformed symbols with UNKNOWN_SYMBOL and a hint', () => {
    for (const bad of ['', '   ', 'two words', '$$$', 'A'.repeat(40), '-AAPL']) {
      expect(() => normalizeSymbol(bad, 'test')).toThrow(
        expect.objectContaining({
          code: 'UNKNOWN_SYMBOL',
          source: 'test',
          message: expect.stringContaining('AAPL'),
        }),
      );
    }
  });
});

describe('isUsMarketOpen', () => {
  it('follows the New York regular session, daylight saving included', () => {
    expect(isUsMarketOpen(Date.parse('2024-03-05T14:29:00Z'))).toBe(false); // 9:29 EST
    expect(isUsMarketOpen(Date.parse('2024-03-05T14:30:00Z'))).toBe(true); // 9:30 EST
    expect(isUsMarketOpen(Date.parse('2024-03-05T20:59:00Z'))).toBe(true); // 15:59 EST
    expect(isUsMarketOpen(Date.parse('2024-03-05T21:00:00Z'))).toBe(false); // 16:00 EST
    expect(isUsMarketOpen(Date.parse('2024-07-09T13:30:00Z'))).toBe(true); // 9:30 EDT
    expect(isUsMarketOpen(Date.parse('2024-03-09T15:00:00Z'))).toBe(false); // Saturday
    expect(isUsMarketOpen(Date.parse('2024-03-10T15:00:00Z'))).toBe(false); // Sunday
  });
});
