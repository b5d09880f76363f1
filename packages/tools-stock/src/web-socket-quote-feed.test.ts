import { describe, expect, it } from 'vitest';
import type { Quote } from './quote-source.js';
import { FakeProviderServer } from './test-support/fake-provider-server.js';
import { ProcessGuard } from './test-support/process-guard.js';
import { UpdateRecorder } from './test-support/recorder.js';
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
});
