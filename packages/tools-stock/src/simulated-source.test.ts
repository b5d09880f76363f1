import { createTestScheduler } from '@livetools/core/testing';
import type { Subscription } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { Quote, QuoteUpdate } from './quote-source.js';
import {
  createSimulatedSource,
  SIMULATED_INVENTED_SOURCE,
  type SimulatedSourceOptions,
} from './simulated-source.js';

function newScheduler(): TestScheduler {
  return createTestScheduler(expect);
}

/** Watches `symbol` for `durationMs` of virtual time and returns every quote with its virtual arrival time. */
function record(
  symbol: string,
  durationMs: number,
  options: Omit<SimulatedSourceOptions, 'scheduler'> = {},
): { quote: Quote; at: number }[] {
  const scheduler = newScheduler();
  const quotes: { quote: Quote; at: number }[] = [];
  scheduler.run(() => {
    const source = createSimulatedSource({ ...options, scheduler });
    const subscription = source.watch(symbol).subscribe((update) => {
      if (update.type === 'quote') quotes.push({ quote: update.quote, at: scheduler.now() });
    });
    scheduler.schedule(() => subscription.unsubscribe(), durationMs);
  });
  return quotes;
}

function standardDeviation(values: number[]): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
}

describe('createSimulatedSource', () => {
  it('emits a realistic first quote at once, then about one tick a second with jitter', () => {
    const quotes = record('AAPL', 60_000, { seed: 1 });
    expect(quotes[0]).toEqual({
      at: 0,
      quote: expect.objectContaining({
        symbol: 'AAPL',
        price: 230,
        time: 0,
        source: 'simulated',
        marketOpen: true,
      }),
    });
    const first = quotes[0]?.quote;
    expect(first?.bid).toBeLessThan(230);
    expect(first?.ask).toBeGreaterThan(230);
    const gaps = quotes.slice(1).map((q, i) => q.at - (quotes[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1500);
    expect(quotes.length).toBeGreaterThan(50);
    expect(quotes.length).toBeLessThan(70);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const prices = (seed: number | string) =>
      record('TSLA', 120_000, { seed }).map((q) => [q.at, q.quote.price]);
    expect(prices(42)).toEqual(prices(42));
    expect(prices('abc')).toEqual(prices('abc'));
    expect(prices(42)).not.toEqual(prices(43));
  });

  it('has the annualised volatility it is configured with (per-minute returns over a session)', () => {
    const session = 6.5 * 3600 * 1000;
    for (const [symbol, volatility, secondsPerYear] of [
      ['AAPL', 0.25, 252 * 6.5 * 3600],
      ['NVDA', 0.5, 252 * 6.5 * 3600],
      ['BTC-USD', 0.55, 365 * 24 * 3600],
    ] as const) {
      const quotes = record(symbol, session, { seed: 7 });
      const minuteCloses: number[] = [];
      let index = 0;
      for (let minute = 0; minute * 60_000 <= session; minute++) {
        while ((quotes[index + 1]?.at ?? Number.POSITIVE_INFINITY) <= minute * 60_000) index++;
        minuteCloses.push(quotes[index]?.quote.price ?? Number.NaN);
      }
      const returns = minuteCloses.slice(1).map((price, i) => Math.log(price / (minuteCloses[i] ?? price)));
      const realised = standardDeviation(returns) * Math.sqrt(secondsPerYear / 60);
      expect(realised).toBeGreaterThan(volatility * 0.85);
      expect(realised).toBeLessThan(volatility * 1.15);
      // intraday moves stay realistic: a 6.5 h session moves a few percent, not tens of percent
      const last = quotes.at(-1)?.quote.price ?? 0;
      const first = quotes[0]?.quote.price ?? 1;
      expect(Math.abs(Math.log(last / first))).toBeLessThan(volatility * 0.5);
    }
    // a whole simulated session per symbol: about a second alone, more on a loaded machine
  }, 30_000);

  it('scales the volatility per tick by the square root of speed, for demos', () => {
    const returns = (speed: number) => {
      const prices = record('AAPL', 3_600_000, { seed: 3, speed }).map((q) => q.quote.price);
      return standardDeviation(prices.slice(1).map((p, i) => Math.log(p / (prices[i] ?? p))));
    };
    const ratio = returns(60) / returns(1);
    expect(ratio).toBeGreaterThan(Math.sqrt(60) * 0.9);
    expect(ratio).toBeLessThan(Math.sqrt(60) * 1.1);
    expect(() => createSimulatedSource({ speed: 0 })).toThrow(/speed must be a positive number/);
  });

  it('gives unknown well-formed symbols a deterministic price and refuses malformed ones', async () => {
    const a = createSimulatedSource({ seed: 1 });
    const b = createSimulatedSource({ seed: 2 });
    const first = await a.quote('zzzq');
    expect(first.symbol).toBe('ZZZQ');
    expect(first.price).toBeGreaterThanOrEqual(10);
    expect(first.price).toBeLessThanOrEqual(1000);
    expect((await b.quote('ZZZQ')).price).toBe(first.price);
    await expect(a.quote('no such thing')).rejects.toMatchObject({
      code: 'UNKNOWN_SYMBOL',
      source: 'simulated',
    });
    let error: unknown;
    a.watch('$').subscribe({ error: (e: unknown) => (error = e) });
    expect(error).toMatchObject({ code: 'UNKNOWN_SYMBOL' });
  });

  it('labels the quotes of a symbol it made up, so the user sees the price is invented', async () => {
    const source = createSimulatedSource({ seed: 1, symbols: { acme: { price: 12.34, volatility: 0.3 } } });
    expect((await source.quote('ZZZZZZ')).source).toBe(SIMULATED_INVENTED_SOURCE);
    expect(SIMULATED_INVENTED_SOURCE).toMatch(/^simulated \(invented/);
    expect((await source.quote('AAPL')).source).toBe('simulated');
    expect((await source.quote('ACME')).source).toBe('simulated');
    expect(source.name).toBe('simulated');
  });

  it('accepts custom instruments', async () => {
    const source = createSimulatedSource({ symbols: { acme: { price: 12.34, volatility: 0.3 } } });
    expect((await source.quote('ACME')).price).toBe(12.34);
  });

  it('shares one upstream between subscribers, replays the latest quote and stops after the last leaves', () => {
    const scheduler = newScheduler();
    scheduler.run(() => {
      let clockReads = 0;
      const source = createSimulatedSource({
        scheduler,
        seed: 3,
        now: () => {
          clockReads++;
          return scheduler.now();
        },
      });
      const first: QuoteUpdate[] = [];
      const second: QuoteUpdate[] = [];
      const late: QuoteUpdate[] = [];
      let c: Subscription | undefined;
      const a = source.watch('META').subscribe((u) => first.push(u));
      const b = source.watch('meta').subscribe((u) => second.push(u));
      scheduler.schedule(() => {
        c = source.watch('META').subscribe((u) => late.push(u));
        // the late subscriber gets the latest quote at once, not a new one
        expect(late).toEqual([first.at(-1)]);
      }, 5_250);
      scheduler.schedule(() => {
        a.unsubscribe();
        b.unsubscribe();
        c?.unsubscribe();
      }, 10_000);
      scheduler.schedule(() => {
        // one upstream: the clock is read once per tick (plus the first quote), not once per subscriber
        expect(clockReads).toBe(first.length + 1);
        expect(second).toEqual(first);
        expect(late.slice(1)).toEqual(first.slice(first.length - late.length + 1));
        const reads = clockReads;
        scheduler.schedule(() => expect(clockReads).toBe(reads), 60_000); // closed: no more ticks
      }, 10_001);
    });
  });

  it('continues a path where it left off when a symbol is watched again', () => {
    const scheduler = newScheduler();
    const firstRun: number[] = [];
    const secondRun: number[] = [];
    scheduler.run(() => {
      const source = createSimulatedSource({ scheduler, seed: 5 });
      const s1 = source.watch('AMZN').subscribe((u) => u.type === 'quote' && firstRun.push(u.quote.price));
      scheduler.schedule(() => s1.unsubscribe(), 30_000);
      scheduler.schedule(() => {
        const s2 = source.watch('AMZN').subscribe((u) => u.type === 'quote' && secondRun.push(u.quote.price));
        scheduler.schedule(() => s2.unsubscribe(), 5_000);
      }, 3_600_000);
    });
    expect(firstRun[0]).toBe(190);
    expect(secondRun[0]).not.toBe(190);
    expect(secondRun[0]).not.toBe(firstRun.at(-1));
    expect(Math.abs(Math.log((secondRun[0] ?? 0) / (firstRun.at(-1) ?? 1)))).toBeLessThan(0.05);
  });

  it('simulates US market hours when asked: equities stop at the close, crypto trades on', () => {
    const nearClose = Date.parse('2024-03-05T20:59:50Z'); // 15:59:50 in New York
    const options = { seed: 9, marketHours: 'us-equities' as const };
    const scheduler = newScheduler();
    const quotes: Quote[] = [];
    scheduler.run(() => {
      const source = createSimulatedSource({ ...options, scheduler, now: () => nearClose + scheduler.now() });
      const subscription = source.watch('AAPL').subscribe((u) => u.type === 'quote' && quotes.push(u.quote));
      const crypto: Quote[] = [];
      const cryptoSubscription = source
        .watch('BTC-USD')
        .subscribe((u) => u.type === 'quote' && crypto.push(u.quote));
      scheduler.schedule(() => {
        subscription.unsubscribe();
        cryptoSubscription.unsubscribe();
        expect(crypto.length).toBeGreaterThan(3000);
        expect(crypto.every((q) => q.marketOpen)).toBe(true);
      }, 3_600_000);
    });
    const closed = quotes.filter((q) => !q.marketOpen);
    expect(quotes[0]?.marketOpen).toBe(true);
    expect(closed).toHaveLength(1); // one quote says the market closed, then silence
    expect(quotes.at(-1)?.marketOpen).toBe(false);
    expect(quotes.at(-1)?.time).toBeLessThan(nearClose + 12_000);
  });
});
