import { describe, expect, it } from 'vitest';
import { providerText, symbolsNamedIn } from './symbols-named-in.js';

describe('symbolsNamedIn', () => {
  it('finds whole symbols only, with their own punctuation, case kept', () => {
    const words = symbolsNamedIn('Invalid symbol MSFT');
    expect(words.has('MSFT')).toBe(true);
    expect(words.has('A')).toBe(false);
    expect(words.has('MS')).toBe(false);
    expect(symbolsNamedIn('Symbol "BRK.B." is not supported.').has('BRK.B')).toBe(true);
    expect(symbolsNamedIn('BTC-USDT is not a valid product').has('BTC-USD')).toBe(false);
    expect(symbolsNamedIn("can't subscribe to (BINANCE:BTCUSDT)").has('BINANCE:BTCUSDT')).toBe(true);
    expect(symbolsNamedIn('a symbol failed').has('A')).toBe(false);
  });
});

describe('providerText', () => {
  it('never throws, whatever the value, and clips long text', () => {
    expect(providerText('text')).toBe('text');
    expect(providerText({ toString: 1 })).toBe('{"toString":1}');
    expect(providerText(42)).toBe('42');
    expect(providerText(undefined)).toBe('');
    expect(providerText(10n)).toBe('');
    expect(providerText('x'.repeat(1000))).toHaveLength(303);
  });
});
