/**
 * A hostile Coinbase Exchange: a real local WebSocket/HTTP server speaking Coinbase's protocol that
 * sends what a broken or malicious provider could. Every case checks that the process lives, that
 * the other watches keep working, that bad input is ignored and counted, and that each call gets
 * exactly one final response, its last.
 */
import { describe, expect, it, vi } from 'vitest';
import { type CoinbaseSourceOptions, createCoinbaseSource } from '../coinbase-source.js';
import type { QuoteSource } from '../quote-source.js';
import { createStockTools } from '../stock-tools.js';
import {
  FakeProviderServer,
  type FakeProviderServerOptions,
  type RestReply,
} from '../test-support/fake-provider-server.js';
import { ProcessGuard } from '../test-support/process-guard.js';
import { SilentTcpServer } from '../test-support/silent-tcp-server.js';
import { ToolRun } from '../test-support/tool-run.js';

const TIME = '2024-12-07T18:00:00.542551Z';

/** Acknowledges every (un)subscribe, as Coinbase does for listed products. */
const acknowledging: FakeProviderServerOptions = {
  onMessage: (message, reply) =>
    reply({
      type: 'subscriptions',
      channels: [{ name: 'ticker', product_ids: message.type === 'subscribe' ? message.product_ids : [] }],
    }),
};

const ticker = (product_id: unknown, price: unknown, time: unknown = TIME) => ({
  type: 'ticker',
  product_id,
  price,
  best_bid: '99.5',
  best_ask: '100.5',
  volume_24h: '12.5',
  time,
});

function coinbase(server: { wsUrl: string }, options: CoinbaseSourceOptions = {}): QuoteSource {
  return createCoinbaseSource({
    url: server.wsUrl,
    rest: false,
    backoff: { initialDelayMs: 5, maxDelayMs: 20 },
    idleCloseMs: 0,
    ...options,
  });
}

const everyChange = (source: QuoteSource) =>
  createStockTools({ source, thresholdPercent: 0, minSecondsBetweenReports: 0 });

function expectOneFinalEach(run: ToolRun, ids: readonly string[]): void {
  run.scheduler.handleToolCall([
    { id: 'stop', name: 'stop_streaming', args: { function_name: 'monitor_stock_price' } },
  ]);
  for (const id of ids) {
    expect(run.finals(id), id).toHaveLength(1);
    expect(run.responses(id).at(-1), id).toBe(run.finals(id)[0]);
  }
}

async function watching(
  server: FakeProviderServer,
  run: ToolRun,
  symbols: Record<string, string>,
  args: Record<string, Record<string, unknown>> = {},
) {
  run.scheduler.handleToolCall(
    Object.entries(symbols).map(([id, symbol]) => ({
      id,
      name: 'monitor_stock_price',
      args: { symbol, ...args[id] },
    })),
  );
  for (const symbol of Object.values(symbols)) {
    await server.message(
      (m) => (m.message.product_ids as string[] | undefined)?.[0] === symbol,
      `subscribe ${symbol}`,
    );
  }
}

describe('hostile Coinbase server', () => {
  it('ignores and counts tickers with out-of-range, missing or mistyped values; the watches go on', async () => {
    using guard = new ProcessGuard();
    await using server = await FakeProviderServer.start(acknowledging);
    const source = coinbase(server);
    using run = new ToolRun(everyChange(source));
    await watching(server, run, { b: 'BTC-USD', e: 'ETH-USD' });
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

  it('ignores and counts frames it cannot read, and survives errors and answers in every shape', async () => {
    using guard = new ProcessGuard();
    await using server = await FakeProviderServer.start(acknowledging);
    const source = coinbase(server);
    using run = new ToolRun(everyChange(source));
    await watching(server, run, { b: 'BTC-USD', e: 'ETH-USD' });
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
    await run.nthOutput('e', 2);

    expect(run.outputs('b').map((o) => o.price)).toEqual([100, 101]);
    expect(source.stats?.()).toEqual({ ignoredQuotes: 0, ignoredMessages: unreadable.length });
    expectOneFinalEach(run, ['b', 'e']);
    expect(guard.escaped).toEqual([]);
  });

  it('survives a flood of 20,000 tickers: reports stay few, the price asked for is the newest, ETH goes on', async () => {
    using guard = new ProcessGuard();
    await using server = await FakeProviderServer.start(acknowledging);
    const source = coinbase(server);
    using run = new ToolRun(createStockTools({ source })); // the default rate limits
    // ETH reports every move at once: its reports show when the flood has been read
    await watching(server, run, { b: 'BTC-USD', e: 'ETH-USD' }, { e: { minSecondsBetweenReports: 0 } });
    server.send(ticker('BTC-USD', '100'));
    server.send(ticker('ETH-USD', '3000'));
    await run.nthOutput('e', 1);

    const price = (i: number) => (i % 2 === 0 ? 100 : 101) + i / 100_000;
    for (let i = 0; i < 20_000; i++) server.send(ticker('BTC-USD', String(price(i))));
    server.send(ticker('ETH-USD', '3100'));
    await run.nthOutput('e', 2, 20_000); // the flood is read first: give a slow machine time

    run.scheduler.handleToolCall([{ id: 'q', name: 'get_stock_price', args: { symbol: 'BTC-USD' } }]);
    expect((await run.final('q')).response).toMatchObject({
      output: { symbol: 'BTC-USD', price: price(19_999) },
    });
    expect(run.outputs('b').length).toBeLessThanOrEqual(4); // the initial report, then a burst of 3 at most
    expectOneFinalEach(run, ['b', 'e']);
    expect(guard.escaped).toEqual([]);
  }, 30_000);

  it('gives up with PROVIDER_ERROR when the server accepts TCP but never answers the upgrade', async () => {
    using guard = new ProcessGuard();
    await using hole = await SilentTcpServer.start();
    const source = coinbase(hole, { handshakeTimeoutMs: 50, maxConsecutiveFailures: 3 });
    using run = new ToolRun(createStockTools({ source }));
    run.scheduler.handleToolCall([{ id: 'b', name: 'monitor_stock_price', args: { symbol: 'BTC-USD' } }]);
    expect((await run.final('b')).response).toMatchObject({
      error: {
        code: 'TOOL_EXECUTION',
        message: expect.stringMatching(/3 attempts.*no answer to the WebSocket upgrade within 50 ms/),
      },
    });
    await hole.closed(3);
    expect(hole.accepted).toBe(3);
    expect(run.finals('b')).toHaveLength(1);
    expect(guard.escaped).toEqual([]);
  });

  it('gives up with PROVIDER_ERROR when the server accepts the upgrade and never sends anything', async () => {
    using guard = new ProcessGuard();
    await using server = await FakeProviderServer.start();
    const source = coinbase(server, { staleAfterMs: 20, deadAfterMs: 40, maxConsecutiveFailures: 2 });
    using run = new ToolRun(createStockTools({ source }));
    run.scheduler.handleToolCall([{ id: 'b', name: 'monitor_stock_price', args: { symbol: 'BTC-USD' } }]);
    expect((await run.final('b')).response).toMatchObject({
      error: { code: 'TOOL_EXECUTION', message: expect.stringContaining('2 attempts') },
    });
    await server.closed(2);
    expect(run.finals('b')).toHaveLength(1);
    expect(guard.escaped).toEqual([]);
  });

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
      await using server = await FakeProviderServer.start({ rest, ...acknowledging });
      const source = coinbase(server, { rest: { baseUrl: server.httpUrl } });
      using run = new ToolRun(createStockTools({ source }));
      const symbols = Object.keys(replies);
      run.scheduler.handleToolCall(
        symbols.map((symbol) => ({ id: symbol, name: 'get_stock_price', args: { symbol } })),
      );
      for (const symbol of symbols) {
        const final = await run.final(symbol);
        expect(final.response, symbol).toMatchObject({
          error: { code: 'TOOL_EXECUTION', message: expect.stringContaining('Coinbase') },
        });
        expect(run.finals(symbol), symbol).toHaveLength(1);
      }
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
      await using server = await FakeProviderServer.start({ rest, ...acknowledging });
      const source = coinbase(server, { rest: { baseUrl: server.httpUrl } });
      using run = new ToolRun(everyChange(source));
      await watching(server, run, { n: 'NEG-USD' });
      await vi.waitFor(() => expect(source.stats?.().ignoredQuotes).toBe(1));
      server.send(ticker('NEG-USD', '5'));
      expect((await run.nthOutput('n', 1)).price).toBe(5);
      expectOneFinalEach(run, ['n']);
      expect(guard.escaped).toEqual([]);
    });
  });
});
