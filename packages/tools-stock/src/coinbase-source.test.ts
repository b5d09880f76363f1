import { describe, expect, it } from 'vitest';
import { createCoinbaseSource } from './coinbase-source.js';
import { FakeProviderServer, type FakeProviderServerOptions } from './test-support/fake-provider-server.js';
import { UpdateRecorder } from './test-support/recorder.js';
import { testCoinbaseSource } from './test-support/test-sources.js';

const LISTED = new Set(['BTC-USD', 'ETH-USD', 'ETH-EUR']);

/** Answers (un)subscribe requests in order, as Coinbase Exchange does. */
const exchange: FakeProviderServerOptions = {
  onMessage: (message, reply) => {
    const ids = (message.product_ids as string[] | undefined) ?? [];
    const unknown = ids.find((id) => !LISTED.has(id));
    if (message.type === 'subscribe' && unknown) {
      reply({ type: 'error', message: 'Failed to subscribe', reason: `${unknown} is not a valid product` });
      return;
    }
    reply({
      type: 'subscriptions',
      channels: [
        { name: 'ticker', product_ids: message.type === 'subscribe' ? ids : [] },
        { name: 'heartbeat', product_ids: message.type === 'subscribe' ? ids : [] },
      ],
    });
  },
  rest: (path) => {
    const match = /^\/products\/([^/]+)\/ticker$/.exec(path);
    const id = decodeURIComponent(match?.[1] ?? '');
    if (!LISTED.has(id)) return { status: 404, body: { message: 'NotFound' } };
    return {
      status: 200,
      body: {
        ask: '64999.99',
        bid: '64999.98',
        volume: '12345.678',
        trade_id: 1,
        price: '64999.99',
        size: '0.01',
        time: '2024-12-07T18:00:00.542551Z',
      },
    };
  },
};

const ticker = (productId: string, price: string, time = '2024-12-07T18:00:00.542551Z') => ({
  type: 'ticker',
  sequence: 93_525_999_403,
  product_id: productId,
  price,
  open_24h: '100966.53',
  volume_24h: '9756.916611',
  low_24h: '99012.73',
  high_24h: '102104.12',
  volume_30d: '539862.627144',
  best_bid: '99718.01',
  best_bid_size: '0.024535',
  best_ask: '99728.83',
  best_ask_size: '0.062982',
  side: 'buy',
  time,
  trade_id: 734_680_334,
  last_size: '0.000261',
});

describe('createCoinbaseSource', () => {
  it('subscribes to ticker and heartbeat, turns tickers into quotes, unsubscribes the last watcher', async () => {
    await using server = await FakeProviderServer.start(exchange);
    const source = testCoinbaseSource(server);
    using btc = new UpdateRecorder(source.watch('btc-usd'));
    await server.message((m) => m.message.type === 'subscribe', 'subscribe');
    expect(server.received[0]?.message).toEqual({
      type: 'subscribe',
      product_ids: ['BTC-USD'],
      channels: ['ticker', 'heartbeat'],
    });

    server.send({
      type: 'heartbeat',
      sequence: 90,
      last_trade_id: 20,
      product_id: 'BTC-USD',
      time: '2024-12-07T18:00:00Z',
    });
    server.send(ticker('BTC-USD', '99728.83'));
    expect(await btc.nthQuote(1)).toEqual({
      symbol: 'BTC-USD',
      price: 99_728.83,
      time: Date.parse('2024-12-07T18:00:00.542Z'),
      source: 'coinbase',
      marketOpen: true,
      bid: 99_718.01,
      ask: 99_728.83,
      volume: 9756.916611,
    });

    using eth = new UpdateRecorder(source.watch('ETH'));
    await server.message((m) => (m.message.product_ids as string[])[0] === 'ETH-USD', 'subscribe ETH-USD');
    server.send(ticker('ETH-USD', '3001.5'));
    await eth.quoteAt(3001.5);
    expect(btc.quotes).toHaveLength(1);
    expect(server.connections).toBe(1);

    btc.unsubscribe();
    const unsubscribe = await server.message((m) => m.message.type === 'unsubscribe', 'unsubscribe');
    expect(unsubscribe.message).toEqual({
      type: 'unsubscribe',
      product_ids: ['BTC-USD'],
      channels: ['ticker', 'heartbeat'],
    });
    eth.unsubscribe();
    await server.closed(1);
  });

  it('fails an unknown product with UNKNOWN_SYMBOL and keeps the others streaming', async () => {
    await using server = await FakeProviderServer.start(exchange);
    const source = testCoinbaseSource(server);
    using btc = new UpdateRecorder(source.watch('BTC-USD'));
    using bogus = new UpdateRecorder(source.watch('FOO-USD'));
    expect(await bogus.failure()).toMatchObject({
      code: 'UNKNOWN_SYMBOL',
      symbol: 'FOO-USD',
      source: 'coinbase',
    });
    server.send(ticker('BTC-USD', '65000.01'));
    await btc.quoteAt(65_000.01);
    expect(btc.error).toBeUndefined();
    // the refused product is not unsubscribed (it never was subscribed)
    expect(server.received.filter((m) => m.message.type === 'unsubscribe')).toEqual([]);
  });

  /**
   * A server that holds its answers until two subscribe requests are in, then answers them newest
   * first: `bad` with an error giving `reason`, the other with a `subscriptions` message. So the
   * error comes while both requests wait for an answer.
   */
  const refusingOneOfTwo = (bad: string, reason: string): FakeProviderServerOptions => {
    const held: (() => void)[] = [];
    return {
      onMessage: (message, reply) => {
        const [id = ''] = message.product_ids as string[];
        held.push(() =>
          reply(
            id === bad
              ? { type: 'error', message: 'Failed to subscribe', reason }
              : { type: 'subscriptions', channels: [{ name: 'ticker', product_ids: [id] }] },
          ),
        );
        if (held.length < 2) return;
        for (const send of held.splice(0).reverse()) send();
      },
    };
  };

  it('gives an error that names no product to every request it could concern, and says so', async () => {
    // regression: it went to the oldest unanswered request, so the wrong call failed and the bad one timed out
    await using server = await FakeProviderServer.start(
      refusingOneOfTwo('BAD-USD', 'Invalid product ID provided'),
    );
    const source = testCoinbaseSource(server, { noQuoteTimeoutMs: 60_000 });
    using good = new UpdateRecorder(source.watch('ETH-EUR'));
    await server.message((m) => (m.message.product_ids as string[])[0] === 'ETH-EUR');
    using bad = new UpdateRecorder(source.watch('BAD-USD'));
    for (const recorder of [good, bad]) {
      expect(await recorder.failure()).toMatchObject({
        code: 'PROVIDER_ERROR',
        message: expect.stringMatching(
          /named no product.*"Failed to subscribe: Invalid product ID provided".*ETH-EUR, BAD-USD/,
        ),
      });
    }
  });

  it('attributes an error to the product it names exactly, not to one whose id it contains', async () => {
    // regression: "BTC-USDT is not a valid product" contains "BTC-USD", the older pending request
    await using server = await FakeProviderServer.start(
      refusingOneOfTwo('BTC-USDT', 'BTC-USDT is not a valid product'),
    );
    const source = testCoinbaseSource(server, { noQuoteTimeoutMs: 60_000 });
    using good = new UpdateRecorder(source.watch('BTC-USD'));
    await server.message((m) => (m.message.product_ids as string[])[0] === 'BTC-USD');
    using bad = new UpdateRecorder(source.watch('BTC-USDT'));
    expect(await bad.failure()).toMatchObject({ code: 'UNKNOWN_SYMBOL', symbol: 'BTC-USDT' });
    server.send(ticker('BTC-USD', '65000'));
    await good.quoteAt(65_000);
    expect(good.error).toBeUndefined();
  });

  it('reconnects after a disconnect, reports it, subscribes again and streams again', async () => {
    await using server = await FakeProviderServer.start(exchange);
    using btc = new UpdateRecorder(testCoinbaseSource(server).watch('BTC-USD'));
    await server.message((m) => m.connection === 1);
    server.send(ticker('BTC-USD', '65000'));
    await btc.quoteAt(65_000);

    server.dropConnections();
    await btc.status('reconnecting');
    const again = await server.message((m) => m.connection === 2, 'resubscribe on connection 2');
    expect(again.message).toEqual({
      type: 'subscribe',
      product_ids: ['BTC-USD'],
      channels: ['ticker', 'heartbeat'],
    });
    await btc.status('live'); // the subscriptions answer proves the new connection works
    server.send(ticker('BTC-USD', '65100'));
    await btc.quoteAt(65_100);
    expect(btc.statuses).toEqual(['reconnecting', 'live']);
  });

  it('reports a connection without heartbeats as stale, then replaces it', async () => {
    await using server = await FakeProviderServer.start(exchange);
    using eth = new UpdateRecorder(
      testCoinbaseSource(server, { staleAfterMs: 60, deadAfterMs: 150 }).watch('ETH-USD'),
    );
    await server.message((m) => m.connection === 1);
    server.send(ticker('ETH-USD', '3000'));
    await eth.quoteAt(3000);
    await eth.status('stale');
    await eth.status('reconnecting');
    await server.message((m) => m.connection === 2, 'resubscribe after a dead connection');
    expect(eth.error).toBeUndefined();
  });

  it('fails a product without any ticker in time with NO_QUOTE_TIMEOUT', async () => {
    await using server = await FakeProviderServer.start(exchange);
    using quiet = new UpdateRecorder(testCoinbaseSource(server, { noQuoteTimeoutMs: 50 }).watch('ETH-EUR'));
    expect(await quiet.failure()).toMatchObject({ code: 'NO_QUOTE_TIMEOUT', symbol: 'ETH-EUR' });
  });

  it('gives up with PROVIDER_ERROR when the server cannot be reached, after a bounded number of attempts', async () => {
    const server = await FakeProviderServer.start(exchange);
    const url = server.wsUrl;
    await server[Symbol.asyncDispose]();
    const source = createCoinbaseSource({
      url,
      rest: false,
      backoff: { initialDelayMs: 1, maxDelayMs: 5 },
      maxConsecutiveFailures: 3,
    });
    using btc = new UpdateRecorder(source.watch('BTC-USD'));
    expect(await btc.failure()).toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('3 attempts'),
    });
    expect(btc.statuses).toEqual(['reconnecting']);
  });

  it('normalises product ids and refuses malformed ones', async () => {
    await using server = await FakeProviderServer.start(exchange);
    const source = testCoinbaseSource(server);
    using eth = new UpdateRecorder(source.watch('eth/eur'));
    await server.message((m) => (m.message.product_ids as string[])[0] === 'ETH-EUR', 'subscribe ETH-EUR');
    using bad = new UpdateRecorder(source.watch('BTC-USD-X'));
    expect(await bad.failure()).toMatchObject({
      code: 'UNKNOWN_SYMBOL',
      message: expect.stringContaining('BTC-USD'),
    });
    expect(eth.error).toBeUndefined();
  });

  it('answers quote() from the REST ticker and starts a watch with it', async () => {
    await using server = await FakeProviderServer.start(exchange);
    const source = testCoinbaseSource(server, { rest: { baseUrl: server.httpUrl } });
    expect(await source.quote('BTC-USD')).toEqual({
      symbol: 'BTC-USD',
      price: 64_999.99,
      time: Date.parse('2024-12-07T18:00:00.542Z'),
      source: 'coinbase',
      marketOpen: true,
      bid: 64_999.98,
      ask: 64_999.99,
      volume: 12_345.678,
    });
    expect(server.restRequests).toEqual(['/products/BTC-USD/ticker']);
    await expect(source.quote('NOPE-USD')).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });

    using btc = new UpdateRecorder(source.watch('BTC-USD'));
    expect((await btc.nthQuote(1)).price).toBe(64_999.99);
    await server.message((m) => m.message.type === 'subscribe', 'subscribe');
    server.send(ticker('BTC-USD', '65000.5'));
    expect((await btc.nthQuote(2)).price).toBe(65_000.5);
  });
});
