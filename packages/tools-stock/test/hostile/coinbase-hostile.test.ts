/**
 * A hostile Coinbase Exchange: a real local WebSocket/HTTP server speaking Coinbase's protocol that
 * sends what a broken or malicious provider could. Every case checks that the process lives, that
 * the other watches keep working, that bad input is ignored and counted, and that each call gets
 * exactly one final response, its last.
 */
import { describe, expect, it } from 'vitest';
import { createStockTools } from '../../src/stock-tools.js';
import { DebugLog } from '../support/debug-log.js';
import { requestedProduct, startFakeCoinbase } from '../support/fake-coinbase-server.js';
import type { RestReply } from '../support/fake-provider-server.js';
import {
  everyChange,
  expectFloodCapped,
  expectGivesUpOnSilentConnection,
  expectGivesUpOnUnansweredUpgrade,
  expectOneFinalEach,
  expectRefusedEach,
  floodPrice,
  type HostileProvider,
  watching,
} from '../support/hostile-provider.js';
import { ProcessGuard } from '../support/process-guard.js';
import { UpdateRecorder } from '../support/recorder.js';
import { testCoinbaseSource } from '../support/test-sources.js';
import { ToolRun } from '../support/tool-run.js';

const TIME = '2024-12-07T18:00:00.542551Z';

const coinbase: HostileProvider = {
  name: 'Coinbase',
  source: testCoinbaseSource,
  subscribedSymbol: requestedProduct,
};

/** Every product the hostile cases use is listed, so each subscription is acknowledged. */
const LISTED = [
  'BTC-USD',
  'ETH-USD',
  'NEG-USD',
  'ZERO-USD',
  'NAN-USD',
  'BIG-USD',
  'TIME-USD',
  'BADT-USD',
  'SHAPE-USD',
];

const ticker = (product_id: unknown, price: unknown, time: unknown = TIME) => ({
  type: 'ticker',
  product_id,
  price,
  best_bid: '99.5',
  best_ask: '100.5',
  volume_24h: '12.5',
  time,
});

describe('hostile Coinbase server', () => {
  it('ignores and counts tickers with out-of-range, missing or mistyped values; the watches go on', async () => {
    using guard = new ProcessGuard();
    await using server = await startFakeCoinbase({ listed: LISTED });
    const source = testCoinbaseSource(server);
    using run = new ToolRun(everyChange(source));
    await watching(coinbase, server, run, { b: 'BTC-USD', e: 'ETH-USD' });
    server.send(ticker('BTC-USD', '100'));
    await run.nthOutput('b', 1);

    const bad = [
      ticker('BTC-USD', '-1'),
      ticker('BTC-USD', '0'),
      ticker('BTC-USD', 'NaN'),
      ticker('BTC-USD', '1e400'),
      ticker('BTC-USD', '1e300'),
      ticker('BTC-USD', 'abc'),
      ticker('BTC-USD', ''),
      ticker('BTC-USD', null),
      ticker('BTC-USD', { price: '101' }),
      ticker('BTC-USD', undefined), // no price
      ticker('BTC-USD', '101', 'yesterday'),
      ticker('BTC-USD', '101', 1_733_594_400),
      ticker('BTC-USD', '101', '+275760-09-13T00:00:00.001Z'),
      ticker('BTC-USD', '101', '1969-12-31T23:59:59Z'),
      ticker(42, '101'),
      ticker(undefined, '101'),
    ];
    for (const message of bad) server.send(message);
    server.send(ticker('BTC-USD', '102'));
    server.send(ticker('ETH-USD', '3000'));
    await run.nthOutput('e', 1);

    expect(run.outputs('b').map((o) => o.price)).toEqual([100, 102]);
    expect(source.stats?.()).toEqual({ ignoredQuotes: bad.length, ignoredMessages: 0 });
    expectOneFinalEach(run, ['b', 'e']);
    expect(guard.escaped).toEqual([]);
  });

  it('orders tickers by a usable sequence only, and counts every late one', async () => {
    using guard = new ProcessGuard();
    await using server = await startFakeCoinbase({ listed: LISTED });
    const source = testCoinbaseSource(server);
    using btc = new UpdateRecorder(source.watch('BTC-USD'));
    using eth = new UpdateRecorder(source.watch('ETH-USD'));
    await server.message((m) => requestedProduct(m.message) === 'ETH-USD', 'subscribe ETH-USD');
    const at = (price: string, sequence: unknown) => ({ ...ticker('BTC-USD', price), sequence });
    server.send(at('100', 100));
    // sequences that are not safe integers give no order: the tickers are delivered as they come
    const unordered = [at('101', '150'), at('102', -1.5), at('103', 1.5), at('104', null), at('105', 1e300)];
    for (const message of unordered) server.send(message);
    const late = [at('90', 99), at('91', 100), at('92', 0), at('93', -1)];
    for (const message of late) server.send(message);
    server.send(at('106', 101));
    server.send(ticker('ETH-USD', '3000'));
    await eth.quoteAt(3000);

    expect(btc.quotes.map((quote) => quote.price)).toEqual([100, 101, 102, 103, 104, 105, 106]);
    expect(source.stats?.()).toEqual({ ignoredQuotes: late.length, ignoredMessages: 0 });
    expect(btc.error).toBeUndefined();
    expect(guard.escaped).toEqual([]);
  });

  it('starts each connection with a fresh sequence series, so a bogus number cannot block a product for good', async () => {
    using guard = new ProcessGuard();
    await using server = await startFakeCoinbase({ listed: LISTED });
    const source = testCoinbaseSource(server);
    using btc = new UpdateRecorder(source.watch('BTC-USD'));
    await server.message((m) => requestedProduct(m.message) === 'BTC-USD', 'subscribe BTC-USD');
    server.send({ ...ticker('BTC-USD', '100'), sequence: Number.MAX_SAFE_INTEGER });
    server.send({ ...ticker('BTC-USD', '101'), sequence: 5 }); // below the bogus number: late
    server.send({ ...ticker('ETH-USD', '1'), sequence: 1 }); // nobody watches it: marks the two as read
    await btc.quoteAt(100);
    server.dropConnections();
    await server.message((m) => m.connection === 2, 'resubscribe on connection 2');
    server.send({ ...ticker('BTC-USD', '102'), sequence: 6 });
    await btc.quoteAt(102);
    expect(btc.quotes.map((quote) => quote.price)).toEqual([100, 102]);
    expect(source.stats?.()).toEqual({ ignoredQuotes: 1, ignoredMessages: 0 });
    expect(guard.escaped).toEqual([]);
  });

  it('closes a connection that sends a frame over 4 MiB, without buffering it, and reconnects', async () => {
    using guard = new ProcessGuard();
    await using server = await startFakeCoinbase({ listed: LISTED });
    const source = testCoinbaseSource(server);
    using btc = new UpdateRecorder(source.watch('BTC-USD'));
    await server.message((m) => requestedProduct(m.message) === 'BTC-USD', 'subscribe BTC-USD');
    server.sendRaw(JSON.stringify({ ...ticker('BTC-USD', '100'), pad: 'x'.repeat(5 * 1024 * 1024) }));
    await server.message((m) => m.connection === 2, 'resubscribe on connection 2');
    server.send(ticker('BTC-USD', '101'));
    await btc.quoteAt(101);
    expect(btc.quotes.map((quote) => quote.price)).toEqual([101]);
    expect(guard.escaped).toEqual([]);
  });

  it('ignores and counts frames it cannot read, and survives errors and answers in every shape', async () => {
    using guard = new ProcessGuard();
    await using server = await startFakeCoinbase({ listed: LISTED });
    const source = testCoinbaseSource(server);
    using run = new ToolRun(everyChange(source));
    await watching(coinbase, server, run, { b: 'BTC-USD', e: 'ETH-USD' });
    server.send(ticker('BTC-USD', '100'));
    server.send(ticker('ETH-USD', '3000'));
    await run.nthOutput('e', 1);

    const unreadable: (string | Uint8Array)[] = [
      'not json',
      '{"type":"ticker","product_id":"BTC-USD","price":"1',
      new Uint8Array([0xff, 0xfe, 0x00, 0x7b]),
      'null',
      '12',
      '"ticker"',
      '[{"type":"ticker"}]',
    ];
    for (const frame of unreadable) server.sendRaw(frame);
    // readable, but hostile: errors and answers nobody asked for, in odd shapes
    for (let i = 0; i < 100; i++) server.send({ type: 'error', message: 'Failed to subscribe' });
    server.send({ type: 'error', message: { toString: 1 }, reason: 42 });
    server.send({ type: 'subscriptions', channels: 'all' });
    server.send({ type: 'subscriptions', channels: [null, { product_ids: 'BTC-USD' }] });
    server.send({ type: 'heartbeat', product_id: 'BTC-USD' });
    server.send(ticker('BTC-USD', '101'));
    server.send(ticker('ETH-USD', '3001'));
    // the ETH move sent last shows the messages before it were read (a feed-status report may come first)
    await run.output('e', (o) => o.price === 3001, 'the ETH report of 3001');

    expect(run.outputs('b').map((o) => o.price)).toEqual([100, 101]);
    expect(source.stats?.()).toEqual({ ignoredQuotes: 0, ignoredMessages: unreadable.length });
    expectOneFinalEach(run, ['b', 'e']);
    expect(guard.escaped).toEqual([]);
  });

  it('survives a flood of 20,000 tickers: reports stay few, the price asked for is the newest, ETH goes on', async () => {
    using guard = new ProcessGuard();
    await using server = await startFakeCoinbase({ listed: LISTED });
    const source = testCoinbaseSource(server);
    using run = new ToolRun(createStockTools({ source })); // the default rate limits
    const started = Date.now();
    // ETH reports every move at once: its reports show when the flood has been read
    await watching(
      coinbase,
      server,
      run,
      { b: 'BTC-USD', e: 'ETH-USD' },
      { e: { minSecondsBetweenReports: 0 } },
    );
    server.send(ticker('BTC-USD', '100'));
    server.send(ticker('ETH-USD', '3000'));
    await run.nthOutput('e', 1);

    for (let i = 0; i < 20_000; i++) server.send(ticker('BTC-USD', String(floodPrice(i))));
    server.send(ticker('ETH-USD', '3100'));
    // the ETH move sent after the flood shows it was read (a feed-status report may come first);
    // give a slow machine time
    await run.output('e', (o) => o.price === 3100, 'the ETH report of 3100, sent after the flood', 20_000);

    await expectFloodCapped(run, 'b', 'BTC-USD', 20_000, started);
    expectOneFinalEach(run, ['b', 'e']);
    expect(guard.escaped).toEqual([]);
  }, 30_000);

  it('gives up with PROVIDER_ERROR when the server accepts TCP but never answers the upgrade', () =>
    expectGivesUpOnUnansweredUpgrade(coinbase, 'BTC-USD'));

  it('gives up with PROVIDER_ERROR when the server accepts the upgrade and never sends anything', () =>
    expectGivesUpOnSilentConnection(coinbase, 'BTC-USD'));

  describe('REST tickers', () => {
    const replies: Record<string, unknown> = {
      'NEG-USD': { price: '-1', time: TIME },
      'ZERO-USD': { price: '0', time: TIME },
      'NAN-USD': { price: 'NaN', time: TIME },
      'BIG-USD': { price: '1e400', time: TIME },
      'TIME-USD': { price: '100', time: '+275760-09-13T00:00:00.001Z' },
      'BADT-USD': { price: '100', time: 'soon' },
      'SHAPE-USD': ['100'],
    };
    const rest = (path: string): RestReply => {
      const id = decodeURIComponent(/^\/products\/([^/]+)\/ticker$/.exec(path)?.[1] ?? '');
      return { status: 200, body: replies[id] ?? { message: 'NotFound' } };
    };

    it('answers every unusable REST ticker with a clear error', async () => {
      using guard = new ProcessGuard();
      await using server = await startFakeCoinbase({ listed: LISTED, rest });
      const source = testCoinbaseSource(server, { rest: { baseUrl: server.httpUrl } });
      using run = new ToolRun(createStockTools({ source }));
      await expectRefusedEach(run, Object.keys(replies), 'Coinbase');
      await expect(source.quote('NEG-USD')).rejects.toMatchObject({
        code: 'PROVIDER_ERROR',
        message: expect.stringContaining('price'),
      });
      await expect(source.quote('TIME-USD')).rejects.toMatchObject({
        code: 'PROVIDER_ERROR',
        message: expect.stringContaining('time'),
      });
      expect(guard.escaped).toEqual([]);
    });

    it('starts a watch from the stream when its REST snapshot is unusable', async () => {
      using guard = new ProcessGuard();
      await using server = await startFakeCoinbase({ listed: LISTED, rest });
      const log = new DebugLog();
      const source = testCoinbaseSource(server, { rest: { baseUrl: server.httpUrl }, logger: log });
      using run = new ToolRun(everyChange(source));
      await watching(coinbase, server, run, { n: 'NEG-USD' });
      // the snapshot has a negative price: refused and counted, before any ticker
      expect(await log.nth(1)).toMatch(/^coinbase: ignored a quote: price -1 is not a positive number/);
      expect(source.stats?.().ignoredQuotes).toBe(1);
      server.send(ticker('NEG-USD', '5'));
      expect((await run.nthOutput('n', 1)).price).toBe(5);
      expectOneFinalEach(run, ['n']);
      expect(guard.escaped).toEqual([]);
    });
  });
});
