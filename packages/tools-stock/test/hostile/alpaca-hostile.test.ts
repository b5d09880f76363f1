/**
 * A hostile Alpaca: a real local WebSocket/HTTP server speaking Alpaca's market data protocol that
 * sends what a broken or malicious provider could. Every case checks that the process lives, that
 * the other watches keep working, that bad input is ignored and counted, and that one bad item
 * never costs the items behind it in the same message.
 */
import { describe, expect, it } from 'vitest';
import { type AlpacaSourceOptions, createAlpacaSource } from '../../src/alpaca-source.js';
import type { QuoteSource } from '../../src/quote-source.js';
import { createStockTools } from '../../src/stock-tools.js';
import { alpacaQuote, alpacaTrade, FakeAlpacaServer } from '../support/fake-alpaca-server.js';
import {
  expectFloodCapped,
  expectGivesUpOnSilentConnection,
  expectGivesUpOnUnansweredUpgrade,
  expectRefusedEach,
  floodPrice,
  type HostileProvider,
} from '../support/hostile-provider.js';
import { ProcessGuard } from '../support/process-guard.js';
import { UpdateRecorder } from '../support/recorder.js';
import { ToolRun } from '../support/tool-run.js';

const quick = { rest: false, backoff: { initialDelayMs: 5, maxDelayMs: 20 }, idleCloseMs: 0 } as const;

function testAlpacaSource(
  server: { readonly wsUrl: string },
  options: AlpacaSourceOptions = {},
): QuoteSource {
  return createAlpacaSource({
    keyId: 'test-key',
    secretKey: 'test-secret',
    url: server.wsUrl,
    ...quick,
    ...options,
  });
}

const alpaca: HostileProvider = {
  name: 'Alpaca',
  source: testAlpacaSource,
  subscribedSymbol: (message) => (message.trades as string[] | undefined)?.[0],
};

/** A source on the fake server, watching AAPL and MSFT, each with one quote delivered. */
async function watchingTwo(server: FakeAlpacaServer) {
  const source = testAlpacaSource({ wsUrl: server.wsUrl() });
  const aapl = new UpdateRecorder(source.watch('AAPL'));
  const msft = new UpdateRecorder(source.watch('MSFT'));
  await server.subscribed('MSFT');
  server.send(alpacaTrade('AAPL', 100), alpacaTrade('MSFT', 400));
  await msft.quoteAt(400);
  await aapl.quoteAt(100);
  return { source, aapl, msft };
}

describe('hostile Alpaca server', () => {
  it('ignores and counts trades and quotes with bad values; the good items of the same message go on', async () => {
    using guard = new ProcessGuard();
    await using server = await FakeAlpacaServer.start();
    const { source, aapl, msft } = await watchingTwo(server);
    using _a = aapl;
    using _m = msft;

    const badTrades = [
      alpacaTrade('AAPL', -1),
      alpacaTrade('AAPL', 0),
      alpacaTrade('AAPL', '101'),
      alpacaTrade('AAPL', null),
      alpacaTrade('AAPL', 1e300),
      alpacaTrade('AAPL', { p: 101 }),
      alpacaTrade('AAPL', undefined), // no price
      alpacaTrade('AAPL', 101, 'yesterday'),
      alpacaTrade('AAPL', 101, 1.7334990001234568e18), // nanoseconds as a number
      alpacaTrade('AAPL', 101, '+275760-09-13T00:00:00.001Z'),
      alpacaTrade('AAPL', 101, '1969-12-31T23:59:59Z'),
      alpacaTrade('AAPL', 101, '2024-02-30T15:30:00Z'),
      alpacaTrade('AAPL', 101, `2024-12-06T15:30:00.${'1'.repeat(50_000)}Z`),
      alpacaTrade('AAPL', 101, '2024-12-06T15:30:00.123'), // no offset
      alpacaTrade(42, 101),
      alpacaTrade('', 101),
      alpacaTrade(undefined, 101),
    ];
    const badQuotes = [
      alpacaQuote('AAPL', -1, 101),
      alpacaQuote('AAPL', 100, '101'),
      alpacaQuote('AAPL', null, 101),
      alpacaQuote(undefined, 100, 101),
    ];
    // good items behind the bad ones, in the same message
    server.send(...badTrades, ...badQuotes, alpacaQuote('AAPL', 101.9, 102.1), alpacaTrade('AAPL', 102));
    server.send(alpacaTrade('MSFT', 401));
    await msft.quoteAt(401);

    expect(aapl.quotes.map((quote) => [quote.price, quote.bid, quote.ask])).toEqual([
      [100, undefined, undefined],
      [102, 101.9, 102.1],
    ]);
    expect(source.stats?.()).toEqual({
      ignoredQuotes: badTrades.length + badQuotes.length,
      ignoredMessages: 0,
    });
    expect([aapl.error, msft.error]).toEqual([undefined, undefined]);
    expect(guard.escaped).toEqual([]);
  });

  it('ignores and counts frames and items it cannot read, and errors in odd shapes or for nobody', async () => {
    using guard = new ProcessGuard();
    await using server = await FakeAlpacaServer.start();
    const { source, aapl, msft } = await watchingTwo(server);
    using _a = aapl;
    using _m = msft;

    const unreadable: (string | Uint8Array)[] = [
      'not json',
      '[{"T":"t","S":"AAPL","p":1',
      new Uint8Array([0xff, 0xfe, 0x00, 0x5b]),
      'null',
      '12',
      '"t"',
      '{"T":"t","S":"AAPL","p":101,"t":"2024-12-06T15:30:00Z"}', // an object, not an array
      `${' '.repeat(100_000)}x`,
    ];
    for (const frame of unreadable) server.sendRaw(frame);
    const items = [1, null, 'x', [], {}, { T: 7 }];
    server.sendRaw(JSON.stringify(items));
    // errors nobody asked for, or with codes that are not numbers: no watch may end
    const odd = [
      { T: 'error', code: '406', msg: 'connection limit exceeded' },
      { T: 'error', msg: { toString: 1 } },
      { T: 'error', code: 405, msg: 'symbol limit exceeded' }, // answers no pending subscription
      { T: 'error', code: 403, msg: 'already authenticated' },
      { T: 'subscription', trades: 'all' },
      { T: 'success', msg: 42 },
    ];
    server.send(...odd);
    for (let i = 0; i < 100; i++) server.send({ T: 'error', code: 500, msg: 'internal error' });
    server.send(alpacaTrade('AAPL', 101), alpacaTrade('MSFT', 401));
    await msft.quoteAt(401);
    await aapl.quoteAt(101);

    // the odd errors counted: the string code, the one without a code, the 405 and the 403; and the 500s
    expect(source.stats?.()).toEqual({
      ignoredQuotes: 0,
      ignoredMessages: unreadable.length + items.length + 4 + 100,
    });
    expect([aapl.error, msft.error]).toEqual([undefined, undefined]);
    expect(guard.escaped).toEqual([]);
  });

  it('survives a flood of 20,000 trades in 200 messages: reports stay few, the price asked for is the newest', async () => {
    using guard = new ProcessGuard();
    await using server = await FakeAlpacaServer.start();
    const source = testAlpacaSource({ wsUrl: server.wsUrl() });
    using run = new ToolRun(createStockTools({ source }));
    const started = Date.now();
    run.runner.handleToolCall([
      { id: 'a', name: 'monitor_stock_price', args: { symbol: 'AAPL' } },
      { id: 'm', name: 'monitor_stock_price', args: { symbol: 'MSFT', minSecondsBetweenReports: 0 } },
    ]);
    await server.subscribed('MSFT');
    await server.subscribed('AAPL');
    server.send(alpacaTrade('AAPL', 100), alpacaTrade('MSFT', 400));
    await run.nthOutput('m', 1);
    for (let batch = 0; batch < 200; batch++) {
      server.send(...Array.from({ length: 100 }, (_, i) => alpacaTrade('AAPL', floodPrice(batch * 100 + i))));
    }
    server.send(alpacaTrade('MSFT', 410));
    // the MSFT trade sent after the flood shows it was read; give a slow machine time
    await run.output('m', (o) => o.price === 410, 'the MSFT report of 410, sent after the flood', 20_000);
    await expectFloodCapped(run, 'a', 'AAPL', 20_000, started);
    expect(guard.escaped).toEqual([]);
  }, 30_000);

  it('gives up with PROVIDER_ERROR when the server accepts TCP but never answers the upgrade', () =>
    expectGivesUpOnUnansweredUpgrade(alpaca, 'AAPL'));

  it('gives up with PROVIDER_ERROR when the server accepts the upgrade and never sends anything', () =>
    expectGivesUpOnSilentConnection(alpaca, 'AAPL'));

  it('answers every unusable REST latest trade with a clear error', async () => {
    using guard = new ProcessGuard();
    const replies: Record<string, unknown> = {
      NEG: { trade: { p: -1, t: '2024-12-06T15:30:00Z' } },
      ZERO: { trade: { p: 0, t: '2024-12-06T15:30:00Z' } },
      STR: { trade: { p: '231.5', t: '2024-12-06T15:30:00Z' } },
      TIME: { trade: { p: 231.5, t: '+275760-09-13T00:00:00.001Z' } },
      BADT: { trade: { p: 231.5, t: 'soon' } },
      NUMT: { trade: { p: 231.5, t: 1_733_499_000 } },
      SHAPE: ['231.5'],
      NOTJSON: undefined,
    };
    await using server = await FakeAlpacaServer.start({
      rest: (path) => {
        const symbol = /^\/v2\/stocks\/([^/]+)\//.exec(path)?.[1] ?? '';
        return { status: 200, body: replies[symbol] };
      },
    });
    const source = testAlpacaSource({ wsUrl: server.wsUrl() }, { rest: { baseUrl: server.httpUrl } });
    using run = new ToolRun(createStockTools({ source }));
    await expectRefusedEach(run, Object.keys(replies), 'Alpaca');
    await expect(source.quote('TIME')).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('time'),
    });
    expect(guard.escaped).toEqual([]);
  });
});
