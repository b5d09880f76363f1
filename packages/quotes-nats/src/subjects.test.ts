import { describe, expect, it } from 'vitest';
import { decodeToken, encodeToken, relaySubjects } from './subjects.js';

describe('symbol encoding', () => {
  it.each([
    ['AAPL', 'AAPL'],
    ['BTC-USD', 'BTC-USD'],
    ['BRK.B', 'BRK_2EB'],
    ['IC MARKETS:1', 'IC_20MARKETS_3A1'],
    ['OANDA:EUR_USD', 'OANDA_3AEUR_5FUSD'],
    ['A*B>C', 'A_2AB_3EC'],
    ['^GSPC', '_5EGSPC'],
    ['EUR/USD', 'EUR_2FUSD'],
    ['Ä€', '_C3_84_E2_82_AC'],
  ])('%s ↔ %s, reversibly, as one subject token and KV key part', (symbol, token) => {
    expect(encodeToken(symbol)).toBe(token);
    expect(decodeToken(token)).toBe(symbol);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuses tokens it could not have written, without throwing', () => {
    for (const bad of ['', 'A.B', 'A B', 'BAD_ZZ', 'A_2e', 'A_', '_41', '_FF', '_C3', '*', '>']) {
      expect(decodeToken(bad)).toBeUndefined();
    }
    expect(decodeToken(42 as unknown as string)).toBeUndefined();
  });

  it('refuses to encode an empty symbol', () => {
    expect(() => encodeToken('')).toThrow(RangeError);
  });

  it('builds subjects and keys that never collide with the control subjects', () => {
    const subjects = relaySubjects('quotes');
    expect(subjects.quotes('simulated', 'BRK.B')).toBe('quotes.simulated.BRK_2EB');
    expect(subjects.key('simulated', 'IC MARKETS:1')).toBe('simulated.IC_20MARKETS_3A1');
    expect(subjects.demand('simulated')).toBe('quotes._demand.simulated');
    // a source literally named `_demand` is escaped, so it cannot hit the demand subject
    expect(subjects.quotes('_demand', 'simulated')).toBe('quotes._5Fdemand.simulated');
    expect(() => relaySubjects('quotes.>')).toThrow(/not a valid NATS subject prefix/);
    expect(() => relaySubjects('')).toThrow(RangeError);
  });
});
