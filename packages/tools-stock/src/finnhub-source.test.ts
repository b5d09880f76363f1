import { VirtualTimeScheduler } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeProviderServer, type RestReply } from '../test/support/fake-provider-server.js';
import { UpdateRecorder } from '../test/support/recorder.js';
import { testFinnhubSource } from '../test/support/test-sources.js';
import { createFinnhubSource } from './finnhub-source.js';

const trade = (s: string, p: number, t: number, v = 1) => ({ s, p, t, v, c: ['1', '12'] });

describe('createFinnhubSource', () => {
  const savedKey = process.env.FINNHUB_API_KEY;
  afterEach(() => {
    if (savedKey === undefined) delete process.env.FINNHUB_API_KEY;
    else process.env.FINNHUB_API_KEY = savedKey;
  });

  it('fails at creation with MISSING_API_KEY when there is no key', () => {
    delete process.env.FINNHUB_API_KEY;
    expect(() => createFinnhubSource()).toThrow(expect.objectContaining({ code: 'MISSING_API_KEY' }));
    expect(() => createFinnhubSource({ apiKey: '  ' })).toThrow(
      expect.objectContaining({ code: 'MISSING_API_KEY' }),
    );
    process.env.FINNHUB_API_KEY = 'from-env';
    expect(createFinnhubSource().name).toBe('finnhub');
  });

  it('subscribes with the key in the URL, streams trades as quotes, shares the socket, unsubscribes the last', async () => {
    await using server = await FakeProviderServer.start();
    const source = testFinnhubSource(server);
    using aapl = new UpdateRecorder(source.watch('aapl'));

    expect(await server.upgradeRequest(1)).toBe('/?token=test-key');
    await server.message((m) => m.message.symbol === 'AAPL', 'subscribe AAPL');
    expect(server.received[0]?.message).toEqual({ type: 'subscribe', symbol: 'AAPL' });

    server.send({ type: 'ping' });
    server.send({
      type: 'trade',
      data: [trade('AAPL', 230.1, 1_700_000_000_000, 5), trade('AAPL', 230.25, 1_700_000_000_200, 10)],
    });
    expect(await aapl.nthQuote(1)).toEqual({
      symbol: 'AAPL',
      price: 230.25,
      time: 1_700_000_000_200,
      source: 'finnhub',
      marketOpen: false, // 22:13 UTC: after the New York close
      volume: 15,
    });

    using btc = new UpdateRecorder(source.watch('binance:btcusdt'));
    await server.message((m) => m.message.symbol === 'BINANCE:BTCUSDT', 'subscribe BINANCE:BTCUSDT');
    server.send({ type: 'trade', data: [trade('BINANCE:BTCUSDT', 65_000.5, 1_700_000_001_000, 0.01)] });
    expect((await btc.nthQuote(1)).marketOpen).toBe(true); // exchange-prefixed symbols trade around the clock
    expect(aapl.quotes).toHaveLength(1);
    expect(server.connections).toBe(1);

    aapl.unsubscribe();
    await server.message((m) => m.message.type === 'unsubscribe', 'unsubscribe AAPL');
    expect(server.received.at(-1)?.message).toEqual({ type: 'unsubscribe', symbol: 'AAPL' });
    btc.unsubscribe();
    await server.message((m) => m.message.type === 'unsubscribe' && m.message.symbol === 'BINANCE:BTCUSDT');
    await server.closed(1); // idleCloseMs: 0 closes the socket with the last symbol
  });

  it('reconnects after a disconnect, reports it, subscribes again and streams again', async () => {
    await using server = await FakeProviderServer.start();
    using msft = new UpdateRecorder(testFinnhubSource(server).watch('MSFT'));
    await server.message((m) => m.connection === 1 && m.message.symbol === 'MSFT');
    server.send({ type: 'trade', data: [trade('MSFT', 420, 1)] });
    await msft.quoteAt(420);

    server.dropConnections();
    expect(await msft.status('reconnecting')).toMatchObject({
      symbol: 'MSFT',
      reason: expect.stringContaining('closed'),
    });
    await server.message(
      (m) => m.connection === 2 && m.message.type === 'subscribe',
      'resubscribe on connection 2',
    );
    expect(server.received.filter((m) => m.connection === 2).map((m) => m.message)).toEqual([
      { type: 'subscribe', symbol: 'MSFT' },
    ]);
    server.send({ type: 'trade', data: [trade('MSFT', 421, 2)] });
    await msft.quoteAt(421);
    await msft.status('live');
    expect(msft.statuses).toEqual(['reconnecting', 'live']);
  });

  it('reports a silent connection as stale, then replaces it', async () => {
    await using server = await FakeProviderServer.start();
    const source = testFinnhubSource(server, { staleAfterMs: 60, deadAfterMs: 150 });
    using nvda = new UpdateRecorder(source.watch('NVDA'));
    await server.message((m) => m.message.symbol === 'NVDA');
    server.send({ type: 'trade', data: [trade('NVDA', 130, 1)] });
    await nvda.quoteAt(130);
    expect(await nvda.status('stale')).toMatchObject({ reason: expect.stringMatching(/no data/) });
    await nvda.status('reconnecting');
    await server.message(
      (m) => m.connection === 2 && m.message.symbol === 'NVDA',
      'resubscribe after a dead connection',
    );
    expect(nvda.error).toBeUndefined();
  });

  it('fails every stream with REJECTED_API_KEY when the upgrade is refused with HTTP 401, without retrying', async () => {
    await using server = await FakeProviderServer.start();
    server.refuseUpgradesWith = 401;
    const source = testFinnhubSource(server);
    using a = new UpdateRecorder(source.watch('AAPL'));
    using b = new UpdateRecorder(source.watch('TSLA'));
    const error = await a.failure();
    expect(error).toMatchObject({
      code: 'REJECTED_API_KEY',
      source: 'finnhub',
      message: expect.stringContaining('401'),
    });
    expect((error as Error).message).not.toContain('test-key');
    expect(await b.failure()).toBe(error);
    await new Promise((resolve) => setTimeout(resolve, 50)); // ten times the retry delay: no retry came
    expect(server.upgrades).toHaveLength(1);
  });

  it('fails with REJECTED_API_KEY when Finnhub says so in an error message', async () => {
    await using server = await FakeProviderServer.start();
    using a = new UpdateRecorder(testFinnhubSource(server).watch('AAPL'));
    await server.message((m) => m.message.symbol === 'AAPL');
    server.send({ type: 'error', msg: 'Invalid API key' });
    expect(await a.failure()).toMatchObject({ code: 'REJECTED_API_KEY' });
    await server.closed(1);
  });

  it('fails with REJECTED_API_KEY when every connection is closed right after it opens', async () => {
    await using server = await FakeProviderServer.start();
    server.closeOnOpen = true;
    using a = new UpdateRecorder(testFinnhubSource(server).watch('AAPL'));
    expect(await a.failure()).toMatchObject({
      code: 'REJECTED_API_KEY',
      message: expect.stringContaining('one per key'),
    });
    await new Promise((resolve) => setTimeout(resolve, 50)); // ten times the retry delay: no retry came
    expect(server.connections).toBe(3);
  });

  it('fails one symbol with PROVIDER_ERROR when an error message names it', async () => {
    await using server = await FakeProviderServer.start();
    const source = testFinnhubSource(server);
    using good = new UpdateRecorder(source.watch('AAPL'));
    using bad = new UpdateRecorder(source.watch('XYZW'));
    await server.message((m) => m.message.symbol === 'XYZW');
    server.send({ type: 'error', msg: 'Symbol XYZW is not supported' });
    expect(await bad.failure()).toMatchObject({ code: 'PROVIDER_ERROR', symbol: 'XYZW' });
    server.send({ type: 'trade', data: [trade('AAPL', 231, 1)] });
    await good.quoteAt(231);
    expect(good.error).toBeUndefined();
  });

  it('ends only the watch an error names exactly: "Invalid symbol MSFT" does not end a watch of A', async () => {
    // regression: symbols were matched by substring, and "INVALID SYMBOL MSFT" contains "A"
    await using server = await FakeProviderServer.start();
    const source = testFinnhubSource(server);
    using a = new UpdateRecorder(source.watch('A'));
    using brk = new UpdateRecorder(source.watch('BRK.B'));
    using msft = new UpdateRecorder(source.watch('MSFT'));
    using ms = new UpdateRecorder(source.watch('MS'));
    await server.message((m) => m.message.symbol === 'MS');
    server.send({ type: 'trade', data: [trade('A', 140, 1), trade('BRK.B', 410, 1), trade('MS', 90, 1)] });
    await ms.quoteAt(90);
    server.send({ type: 'error', msg: 'Invalid symbol MSFT' });
    expect(await msft.failure()).toMatchObject({
      code: 'UNKNOWN_SYMBOL',
      symbol: 'MSFT',
      message: expect.stringContaining('Invalid symbol MSFT'),
    });
    server.send({ type: 'error', msg: 'Symbol "BRK.B." is not supported.' });
    expect(await brk.failure()).toMatchObject({ symbol: 'BRK.B' });
    server.send({ type: 'trade', data: [trade('A', 141, 2), trade('MS', 91, 2)] });
    await a.quoteAt(141);
    await ms.quoteAt(91);
    expect(a.error).toBeUndefined();
    expect(ms.error).toBeUndefined();
  });

  it('gives an error that names no symbol to every watch still waiting for its first trade, and says so', async () => {
    await using server = await FakeProviderServer.start();
    const source = testFinnhubSource(server);
    using aapl = new UpdateRecorder(source.watch('AAPL'));
    using tsla = new UpdateRecorder(source.watch('TSLA'));
    using nvda = new UpdateRecorder(source.watch('NVDA'));
    await server.message((m) => m.message.symbol === 'NVDA');
    server.send({ type: 'trade', data: [trade('AAPL', 230, 1)] });
    await aapl.quoteAt(230);
    server.send({ type: 'error', msg: 'Subscription limit reached' });
    for (const recorder of [tsla, nvda]) {
      expect(await recorder.failure()).toMatchObject({
        code: 'PROVIDER_ERROR',
        message: expect.stringMatching(
          /named no symbol.*"Subscription limit reached".*every symbol still waiting for its first trade \(TSLA, NVDA\)/,
        ),
      });
    }
    server.send({ type: 'trade', data: [trade('AAPL', 231, 2)] });
    await aapl.quoteAt(231);
    expect(aapl.error).toBeUndefined();
  });

  it('fails a symbol that gets no quote in time with NO_QUOTE_TIMEOUT and unsubscribes it', async () => {
    await using server = await FakeProviderServer.start();
    // virtual time: the timeout fires only once the symbol is subscribed, however slow the socket opens
    const scheduler = new VirtualTimeScheduler();
    using unknown = new UpdateRecorder(
      testFinnhubSource(server, { noQuoteTimeoutMs: 50, scheduler }).watch('NOPE'),
    );
    await server.message((m) => m.message.type === 'subscribe' && m.message.symbol === 'NOPE');
    expect(unknown.error).toBeUndefined();
    scheduler.maxFrames = 50;
    scheduler.flush();
    expect(await unknown.failure()).toMatchObject({
      code: 'NO_QUOTE_TIMEOUT',
      symbol: 'NOPE',
      message: expect.stringContaining('Check the ticker'),
    });
    await server.message((m) => m.message.type === 'unsubscribe' && m.message.symbol === 'NOPE');
  });

  describe('with the REST quote endpoint', () => {
    const restQuotes: Record<string, RestReply> = {
      AAPL: {
        status: 200,
        body: { c: 229.87, d: 1.2, dp: 0.52, h: 231, l: 228, o: 228.5, pc: 228.67, t: 1_700_000_000 },
      },
      ZZZZ: { status: 200, body: { c: 0, d: null, dp: null, h: 0, l: 0, o: 0, pc: 0, t: 0 } },
    };
    const rest = (path: string): RestReply => {
      const url = new URL(path, 'http://localhost');
      if (url.searchParams.get('token') !== 'test-key')
        return { status: 401, body: { error: 'Invalid API key' } };
      return restQuotes[url.searchParams.get('symbol') ?? ''] ?? { status: 200, body: { c: 0, t: 0 } };
    };

    it('answers quote() from REST and starts a watch with the REST price', async () => {
      await using server = await FakeProviderServer.start({ rest });
      const source = testFinnhubSource(server, { rest: { baseUrl: `${server.httpUrl}/api/v1` } });
      expect(await source.quote('aapl')).toEqual({
        symbol: 'AAPL',
        price: 229.87,
        time: 1_700_000_000_000,
        source: 'finnhub',
        marketOpen: expect.any(Boolean),
      });
      expect(server.restRequests[0]).toBe('/api/v1/quote?symbol=AAPL&token=test-key');
      expect(server.connections).toBe(0);

      using watch = new UpdateRecorder(source.watch('AAPL'));
      expect((await watch.nthQuote(1)).price).toBe(229.87);
      await server.message((m) => m.message.symbol === 'AAPL');
      server.send({ type: 'trade', data: [trade('AAPL', 230, 1_700_000_100_000)] });
      expect((await watch.nthQuote(2)).price).toBe(230);
    });

    it('fails an unknown symbol with UNKNOWN_SYMBOL and a rejected key with REJECTED_API_KEY', async () => {
      await using server = await FakeProviderServer.start({ rest });
      const source = testFinnhubSource(server, { rest: { baseUrl: `${server.httpUrl}/api/v1` } });
      await expect(source.quote('ZZZZ')).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL', symbol: 'ZZZZ' });
      using watch = new UpdateRecorder(source.watch('ZZZZ'));
      expect(await watch.failure()).toMatchObject({ code: 'UNKNOWN_SYMBOL' });

      const wrongKey = createFinnhubSource({
        apiKey: 'wrong',
        url: server.wsUrl,
        rest: { baseUrl: `${server.httpUrl}/api/v1` },
      });
      await expect(wrongKey.quote('AAPL')).rejects.toMatchObject({ code: 'REJECTED_API_KEY' });
    });
  });
});
