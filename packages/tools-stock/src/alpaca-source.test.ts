import { asyncScheduler, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alpacaQuote, alpacaTrade, FakeAlpacaServer } from '../test/support/fake-alpaca-server.js';
import { UpdateRecorder } from '../test/support/recorder.js';
import { type AlpacaSourceOptions, createAlpacaSource } from './alpaca-source.js';
import type { QuoteSource } from './quote-source.js';

/** An Alpaca source on the fake server's stream, quick to test; `options` override. */
function testAlpacaSource(server: FakeAlpacaServer, options: AlpacaSourceOptions = {}): QuoteSource {
  return createAlpacaSource({
    keyId: 'test-key',
    secretKey: 'test-secret',
    url: server.wsUrl(),
    rest: false,
    backoff: { initialDelayMs: 5, maxDelayMs: 20 },
    idleCloseMs: 0,
    ...options,
  });
}

const isSubscribe = (symbol: string) => (m: { message: unknown }) => {
  const message = m.message as Record<string, unknown>;
  return message.action === 'subscribe' && (message.trades as string[] | undefined)?.[0] === symbol;
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createAlpacaSource', () => {
  it('authenticates once connected, then subscribes trades and quotes, streams trades as quotes, unsubscribes', async () => {
    await using server = await FakeAlpacaServer.start();
    const source = testAlpacaSource(server);
    using aapl = new UpdateRecorder(source.watch('aapl'));
    await server.subscribed('AAPL');
    expect(server.received.map((r) => r.message)).toEqual([
      { action: 'auth', key: 'test-key', secret: 'test-secret' },
      { action: 'subscribe', trades: ['AAPL'], quotes: ['AAPL'] },
    ]);
    expect(server.upgrades).toEqual(['/v2/iex']);

    server.send(alpacaQuote('AAPL', 231.4, 231.6));
    server.send(
      alpacaTrade('AAPL', 231.5, '2024-12-06T15:30:00.123456789Z'),
      { ...alpacaTrade('AAPL', 231.52, '2024-12-06T15:30:00.200000001Z'), s: 50 },
      { T: 'c', S: 'AAPL', x: 'V', oi: 1, op: 231.5, ci: 2, cp: 231.4, t: '2024-12-06T15:30:00.3Z' },
    );
    expect(await aapl.nthQuote(1)).toEqual({
      symbol: 'AAPL',
      price: 231.52,
      time: Date.UTC(2024, 11, 6, 15, 30, 0, 200),
      source: 'alpaca',
      marketOpen: true, // 10:30 in New York, a Friday
      volume: 150,
      bid: 231.4,
      ask: 231.6,
    });
    expect(source.stats?.()).toEqual({ ignoredQuotes: 0, ignoredMessages: 0 });

    aapl.unsubscribe();
    await server.message(
      (m) => (m.message as Record<string, unknown>).action === 'unsubscribe',
      'unsubscribe',
    );
    expect(server.received.at(-1)?.message).toEqual({
      action: 'unsubscribe',
      trades: ['AAPL'],
      quotes: ['AAPL'],
    });
    await server.closed(1);
  });

  it('streams the test feed (FAKEPACA) as open at any hour, and trades only when quotes are off', async () => {
    await using server = await FakeAlpacaServer.start();
    const source = testAlpacaSource(server, { feed: 'test', url: server.wsUrl('test'), quotes: false });
    using fake = new UpdateRecorder(source.watch('FAKEPACA'));
    await server.subscribed('FAKEPACA');
    expect(server.received.at(-1)?.message).toEqual({ action: 'subscribe', trades: ['FAKEPACA'] });
    server.send(alpacaTrade('FAKEPACA', 10.5, '2024-12-07T03:00:00Z')); // a Saturday night
    expect(await fake.nthQuote(1)).toMatchObject({ price: 10.5, marketOpen: true });
    expect(server.upgrades).toEqual(['/v2/test']);
  });

  it('fails every watch with REJECTED_API_KEY on 402 auth failed, without reconnecting', async () => {
    await using server = await FakeAlpacaServer.start();
    const source = testAlpacaSource(server, { secretKey: 'wrong' });
    using aapl = new UpdateRecorder(source.watch('AAPL'));
    using msft = new UpdateRecorder(source.watch('MSFT'));
    for (const recorder of [aapl, msft]) {
      expect(await recorder.failure()).toMatchObject({
        code: 'REJECTED_API_KEY',
        message: expect.stringMatching(/402 auth failed.*ALPACA_KEY_ID and ALPACA_SECRET_KEY/),
      });
    }
    await server.closed(1);
    expect(server.connections).toBe(1);
    expect(
      server.received.filter((r) => (r.message as Record<string, unknown>).action === 'subscribe'),
    ).toEqual([]);
  });

  it('fails with CONNECTION_LIMIT, saying to close the other client, when another connection uses the key (406)', async () => {
    await using server = await FakeAlpacaServer.start();
    using first = new UpdateRecorder(testAlpacaSource(server).watch('AAPL'));
    await server.subscribed('AAPL');
    using second = new UpdateRecorder(testAlpacaSource(server).watch('MSFT'));
    expect(await second.failure()).toMatchObject({
      code: 'CONNECTION_LIMIT',
      source: 'alpaca',
      message: expect.stringMatching(/another connection already uses this key.*Close the other client/),
    });
    await server.closed(1);
    expect(server.connections).toBe(2); // the refused source did not try again
    server.send(alpacaTrade('AAPL', 231.5));
    await first.quoteAt(231.5);
    expect(first.error).toBeUndefined();
  });

  it('refuses the 31st symbol at once with SYMBOL_LIMIT, before sending anything; a freed slot takes it', async () => {
    await using server = await FakeAlpacaServer.start();
    const source = testAlpacaSource(server);
    const symbols = Array.from({ length: 30 }, (_, i) => `S${String.fromCharCode(65 + (i % 26))}${i}`);
    const recorders = symbols.map((symbol) => new UpdateRecorder(source.watch(symbol)));
    for (const symbol of symbols) await server.subscribed(symbol);
    using extra = new UpdateRecorder(source.watch('AAPL'));
    expect(await extra.failure()).toMatchObject({
      code: 'SYMBOL_LIMIT',
      symbol: 'AAPL',
      message: expect.stringMatching(/at most 30 symbols.*30 are watched.*Stop watching one first/),
    });
    expect(server.received.some(isSubscribe('AAPL'))).toBe(false);

    recorders[0]?.unsubscribe();
    using again = new UpdateRecorder(source.watch('AAPL'));
    await server.subscribed('AAPL');
    expect(again.error).toBeUndefined();
    for (const recorder of recorders) recorder.unsubscribe();
  });

  it('gives 405 symbol limit exceeded to the subscription it answers, and the others stream on', async () => {
    await using server = await FakeAlpacaServer.start({ symbolLimit: 2 });
    const source = testAlpacaSource(server, { maxSymbols: 100 }); // a plan the server does not grant
    using aapl = new UpdateRecorder(source.watch('AAPL'));
    using msft = new UpdateRecorder(source.watch('MSFT'));
    await server.subscribed('MSFT');
    using spy = new UpdateRecorder(source.watch('SPY'));
    expect(await spy.failure()).toMatchObject({
      code: 'SYMBOL_LIMIT',
      symbol: 'SPY',
      message: expect.stringContaining('405 symbol limit exceeded'),
    });
    server.send(alpacaTrade('AAPL', 231.5), alpacaTrade('MSFT', 420.1));
    await aapl.quoteAt(231.5);
    await msft.quoteAt(420.1);
    expect([aapl.error, msft.error]).toEqual([undefined, undefined]);
  });

  it('maps 400 invalid syntax to BAD_REQUEST and 500 internal error to PROVIDER_ERROR, for that symbol only', async () => {
    const refusals: Record<string, { code: number; msg: string }> = {
      BADX: { code: 400, msg: 'invalid syntax' },
      OOPS: { code: 500, msg: 'internal error' },
    };
    await using server = await FakeAlpacaServer.start({ refuse: ([symbol = '']) => refusals[symbol] });
    const source = testAlpacaSource(server);
    using aapl = new UpdateRecorder(source.watch('AAPL'));
    using bad = new UpdateRecorder(source.watch('BADX'));
    using oops = new UpdateRecorder(source.watch('OOPS'));
    expect(await bad.failure()).toMatchObject({ code: 'BAD_REQUEST', symbol: 'BADX' });
    expect(await oops.failure()).toMatchObject({
      code: 'PROVIDER_ERROR',
      symbol: 'OOPS',
      message: expect.stringContaining('500 internal error'),
    });
    server.send(alpacaTrade('AAPL', 231.5));
    await aapl.quoteAt(231.5);
    expect(aapl.error).toBeUndefined();
  });

  it('fails every watch, without retrying, on 409 insufficient subscription', async () => {
    await using server = await FakeAlpacaServer.start();
    const source = testAlpacaSource(server, { feed: 'sip', url: server.wsUrl('sip') });
    using aapl = new UpdateRecorder(source.watch('AAPL'));
    await server.subscribed('AAPL');
    server.send({ T: 'error', code: 409, msg: 'insufficient subscription' });
    expect(await aapl.failure()).toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringMatching(/sip feed.*409 insufficient subscription.*'iex'/),
    });
  });

  it('reconnects after a drop or a slow-client close (407): authenticates and subscribes again', async () => {
    await using server = await FakeAlpacaServer.start();
    using aapl = new UpdateRecorder(testAlpacaSource(server).watch('AAPL'));
    await server.subscribed('AAPL');
    server.dropConnections();
    await aapl.status('reconnecting');
    await server.message((m) => m.connection === 2 && isSubscribe('AAPL')(m), 'subscribe on connection 2');
    expect(server.received.filter((m) => m.connection === 2).map((m) => m.message)).toEqual([
      { action: 'auth', key: 'test-key', secret: 'test-secret' },
      { action: 'subscribe', trades: ['AAPL'], quotes: ['AAPL'] },
    ]);
    server.send(alpacaTrade('AAPL', 232));
    await aapl.quoteAt(232);

    server.send({ T: 'error', code: 407, msg: 'slow client' });
    server.dropConnections();
    await server.message((m) => m.connection === 3 && isSubscribe('AAPL')(m), 'subscribe on connection 3');
    server.send(alpacaTrade('AAPL', 233));
    await aapl.quoteAt(233);
    expect(aapl.error).toBeUndefined();
  });

  it('answers quote() from the REST latest trade, with the key headers, and maps its errors', async () => {
    await using server = await FakeAlpacaServer.start({
      rest: (path, headers) => {
        if (headers['apca-api-key-id'] !== 'test-key' || headers['apca-api-secret-key'] !== 'test-secret') {
          return { status: 401, body: { message: 'unauthorized.' } };
        }
        const symbol = /^\/v2\/stocks\/([^/]+)\/trades\/latest\?feed=iex$/.exec(path)?.[1];
        const replies: Record<string, { status: number; body: unknown }> = {
          AAPL: {
            status: 200,
            body: {
              symbol: 'AAPL',
              trade: { t: '2024-12-07T00:59:59.912345678Z', x: 'V', p: 242.84, s: 3, c: ['@'] },
            },
          },
          NOPE: { status: 404, body: { message: 'not found' } },
          BADSYM: { status: 422, body: { message: 'invalid symbol: BADSYM' } },
          MAL: { status: 400, body: { message: 'invalid feed' } },
          PLAN: { status: 403, body: { message: 'subscription does not permit querying recent SIP data' } },
          EMPTY: { status: 200, body: { symbol: 'EMPTY', trade: null } },
        };
        return replies[symbol ?? ''] ?? { status: 500, body: { message: 'internal error' } };
      },
    });
    const source = testAlpacaSource(server, { rest: { baseUrl: server.httpUrl } });
    expect(await source.quote('AAPL')).toEqual({
      symbol: 'AAPL',
      price: 242.84,
      time: Date.UTC(2024, 11, 7, 0, 59, 59, 912),
      source: 'alpaca',
      marketOpen: false, // 19:59 in New York
      volume: 3,
    });
    expect(server.restRequests[0]).toEqual({
      path: '/v2/stocks/AAPL/trades/latest?feed=iex',
      keyId: 'test-key',
      secret: 'test-secret',
    });
    await expect(source.quote('NOPE')).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    await expect(source.quote('BADSYM')).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    await expect(source.quote('EMPTY')).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    await expect(source.quote('MAL')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(source.quote('PLAN')).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining("Use the free 'iex' feed"),
    });
    await expect(source.quote('OTHER')).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
    const wrongKey = testAlpacaSource(server, { rest: { baseUrl: server.httpUrl }, keyId: 'nope' });
    await expect(wrongKey.quote('AAPL')).rejects.toMatchObject({ code: 'REJECTED_API_KEY' });
  });

  it('starts a watch with the REST latest trade, then streams', async () => {
    await using server = await FakeAlpacaServer.start();
    const source = testAlpacaSource(server, { rest: { baseUrl: server.httpUrl } });
    using aapl = new UpdateRecorder(source.watch('AAPL'));
    expect((await aapl.nthQuote(1)).price).toBe(231.5);
    await server.subscribed('AAPL');
    server.send(alpacaTrade('AAPL', 232));
    expect((await aapl.nthQuote(2)).price).toBe(232);
  });

  it('refuses crypto pairs and exchange prefixes with UNKNOWN_SYMBOL, and accepts class shares', async () => {
    await using server = await FakeAlpacaServer.start();
    const source = testAlpacaSource(server);
    for (const symbol of ['BTC/USD', 'BTC-USD', 'BINANCE:BTCUSDT', '1ABC']) {
      using recorder = new UpdateRecorder(source.watch(symbol));
      expect(await recorder.failure(), symbol).toMatchObject({
        code: 'UNKNOWN_SYMBOL',
        message: expect.stringContaining('Coinbase'),
      });
    }
    using brk = new UpdateRecorder(source.watch('brk.b'));
    await server.subscribed('BRK.B');
    expect(brk.error).toBeUndefined();
  });

  it('needs a key ID and a secret: MISSING_API_KEY names what is missing; the environment is read', () => {
    vi.stubEnv('ALPACA_KEY_ID', '');
    vi.stubEnv('ALPACA_SECRET_KEY', '');
    vi.stubEnv('APCA_API_KEY_ID', '');
    vi.stubEnv('APCA_API_SECRET_KEY', '');
    expect(() => createAlpacaSource()).toThrow(
      expect.objectContaining({ code: 'MISSING_API_KEY', message: expect.stringContaining('both missing') }),
    );
    expect(() => createAlpacaSource({ keyId: 'PK1' })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('the secret key missing') }),
    );
    vi.stubEnv('ALPACA_KEY_ID', 'PK1');
    vi.stubEnv('ALPACA_SECRET_KEY', 'secret');
    expect(createAlpacaSource().name).toBe('alpaca');
  });

  it('sets no staleness timer: a quiet connection (nothing trades) is healthy, not taken for dead', async () => {
    await using server = await FakeAlpacaServer.start();
    const delays: number[] = [];
    const recording: SchedulerLike = {
      now: () => asyncScheduler.now(),
      schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T) {
        delays.push(delay ?? 0);
        return asyncScheduler.schedule(work, delay, state);
      },
    };
    using aapl = new UpdateRecorder(
      testAlpacaSource(server, {
        scheduler: recording,
        noQuoteTimeoutMs: 12_345,
        handshakeTimeoutMs: 6789,
      }).watch('AAPL'),
    );
    await server.subscribed('AAPL');
    // only the wait for the first quote and the upgrade's timeout: no watchdog that would mark the
    // connection stale or replace it (with one connection per key, a replacement risks a 406)
    expect(new Set(delays)).toEqual(new Set([12_345, 6789]));
    expect(aapl.statuses).toEqual([]);
  });
});
