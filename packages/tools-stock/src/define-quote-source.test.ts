import { createTestScheduler } from '@livetools/core/testing';
import { NEVER, Observable, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineQuoteSource } from './define-quote-source.js';
import type { Quote, QuoteUpdate } from './quote-source.js';
import { QuoteSourceError } from './quote-source-error.js';

const quoteOf = (symbol: string, price: number): Quote => ({
  symbol,
  price,
  time: 1,
  source: 'test',
  marketOpen: true,
});

/** A provider whose upstreams are Subjects the test drives, counting every (un)subscription. */
function controllableProvider() {
  const upstreams = new Map<string, Subject<QuoteUpdate>>();
  const log: string[] = [];
  const connect = (symbol: string): Observable<QuoteUpdate> =>
    new Observable<QuoteUpdate>((subscriber) => {
      log.push(`subscribe ${symbol}`);
      const subject = new Subject<QuoteUpdate>();
      upstreams.set(symbol, subject);
      const subscription = subject.subscribe(subscriber);
      return () => {
        log.push(`unsubscribe ${symbol}`);
        subscription.unsubscribe();
      };
    });
  const push = (symbol: string, update: QuoteUpdate): void => upstreams.get(symbol)?.next(update);
  return { connect, push, log, upstreams };
}

describe('defineQuoteSource', () => {
  it('shares one upstream per symbol between subscribers and closes it after the last one leaves', () => {
    const provider = controllableProvider();
    const source = defineQuoteSource({ name: 'test', connect: provider.connect });
    const first: QuoteUpdate[] = [];
    const second: QuoteUpdate[] = [];

    const a = source.watch('AAPL').subscribe((update) => first.push(update));
    const b = source.watch(' aapl ').subscribe((update) => second.push(update));
    expect(provider.log).toEqual(['subscribe AAPL']);

    provider.push('AAPL', { type: 'quote', quote: quoteOf('AAPL', 10) });
    expect(first).toEqual([{ type: 'quote', quote: quoteOf('AAPL', 10) }]);
    expect(second).toEqual(first);

    a.unsubscribe();
    expect(provider.log).toEqual(['subscribe AAPL']);
    b.unsubscribe();
    expect(provider.log).toEqual(['subscribe AAPL', 'unsubscribe AAPL']);

    source.watch('AAPL').subscribe().unsubscribe();
    expect(provider.log).toEqual([
      'subscribe AAPL',
      'unsubscribe AAPL',
      'subscribe AAPL',
      'unsubscribe AAPL',
    ]);
  });

  it('replays the latest quote, and a non-live feed status, to a late subscriber', () => {
    const provider = controllableProvider();
    const source = defineQuoteSource({ name: 'test', connect: provider.connect });
    const early = source.watch('MSFT').subscribe();
    provider.push('MSFT', { type: 'quote', quote: quoteOf('MSFT', 1) });
    provider.push('MSFT', { type: 'quote', quote: quoteOf('MSFT', 2) });
    provider.push('MSFT', { type: 'status', status: 'stale', symbol: 'MSFT', time: 5 });

    const late: QuoteUpdate[] = [];
    const subscription = source.watch('msft').subscribe((update) => late.push(update));
    expect(late).toEqual([
      { type: 'quote', quote: quoteOf('MSFT', 2) },
      { type: 'status', status: 'stale', symbol: 'MSFT', time: 5 },
    ]);
    expect(provider.log).toEqual(['subscribe MSFT']);
    subscription.unsubscribe();
    early.unsubscribe();
  });

  it('keeps symbols apart', () => {
    const provider = controllableProvider();
    const source = defineQuoteSource({ name: 'test', connect: provider.connect });
    const received: string[] = [];
    const a = source.watch('AAPL').subscribe((u) => u.type === 'quote' && received.push(u.quote.symbol));
    const b = source.watch('TSLA').subscribe((u) => u.type === 'quote' && received.push(u.quote.symbol));
    provider.push('TSLA', { type: 'quote', quote: quoteOf('TSLA', 1) });
    expect(received).toEqual(['TSLA']);
    expect(provider.log).toEqual(['subscribe AAPL', 'subscribe TSLA']);
    a.unsubscribe();
    b.unsubscribe();
  });

  it('fails a malformed symbol with UNKNOWN_SYMBOL without opening an upstream', async () => {
    const provider = controllableProvider();
    const source = defineQuoteSource({ name: 'test', connect: provider.connect });
    let error: unknown;
    source.watch('not a symbol!').subscribe({ error: (e: unknown) => (error = e) });
    expect(QuoteSourceError.isInstance(error) && error.code).toBe('UNKNOWN_SYMBOL');
    await expect(source.quote('')).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    expect(provider.log).toEqual([]);
  });

  it('forgets an upstream that failed, so the next subscriber starts a fresh one', () => {
    const provider = controllableProvider();
    const source = defineQuoteSource({ name: 'test', connect: provider.connect });
    const errors: unknown[] = [];
    source.watch('AAPL').subscribe({ error: (e: unknown) => errors.push(e) });
    source.watch('AAPL').subscribe({ error: (e: unknown) => errors.push(e) });
    provider.upstreams.get('AAPL')?.error(new QuoteSourceError('PROVIDER_ERROR', 'boom'));
    expect(errors).toHaveLength(2);

    source.watch('AAPL').subscribe();
    expect(provider.log.filter((line) => line === 'subscribe AAPL')).toHaveLength(2);
  });

  it('answers quote() with the first quote, or the live one when the symbol is watched', async () => {
    const provider = controllableProvider();
    const source = defineQuoteSource({ name: 'test', connect: provider.connect });
    const pending = source.quote('nvda');
    provider.push('NVDA', { type: 'status', status: 'live', symbol: 'NVDA', time: 0 });
    provider.push('NVDA', { type: 'quote', quote: quoteOf('NVDA', 130) });
    await expect(pending).resolves.toEqual(quoteOf('NVDA', 130));
    expect(provider.log).toEqual(['subscribe NVDA', 'unsubscribe NVDA']);

    const watching = source.watch('NVDA').subscribe();
    provider.push('NVDA', { type: 'quote', quote: quoteOf('NVDA', 131) });
    await expect(source.quote('NVDA')).resolves.toEqual(quoteOf('NVDA', 131));
    watching.unsubscribe();
  });

  it('uses the provider one-shot quote when it has one', async () => {
    const source = defineQuoteSource({
      name: 'test',
      connect: () => NEVER,
      quote: async (symbol, { timeoutMs }) => quoteOf(symbol, timeoutMs),
      quoteTimeoutMs: 1234,
    });
    await expect(source.quote('ibm')).resolves.toEqual(quoteOf('IBM', 1234));
    await expect(source.quote('ibm', { timeoutMs: 5 })).resolves.toEqual(quoteOf('IBM', 5));
  });

  it('fails quote() with NO_QUOTE_TIMEOUT when no price comes in time (virtual time)', async () => {
    const scheduler = createTestScheduler(expect);
    let unsubscribed = false;
    const source = defineQuoteSource({
      name: 'test',
      connect: () => new Observable<QuoteUpdate>(() => () => (unsubscribed = true)),
      quoteTimeoutMs: 10_000,
    });
    let pending: Promise<Quote> | undefined;
    scheduler.run(({ flush }) => {
      pending = source.quote('AAPL');
      pending.catch(() => {});
      flush();
      expect(scheduler.now()).toBe(10_000);
    });
    await expect(pending).rejects.toMatchObject({ code: 'NO_QUOTE_TIMEOUT', symbol: 'AAPL', source: 'test' });
    expect(unsubscribed).toBe(true);
  });
});

describe('QuoteSourceError', () => {
  it('has a stable code and is recognised across package copies', () => {
    const error = new QuoteSourceError('MISSING_API_KEY', 'Set FINNHUB_API_KEY.', { source: 'finnhub' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('QuoteSourceError');
    expect(error.code).toBe('MISSING_API_KEY');
    expect(error.source).toBe('finnhub');
    expect(QuoteSourceError.isInstance(error)).toBe(true);
    expect(QuoteSourceError.isInstance(new Error('x'))).toBe(false);
    const fromAnotherCopy = Object.defineProperty(
      new Error('x'),
      Symbol.for('livetools.error.QuoteSourceError'),
      {
        value: true,
      },
    );
    expect(QuoteSourceError.isInstance(fromAnotherCopy)).toBe(true);
  });

  it('drops, counts and logs streamed quotes that cannot be used; the stream goes on', () => {
    const provider = controllableProvider();
    const logged: string[] = [];
    const logger = {
      debug: (message: string) => logged.push(message),
      info: () => {},
      warn: () => {},
      error: () => {},
    };
    const source = defineQuoteSource({
      name: 'test',
      connect: provider.connect,
      logger,
      stats: () => ({ ignoredQuotes: 1, ignoredMessages: 2 }),
    });
    const prices: number[] = [];
    source.watch('AAPL').subscribe((update) => {
      if (update.type === 'quote') prices.push(update.quote.price);
    });
    for (const bad of [quoteOf('AAPL', 0), quoteOf('AAPL', -1), { ...quoteOf('AAPL', 5), time: 1.7e18 }]) {
      provider.push('AAPL', { type: 'quote', quote: bad });
    }
    provider.push('AAPL', { type: 'quote', quote: quoteOf('AAPL', 101) });
    expect(prices).toEqual([101]);
    expect(source.stats?.()).toEqual({ ignoredQuotes: 4, ignoredMessages: 2 });
    expect(logged).toEqual([
      'test: ignored a quote: price 0 is not a positive number below 1000000000000000',
      'test: ignored a quote: price -1 is not a positive number below 1000000000000000',
      'test: ignored a quote: time 1700000000000000000 is not epoch milliseconds between 1970 and 2200',
    ]);
  });

  it('rejects a one-shot quote that cannot be used with PROVIDER_ERROR, saying why', async () => {
    const source = defineQuoteSource({
      name: 'test',
      connect: () => NEVER,
      quote: async (symbol) => ({ ...quoteOf(symbol, 10), time: Number.NaN }),
    });
    await expect(source.quote('AAPL')).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('time NaN is not epoch milliseconds'),
    });
  });
});
