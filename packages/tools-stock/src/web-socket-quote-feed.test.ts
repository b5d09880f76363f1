import { createServer } from 'node:net';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { FakeProviderServer } from '../test/support/fake-provider-server.js';
import { ProcessGuard } from '../test/support/process-guard.js';
import { UpdateRecorder } from '../test/support/recorder.js';
import type { Quote } from './quote-source.js';
import { QuoteSourceError } from './quote-source-error.js';
import { createWebSocketQuoteFeed, type WebSocketQuoteProtocol } from './web-socket-quote-feed.js';

describe('createWebSocketQuoteFeed', () => {
  it('counts a message its protocol throws on, whatever it throws, and goes on with the next', async () => {
    using guard = new ProcessGuard();
    await using server = await FakeProviderServer.start();
    const protocol: WebSocketQuoteProtocol = {
      name: 'example',
      url: () => server.wsUrl,
      subscribe: (symbol, connection) => connection.send({ op: 'sub', symbol }),
      unsubscribe: (symbol, connection) => connection.send({ op: 'unsub', symbol }),
      handleMessage: (message, feed) => {
        const m = message as { throw?: string; quote?: Quote };
        if (m.throw === 'error') throw new Error('cannot read this');
        if (m.throw === 'object') throw Object.create(null);
        if (m.quote) feed.quote(m.quote);
      },
    };
    const feed = createWebSocketQuoteFeed(protocol, { idleCloseMs: 0 });
    using watch = new UpdateRecorder(feed.connect('ACME'));
    await server.message((m) => m.message.symbol === 'ACME');
    server.send({ throw: 'error' });
    server.send({ throw: 'object' });
    const quote: Quote = { symbol: 'ACME', price: 12, time: 1, source: 'example', marketOpen: true };
    server.send({ quote: { ...quote, price: -12 } });
    server.send({ quote });
    expect(await watch.nthQuote(1)).toEqual(quote);
    expect(feed.stats()).toEqual({ ignoredQuotes: 1, ignoredMessages: 2 });
    expect(watch.error).toBeUndefined();
    expect(guard.escaped).toEqual([]);
  });

  it('refuses a symbol beyond maxSymbols before subscribing it, and fails a symbol whose snapshot says NO_ACCESS', async () => {
    await using server = await FakeProviderServer.start();
    const protocol: WebSocketQuoteProtocol = {
      name: 'example',
      url: () => server.wsUrl,
      subscribe: (symbol, connection) => connection.send({ op: 'sub', symbol }),
      unsubscribe: (symbol, connection) => connection.send({ op: 'unsub', symbol }),
      handleMessage: (message, feed) => feed.quote((message as { quote: Quote }).quote),
      snapshot: async (symbol) => {
        if (symbol === 'LOCKED') throw new QuoteSourceError('NO_ACCESS', 'not on this plan', { symbol });
        return undefined;
      },
      maxSymbols: 2,
    };
    const feed = createWebSocketQuoteFeed(protocol, { idleCloseMs: 0 });
    using acme = new UpdateRecorder(feed.connect('ACME'));
    using locked = new UpdateRecorder(feed.connect('LOCKED'));
    expect(await locked.failure()).toMatchObject({ code: 'NO_ACCESS', symbol: 'LOCKED' });
    using beta = new UpdateRecorder(feed.connect('BETA'));
    using gamma = new UpdateRecorder(feed.connect('GAMMA'));
    expect(await gamma.failure()).toMatchObject({
      code: 'SYMBOL_LIMIT',
      symbol: 'GAMMA',
      message: expect.stringContaining('at most 2 symbols'),
    });
    await server.message((m) => m.message.symbol === 'BETA');
    expect(server.received.some((m) => m.message.symbol === 'GAMMA')).toBe(false);
    const quote: Quote = { symbol: 'ACME', price: 12, time: 1, source: 'example', marketOpen: true };
    server.send({ quote });
    expect(await acme.nthQuote(1)).toEqual(quote);
    expect(beta.error).toBeUndefined();
  });
});

describe('createWebSocketQuoteFeed when the provider cannot be reached', () => {
  it('says the network is likely down, not that the symbol is unknown, when no price comes in time', async () => {
    const scheduler = new VirtualTimeScheduler();
    const port = await closedPort();
    let failures = 0;
    let failed: () => void = () => {};
    const firstFailure = new Promise<void>((resolve) => {
      failed = resolve;
    });
    const protocol: WebSocketQuoteProtocol = {
      name: 'example',
      url: () => `ws://127.0.0.1:${port}/`,
      subscribe: (symbol, connection) => connection.send({ op: 'sub', symbol }),
      unsubscribe: (symbol, connection) => connection.send({ op: 'unsub', symbol }),
      handleMessage: () => {},
      classifyFailure: () => {
        failures += 1;
        failed();
        return undefined;
      },
    };
    const feed = createWebSocketQuoteFeed(protocol, { idleCloseMs: 0, noQuoteTimeoutMs: 10_000, scheduler });
    using watch = new UpdateRecorder(feed.connect('ACME'));
    await firstFailure;
    scheduler.flush();
    const error = await watch.failure();
    expect(failures).toBeGreaterThan(0);
    expect(error).toMatchObject({ code: 'NO_QUOTE_TIMEOUT', symbol: 'ACME' });
    expect((error as Error).message).toMatch(
      /example could not be reached \(.*ECONNREFUSED.*\), so the network is likely down/,
    );
  });
});

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago and is closed again). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
