import { describe, expect, it } from 'vitest';
import { coinbaseTicker, requestedProduct, startFakeCoinbase } from '../test/support/fake-coinbase-server.js';
import { FakeProviderServer, type FakeProviderServerOptions } from '../test/support/fake-provider-server.js';
import { UpdateRecorder } from '../test/support/recorder.js';
import { testCoinbaseSource } from '../test/support/test-sources.js';
import { createCoinbaseSource } from './coinbase-source.js';
import type { FetchLike } from './fetch-json.js';

const ticker = (productId: string, price: string, time?: string) => coinbaseTicker(productId, price, time);

/** The documented request for one product: the ticker and heartbeat channels. */
const request = (type: 'subscribe' | 'unsubscribe', id: string) => ({
  type,
  channels: [
    { name: 'ticker', product_ids: [id] },
    { name: 'heartbeat', product_ids: [id] },
  ],
});

describe('createCoinbaseSource', () => {
  it('subscribes to ticker and heartbeat, turns tickers into quotes, unsubscribes the last watcher', async () => {
    await using server = await startFakeCoinbase();
    const source = testCoinbaseSource(server);
    using btc = new UpdateRecorder(source.watch('btc-usd'));
    await server.message((m) => m.message.type === 'subscribe', 'subscribe');
    expect(server.received[0]?.message).toEqual(request('subscribe', 'BTC-USD'));

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

    expect(btc.error).toBeUndefined(); // the exchange accepted the request
    using eth = new UpdateRecorder(source.watch('ETH'));
    await server.message((m) => requestedProduct(m.message) === 'ETH-USD', 'subscribe ETH-USD');
    server.send(ticker('ETH-USD', '3001.5'));
    await eth.quoteAt(3001.5);
    expect(btc.quotes).toHaveLength(1);
    expect(server.connections).toBe(1);

    btc.unsubscribe();
    const unsubscribe = await server.message((m) => m.message.type === 'unsubscribe', 'unsubscribe');
    expect(unsubscribe.message).toEqual(request('unsubscribe', 'BTC-USD'));
    eth.unsubscribe();
    await server.closed(1);
  });

  it('fails an unknown product with UNKNOWN_SYMBOL and keeps the others streaming', async () => {
    await using server = await startFakeCoinbase();
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
        const id = requestedProduct(message) ?? '';
        held.push(() =>
          reply(
            id === bad
              ? { type: 'error', message: 'Failed to subscribe', reason }
              : {
                  type: 'subscriptions',
                  channels: [{ name: 'ticker', product_ids: [id], account_ids: null }],
                },
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
    await server.message((m) => requestedProduct(m.message) === 'ETH-EUR');
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
    await server.message((m) => requestedProduct(m.message) === 'BTC-USD');
    using bad = new UpdateRecorder(source.watch('BTC-USDT'));
    expect(await bad.failure()).toMatchObject({ code: 'UNKNOWN_SYMBOL', symbol: 'BTC-USDT' });
    server.send(ticker('BTC-USD', '65000'));
    await good.quoteAt(65_000);
    expect(good.error).toBeUndefined();
  });

  it('reconnects after a disconnect, reports it, subscribes again and streams again', async () => {
    await using server = await startFakeCoinbase();
    using btc = new UpdateRecorder(testCoinbaseSource(server).watch('BTC-USD'));
    await server.message((m) => m.connection === 1);
    server.send(ticker('BTC-USD', '65000'));
    await btc.quoteAt(65_000);

    server.dropConnections();
    await btc.status('reconnecting');
    const again = await server.message((m) => m.connection === 2, 'resubscribe on connection 2');
    expect(again.message).toEqual(request('subscribe', 'BTC-USD'));
    await btc.status('live'); // the subscriptions answer proves the new connection works
    server.send(ticker('BTC-USD', '65100'));
    await btc.quoteAt(65_100);
    expect(btc.statuses).toEqual(['reconnecting', 'live']);
  });

  it('reports a connection without heartbeats as stale, then replaces it', async () => {
    await using server = await startFakeCoinbase();
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
    await using server = await startFakeCoinbase();
    using quiet = new UpdateRecorder(testCoinbaseSource(server, { noQuoteTimeoutMs: 50 }).watch('ETH-EUR'));
    expect(await quiet.failure()).toMatchObject({ code: 'NO_QUOTE_TIMEOUT', symbol: 'ETH-EUR' });
  });

  it('gives up with PROVIDER_ERROR when the server cannot be reached, after a bounded number of attempts', async () => {
    const server = await startFakeCoinbase();
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
    await using server = await startFakeCoinbase();
    const source = testCoinbaseSource(server);
    using eth = new UpdateRecorder(source.watch('eth/eur'));
    await server.message((m) => requestedProduct(m.message) === 'ETH-EUR', 'subscribe ETH-EUR');
    using bad = new UpdateRecorder(source.watch('BTC-USD-X'));
    expect(await bad.failure()).toMatchObject({
      code: 'UNKNOWN_SYMBOL',
      message: expect.stringContaining('BTC-USD'),
    });
    expect(eth.error).toBeUndefined();
  });

  it('answers quote() from the REST ticker and starts a watch with it', async () => {
    await using server = await startFakeCoinbase();
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

  it('ignores and counts a ticker whose sequence is not newer than the last one delivered', async () => {
    // regression: a late ticker overwrote the newer price
    await using server = await startFakeCoinbase();
    const source = testCoinbaseSource(server);
    using btc = new UpdateRecorder(source.watch('BTC-USD'));
    using eth = new UpdateRecorder(source.watch('ETH-USD'));
    await server.message((m) => requestedProduct(m.message) === 'ETH-USD', 'subscribe ETH-USD');
    server.send(coinbaseTicker('BTC-USD', '65000', undefined, 500));
    server.send(coinbaseTicker('BTC-USD', '64000', undefined, 499)); // late
    server.send(coinbaseTicker('BTC-USD', '64000', undefined, 500)); // repeated
    server.send(coinbaseTicker('ETH-USD', '3000', undefined, 10)); // other products have their own series
    server.send(coinbaseTicker('BTC-USD', '65100', undefined, 502)); // a gap is fine
    await btc.quoteAt(65_100);
    await eth.quoteAt(3000);
    expect(btc.quotes.map((quote) => quote.price)).toEqual([65_000, 65_100]);
    expect(source.stats?.()).toEqual({ ignoredQuotes: 2, ignoredMessages: 0 });
  });

  it('keeps no sequence for products nobody watches (a server may send tickers of any product)', async () => {
    await using server = await startFakeCoinbase();
    const source = testCoinbaseSource(server);
    using btc = new UpdateRecorder(source.watch('BTC-USD'));
    await server.message((m) => requestedProduct(m.message) === 'BTC-USD', 'subscribe BTC-USD');
    server.send(coinbaseTicker('ETH-USD', '3000', undefined, 1_000)); // not watched: dropped, not kept
    server.send(coinbaseTicker('BTC-USD', '65000', undefined, 5));
    await btc.quoteAt(65_000);
    using eth = new UpdateRecorder(source.watch('ETH-USD'));
    await server.message((m) => requestedProduct(m.message) === 'ETH-USD', 'subscribe ETH-USD');
    server.send(coinbaseTicker('ETH-USD', '3001', undefined, 10)); // the first of its series once watched
    expect((await eth.nthQuote(1)).price).toBe(3001);
    expect(source.stats?.()).toEqual({ ignoredQuotes: 0, ignoredMessages: 0 });
  });

  it('lets an unusable ticker not raise the sequence, so the next valid one still counts', async () => {
    await using server = await startFakeCoinbase();
    const source = testCoinbaseSource(server);
    using btc = new UpdateRecorder(source.watch('BTC-USD'));
    await server.message((m) => requestedProduct(m.message) === 'BTC-USD', 'subscribe BTC-USD');
    server.send(coinbaseTicker('BTC-USD', '65000', undefined, 500));
    server.send(coinbaseTicker('BTC-USD', '-1', undefined, 9_000_000_000)); // refused: bad price
    server.send(coinbaseTicker('BTC-USD', '65100', undefined, 501));
    await btc.quoteAt(65_100);
    expect(source.stats?.()).toEqual({ ignoredQuotes: 1, ignoredMessages: 0 });
  });

  it('fails quote() with PROVIDER_ERROR when the REST answer is larger than 1 MiB, without reading it all', async () => {
    await using server = await startFakeCoinbase({
      rest: () => ({
        status: 200,
        body: { pad: 'x'.repeat(2 * 1024 * 1024), price: '65000.5', time: '2024-12-07T18:00:00Z' },
      }),
    });
    const source = testCoinbaseSource(server, { rest: { baseUrl: server.httpUrl } });
    await expect(source.quote('BTC-USD')).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('its answer is larger than 1 MiB, more than any quote'),
    });
  });

  it('fails quote() with BAD_REQUEST, not UNKNOWN_SYMBOL, when the REST ticker answers HTTP 400', async () => {
    // regression: a malformed request was reported as an unknown product
    await using server = await startFakeCoinbase({
      rest: (path) =>
        path.startsWith('/products/BTC-USD/')
          ? { status: 400, body: { message: 'Invalid product_id' } }
          : { status: 404, body: { message: 'NotFound' } },
    });
    const source = testCoinbaseSource(server, { rest: { baseUrl: server.httpUrl } });
    await expect(source.quote('BTC-USD')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      symbol: 'BTC-USD',
      message: expect.stringMatching(/HTTP 400.*"Invalid product_id"/),
    });
    await expect(source.quote('FOO-USD')).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
  });

  it('keeps a watch whose REST snapshot answers HTTP 400 streaming from the WebSocket', async () => {
    await using server = await startFakeCoinbase({
      rest: () => ({ status: 400, body: { message: 'Bad Request' } }),
    });
    let snapshotRead!: () => void;
    const snapshotAnswered = new Promise<void>((resolve) => {
      snapshotRead = resolve;
    });
    const fetchSignalling: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      return {
        ok: response.ok,
        status: response.status,
        json: async () => {
          const body: unknown = await response.json();
          snapshotRead();
          return body;
        },
      };
    };
    const source = testCoinbaseSource(server, { rest: { baseUrl: server.httpUrl, fetch: fetchSignalling } });
    using btc = new UpdateRecorder(source.watch('BTC-USD'));
    await server.message((m) => requestedProduct(m.message) === 'BTC-USD', 'subscribe BTC-USD');
    await snapshotAnswered;
    await new Promise(setImmediate); // the adapter has handled the answer (promise callbacks only)
    expect(btc.error).toBeUndefined();
    server.send(ticker('BTC-USD', '65000'));
    await btc.quoteAt(65_000);
    expect(btc.error).toBeUndefined();
  });
});
