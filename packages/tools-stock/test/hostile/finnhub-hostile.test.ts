/**
 * A hostile Finnhub: a real local WebSocket/HTTP server speaking Finnhub's protocol that sends what
 * a broken or malicious provider could. Every case checks that the process lives, that the other
 * watches keep working, that bad input is ignored and counted, and that each call gets exactly one
 * final response, its last.
 */
import { describe, expect, it } from 'vitest';
import { createStockTools } from '../../src/stock-tools.js';
import { DebugLog } from '../support/debug-log.js';
import { FakeProviderServer, type RestReply } from '../support/fake-provider-server.js';
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
import { testFinnhubSource } from '../support/test-sources.js';
import { ToolRun } from '../support/tool-run.js';

const NOW = Date.parse('2024-03-05T15:00:00Z');
const trade = (s: unknown, p: unknown, t: unknown = NOW, v: unknown = 1) => ({ s, p, t, v });

const finnhub: HostileProvider = {
  name: 'Finnhub',
  source: testFinnhubSource,
  subscribedSymbol: (message) => message.symbol,
};

describe('hostile Finnhub server', () => {
  it('ignores and counts trades with out-of-range, missing or mistyped values; the watches go on', async () => {
    using guard = new ProcessGuard();
    await using server = await FakeProviderServer.start();
    const log = new DebugLog();
    const source = testFinnhubSource(server, { logger: log });
    using run = new ToolRun(everyChange(source));
    await watching(finnhub, server, run, { a: 'AAPL', m: 'MSFT' });
    server.send({ type: 'trade', data: [trade('AAPL', 100)] });
    await run.nthOutput('a', 1);

    const bad = [
      trade('AAPL', 101, 1.709e18), // nanoseconds
      trade('AAPL', 101, 1e20),
      trade('AAPL', 101, -1),
      trade('AAPL', 101, 1e308),
      trade('AAPL', 101, '1709650800000'), // a string
      trade('AAPL', 0),
      trade('AAPL', -1),
      trade('AAPL', 'NaN'),
      trade('AAPL', '101'),
      trade('AAPL', 1e300),
      trade('AAPL', null),
      trade('AAPL', { value: 101 }),
      { p: 101, t: NOW }, // no symbol
      trade(42, 101),
      trade('', 101),
      null,
      7,
    ];
    for (const item of bad) server.send({ type: 'trade', data: [item] });
    server.send({ type: 'trade', data: [...bad, trade('AAPL', 102)] }); // one good trade among them
    server.send({ type: 'trade', data: [trade('MSFT', 400)] });
    await run.nthOutput('m', 1);

    expect(run.outputs('a').map((o) => o.price)).toEqual([100, 102]);
    expect(run.outputs('m').map((o) => o.price)).toEqual([400]);
    expect(source.stats?.()).toEqual({ ignoredQuotes: bad.length * 2, ignoredMessages: 0 });
    expect(log.messages).toHaveLength(bad.length * 2);
    expect(log.messages).toContain(
      'finnhub: ignored a quote: time 1709000000000000000 is not epoch milliseconds between 1970 and 2200',
    );
    expectOneFinalEach(run, ['a', 'm']);
    expect(guard.escaped).toEqual([]);
  });

  it('ignores and counts frames it cannot read: not JSON, cut off, binary, wrong shapes', async () => {
    using guard = new ProcessGuard();
    await using server = await FakeProviderServer.start();
    const source = testFinnhubSource(server);
    using run = new ToolRun(everyChange(source));
    await watching(finnhub, server, run, { a: 'AAPL', m: 'MSFT' });
    server.send({ type: 'trade', data: [trade('AAPL', 100), trade('MSFT', 400)] });
    await run.nthOutput('m', 1);

    const unreadable: (string | Uint8Array)[] = [
      'not json',
      '{"type":"trade","data":[{"s":"AAPL","p":1',
      new Uint8Array([0xff, 0xfe, 0x00, 0x7b]),
      'null',
      '12',
      '"trade"',
      '[]',
      '{"type":"trade"}',
      '{"type":"trade","data":"AAPL"}',
      '{"type":"trade","data":{"s":"AAPL","p":1}}',
    ];
    for (const frame of unreadable) server.sendRaw(frame);
    // readable, but hostile: an error whose text is not text, and one about nobody
    server.send({ type: 'error', msg: { toString: 1 } });
    server.send({ type: 'error', msg: 42 });
    server.send({ type: 'ping' });
    server.send({ type: 'trade', data: [trade('AAPL', 101), trade('MSFT', 401)] });
    await run.nthOutput('m', 2);

    expect(run.outputs('a').map((o) => o.price)).toEqual([100, 101]);
    expect(source.stats?.()).toEqual({ ignoredQuotes: 0, ignoredMessages: unreadable.length });
    expectOneFinalEach(run, ['a', 'm']);
    expect(guard.escaped).toEqual([]);
  });

  it('survives a flood of 20,000 trades: reports stay few, the price asked for is the newest, MSFT goes on', async () => {
    using guard = new ProcessGuard();
    await using server = await FakeProviderServer.start();
    const source = testFinnhubSource(server);
    using run = new ToolRun(createStockTools({ source })); // the default rate limits
    const started = Date.now();
    // MSFT reports every move at once: its reports show when the flood has been read
    await watching(finnhub, server, run, { a: 'AAPL', m: 'MSFT' }, { m: { minSecondsBetweenReports: 0 } });
    server.send({ type: 'trade', data: [trade('AAPL', 100), trade('MSFT', 400)] });
    await run.nthOutput('m', 1);

    for (let i = 0; i < 20_000; i += 10) {
      // 2000 messages of 10 trades, each message's trades newer than the last one's
      const data = Array.from({ length: 10 }, (_, k) => trade('AAPL', floodPrice(i + k), NOW + i + k));
      server.send({ type: 'trade', data: data.slice(0, 9) });
      server.send({ type: 'trade', data: data.slice(9) });
    }
    server.send({ type: 'trade', data: [trade('MSFT', 410)] });
    await run.nthOutput('m', 2, 20_000); // the flood is read first: give a slow machine time

    await expectFloodCapped(run, 'a', 'AAPL', 20_000, started);
    expectOneFinalEach(run, ['a', 'm']);
    expect(guard.escaped).toEqual([]);
  }, 30_000);

  it('gives up with PROVIDER_ERROR when the server accepts TCP but never answers the upgrade', () =>
    expectGivesUpOnUnansweredUpgrade(finnhub, 'AAPL'));

  it('gives up with PROVIDER_ERROR when the server accepts the upgrade and never sends anything', () =>
    expectGivesUpOnSilentConnection(finnhub, 'AAPL'));

  describe('REST quotes', () => {
    const replies: Record<string, RestReply> = {
      NANO: { status: 200, body: { c: 229.87, t: 1.709e18 } },
      HUGE: { status: 200, body: { c: 229.87, t: 1e20 } },
      NEG: { status: 200, body: { c: 229.87, t: -5 } },
      STRT: { status: 200, body: { c: 229.87, t: '1709650800' } },
      MINUS: { status: 200, body: { c: -1, t: 1_709_650_800 } },
      INF: { status: 200, body: { c: 1e300, t: 1_709_650_800 } },
      TEXT: { status: 200, body: { c: '229.87', t: 1_709_650_800 } },
      SHAPE: { status: 200, body: [1, 2, 3] },
    };
    const rest = (path: string): RestReply => {
      const symbol = /symbol=([^&]+)/.exec(path)?.[1] ?? '';
      return replies[symbol] ?? { status: 200, body: { c: 0, t: 0 } };
    };

    it('answers every unusable REST quote with a clear error, never "Invalid time value"', async () => {
      using guard = new ProcessGuard();
      await using server = await FakeProviderServer.start({ rest });
      const source = testFinnhubSource(server, { rest: { baseUrl: server.httpUrl } });
      using run = new ToolRun(createStockTools({ source }));
      const messages = await expectRefusedEach(run, Object.keys(replies), 'Finnhub');
      for (const [symbol, message] of messages) {
        expect(message, symbol).not.toMatch(/Invalid time value|has no price/);
      }
      await expect(source.quote('NANO')).rejects.toMatchObject({
        code: 'PROVIDER_ERROR',
        message: expect.stringContaining('time'),
      });
      await expect(source.quote('MINUS')).rejects.toMatchObject({
        code: 'PROVIDER_ERROR',
        message: expect.stringContaining('price'),
      });
      expect(guard.escaped).toEqual([]);
    });

    it('starts a watch from the stream when its REST snapshot is unusable', async () => {
      using guard = new ProcessGuard();
      await using server = await FakeProviderServer.start({ rest });
      const log = new DebugLog();
      const source = testFinnhubSource(server, { rest: { baseUrl: server.httpUrl }, logger: log });
      using run = new ToolRun(everyChange(source));
      await watching(finnhub, server, run, { n: 'NANO' });
      // the snapshot arrives with a time in nanoseconds: refused and counted, before any trade
      expect(await log.nth(1)).toMatch(/^finnhub: ignored a quote: time \S+ is not epoch milliseconds/);
      expect(source.stats?.().ignoredQuotes).toBe(1);
      server.send({ type: 'trade', data: [trade('NANO', 230)] });
      expect((await run.nthOutput('n', 1)).price).toBe(230);
      expectOneFinalEach(run, ['n']);
      expect(guard.escaped).toEqual([]);
    });
  });

  describe("Finnhub's own wording, bent", () => {
    it('answers every REST 401/403/429 body with a typed error for the key or for that symbol alone', async () => {
      using guard = new ProcessGuard();
      const replies: Record<string, RestReply> = {
        KEYA: { status: 401, body: { error: 'Invalid API key.' } },
        KEYB: { status: 403, body: { error: 'Invalid API key.' } },
        KEYC: { status: 401, body: 'Unauthorized' }, // names no reason: a 401 is about the key
        ACCA: { status: 403, body: { error: "You don't have access to this resource." } },
        ACCB: { status: 401, body: { error: "You don't have access to this resource." } },
        ACCC: { status: 403, body: {} }, // names no reason: a 403 is about the symbol
        ACCD: { status: 403, body: { error: { nested: ['not', 'text'] } } },
        ACCE: { status: 403, body: { error: 'x'.repeat(10_000) } },
        RATE: {
          status: 429,
          body: { error: 'API limit reached. Please try again later. Remaining Limit: 0' },
        },
      };
      const expected: Record<string, string> = {
        KEYA: 'REJECTED_API_KEY',
        KEYB: 'REJECTED_API_KEY',
        KEYC: 'REJECTED_API_KEY',
        ACCA: 'NO_ACCESS',
        ACCB: 'NO_ACCESS',
        ACCC: 'NO_ACCESS',
        ACCD: 'NO_ACCESS',
        ACCE: 'NO_ACCESS',
        RATE: 'PROVIDER_ERROR',
      };
      await using server = await FakeProviderServer.start({
        rest: (path) =>
          replies[/symbol=([^&]+)/.exec(path)?.[1] ?? ''] ?? { status: 200, body: { c: 0, t: 0 } },
      });
      const source = testFinnhubSource(server, { rest: { baseUrl: server.httpUrl } });
      for (const [symbol, code] of Object.entries(expected)) {
        const error = await source.quote(symbol).then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(error, symbol).toMatchObject({
          name: 'QuoteSourceError',
          code,
          message: expect.stringContaining('Finnhub'),
        });
        expect((error as Error).message.length, symbol).toBeLessThan(700);
        expect((error as Error).message, symbol).not.toContain('test-key');
        if (code === 'NO_ACCESS') expect(error, symbol).toMatchObject({ symbol });
      }
      expect(guard.escaped).toEqual([]);
    });

    it('gives each WebSocket error to exactly the watch it names, or to nobody', async () => {
      using guard = new ProcessGuard();
      await using server = await FakeProviderServer.start();
      const source = testFinnhubSource(server);
      using aapl = new UpdateRecorder(source.watch('AAPL'));
      using v = new UpdateRecorder(source.watch('V'));
      using ic = new UpdateRecorder(source.watch('IC MARKETS:1'));
      using token = new UpdateRecorder(source.watch('TOKEN'));
      await server.message((m) => m.message.symbol === 'TOKEN');
      server.send({ type: 'trade', data: [trade('AAPL', 230)] });
      await aapl.quoteAt(230);
      const aboutNobody = [
        'Invalid symbol AAPLX',
        'Invalid symbol aapl', // another case is another symbol
        'Invalid symbol IC MARKETS', // a prefix of IC MARKETS:1
        `Invalid symbol ${'X'.repeat(10_000)}`,
      ];
      for (const msg of aboutNobody) server.send({ type: 'error', msg });
      // a symbol whose name looks like a word about keys is still a symbol
      server.send({ type: 'error', msg: 'Invalid symbol TOKEN' });
      expect(await token.failure()).toMatchObject({ code: 'UNKNOWN_SYMBOL', symbol: 'TOKEN' });
      // the newest subscription not confirmed by a trade is IC MARKETS:1 (TOKEN is gone)
      server.send({ type: 'error', msg: 'Subscribing to too many symbols' });
      expect(await ic.failure()).toMatchObject({ code: 'SYMBOL_LIMIT', symbol: 'IC MARKETS:1' });
      server.send({ type: 'trade', data: [trade('AAPL', 231), trade('V', 350)] });
      await v.quoteAt(350);
      // every subscription is confirmed now: this one concerns nobody
      server.send({ type: 'error', msg: 'Subscribing to too many symbols' });
      server.send({ type: 'trade', data: [trade('AAPL', 232), trade('V', 351)] });
      await aapl.quoteAt(232);
      await v.quoteAt(351);
      expect(aapl.error).toBeUndefined();
      expect(v.error).toBeUndefined();
      expect(source.stats?.()).toEqual({ ignoredQuotes: 0, ignoredMessages: aboutNobody.length + 1 });
      expect(guard.escaped).toEqual([]);
    });

    it('refuses malformed symbols with UNKNOWN_SYMBOL, and keeps venue names with spaces whole', async () => {
      using guard = new ProcessGuard();
      await using server = await FakeProviderServer.start();
      const source = testFinnhubSource(server);
      const malformed = [
        ' : ',
        ':1',
        'IC MARKETS:',
        'IC  MARKETS::1',
        'IC MARKETS:1 2',
        'ÄPPLE',
        `${'A'.repeat(70)} X:1`,
        'A B',
      ];
      for (const symbol of malformed) {
        await expect(source.quote(symbol), symbol).rejects.toMatchObject({
          code: 'UNKNOWN_SYMBOL',
          message: expect.stringContaining('AAPL'),
        });
      }
      using ic = new UpdateRecorder(source.watch('ic\tmarkets : 1'));
      await server.message((m) => m.message.symbol === 'IC MARKETS:1', 'subscribe IC MARKETS:1');
      expect(ic.error).toBeUndefined();
      expect(server.restRequests).toEqual([]);
      expect(guard.escaped).toEqual([]);
    });
  });
});
