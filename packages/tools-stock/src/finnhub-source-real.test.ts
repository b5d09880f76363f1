/**
 * The Finnhub adapter against a local server that answers as Finnhub really does (wording, limits
 * and pings): see `test/support/fake-finnhub-server.ts`.
 */
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type FakeFinnhub, startFakeFinnhub } from '../test/support/fake-finnhub-server.js';
import { UpdateRecorder } from '../test/support/recorder.js';
import { testFinnhubSource } from '../test/support/test-sources.js';
import { ChangeNotifier } from '../test/support/wait-until.js';
import type { FinnhubSourceOptions } from './finnhub-source.js';
import type { QuoteSource } from './quote-source.js';

const trade = (s: string, p: number, t: number, v = 1) => ({ s, p, t, v, c: ['1'] });
const TUESDAY_NOON = Date.parse('2025-03-04T17:00:00Z');

/** A source with the REST endpoint of the fake Finnhub. */
const withRest = (finnhub: FakeFinnhub, options: FinnhubSourceOptions = {}): QuoteSource =>
  testFinnhubSource(finnhub.server, { rest: { baseUrl: `${finnhub.server.httpUrl}/api/v1` }, ...options });

const subscribes = (finnhub: FakeFinnhub, symbol: string) =>
  finnhub.server.received.filter((m) => m.message.type === 'subscribe' && m.message.symbol === symbol);

describe('Finnhub as it really behaves', () => {
  describe('REST /quote errors', () => {
    it('gives "You don\'t have access to this resource." (HTTP 403) to that symbol only, as NO_ACCESS', async () => {
      await using finnhub = await startFakeFinnhub({
        quotes: { AAPL: { c: 229.5, t: TUESDAY_NOON / 1000 } },
        noAccess: ['VOD.L'],
      });
      const source = withRest(finnhub);
      await expect(source.quote('VOD.L')).rejects.toMatchObject({
        code: 'NO_ACCESS',
        symbol: 'VOD.L',
        message: expect.stringMatching(/plan does not cover VOD\.L.*You don't have access to this resource/),
      });
      using vod = new UpdateRecorder(source.watch('VOD.L'));
      using aapl = new UpdateRecorder(source.watch('AAPL'));
      expect(await vod.failure()).toMatchObject({ code: 'NO_ACCESS', symbol: 'VOD.L' });
      expect((await aapl.nthQuote(1)).price).toBe(229.5);
      await finnhub.server.message((m) => m.message.symbol === 'AAPL', 'subscribe AAPL');
      finnhub.server.send({ type: 'trade', data: [trade('AAPL', 230, TUESDAY_NOON + 1000)] });
      await aapl.quoteAt(230);
      expect(aapl.error).toBeUndefined();
      expect(await source.quote('AAPL')).toMatchObject({ price: 230 });
    });

    it('reads the access error by its wording when Finnhub sends it with HTTP 401 too', async () => {
      await using finnhub = await startFakeFinnhub({ noAccess: ['SHOP.TO'], noAccessStatus: 401 });
      await expect(withRest(finnhub).quote('SHOP.TO')).rejects.toMatchObject({ code: 'NO_ACCESS' });
    });

    it('fails every watch with REJECTED_API_KEY only on "Invalid API key."', async () => {
      await using finnhub = await startFakeFinnhub();
      const source = withRest(finnhub, { apiKey: 'wrong-key' });
      using a = new UpdateRecorder(source.watch('AAPL'));
      using b = new UpdateRecorder(source.watch('MSFT'));
      const error = await a.failure();
      expect(error).toMatchObject({
        code: 'REJECTED_API_KEY',
        message: expect.stringContaining('Invalid API key.'),
      });
      expect(await b.failure()).toBe(error);
    });

    it('never asks /quote for exchange-prefixed crypto and forex symbols; quote() answers from the stream', async () => {
      await using finnhub = await startFakeFinnhub();
      const source = withRest(finnhub);
      using btc = new UpdateRecorder(source.watch('binance:btcusdt'));
      using eur = new UpdateRecorder(source.watch('oanda:eur_usd'));
      using ic = new UpdateRecorder(source.watch(' ic  markets:1 '));
      for (const symbol of ['BINANCE:BTCUSDT', 'OANDA:EUR_USD', 'IC MARKETS:1']) {
        await finnhub.server.message((m) => m.message.symbol === symbol, `subscribe ${symbol}`);
      }
      const pending = source.quote('Binance:BTCUSDT');
      finnhub.server.send({
        type: 'trade',
        data: [
          trade('BINANCE:BTCUSDT', 65_000, TUESDAY_NOON),
          trade('OANDA:EUR_USD', 1.08, TUESDAY_NOON),
          trade('IC MARKETS:1', 1.0801, TUESDAY_NOON),
        ],
      });
      expect(await pending).toMatchObject({ symbol: 'BINANCE:BTCUSDT', price: 65_000 });
      await btc.quoteAt(65_000);
      await eur.quoteAt(1.08);
      expect(await ic.quoteAt(1.0801)).toMatchObject({ symbol: 'IC MARKETS:1', marketOpen: true });
      expect(finnhub.server.restRequests).toEqual([]);
    });
  });

  describe('WebSocket error messages', () => {
    it('ends only the watch "Invalid symbol X" names exactly: AAPL and V waiting for a first trade go on', async () => {
      await using finnhub = await startFakeFinnhub({ invalid: ['AAPLX', 'IC MARKETS:99'] });
      const source = testFinnhubSource(finnhub.server);
      using aapl = new UpdateRecorder(source.watch('AAPL'));
      using v = new UpdateRecorder(source.watch('V'));
      await finnhub.server.message((m) => m.message.symbol === 'V');
      using aaplx = new UpdateRecorder(source.watch('AAPLX'));
      expect(await aaplx.failure()).toMatchObject({
        code: 'UNKNOWN_SYMBOL',
        symbol: 'AAPLX',
        message: expect.stringContaining('Invalid symbol AAPLX'),
      });
      using ic = new UpdateRecorder(source.watch('IC MARKETS:99'));
      expect(await ic.failure()).toMatchObject({ code: 'UNKNOWN_SYMBOL', symbol: 'IC MARKETS:99' });
      // an error about a symbol nobody watches (any more) concerns nobody
      finnhub.server.send({ type: 'error', msg: 'Invalid symbol AAPLX' });
      finnhub.server.send({ type: 'trade', data: [trade('AAPL', 230, 1), trade('V', 350, 1)] });
      await aapl.quoteAt(230);
      await v.quoteAt(350);
      expect(aapl.error).toBeUndefined();
      expect(v.error).toBeUndefined();
    });

    it('gives "Subscribing to too many symbols" to the subscription that caused it, as SYMBOL_LIMIT', async () => {
      // a plan with fewer symbols than maxSymbols allows
      await using finnhub = await startFakeFinnhub({ symbolLimit: 2 });
      const source = testFinnhubSource(finnhub.server);
      using t = new UpdateRecorder(source.watch('T'));
      await finnhub.server.message((m) => m.message.symbol === 'T');
      finnhub.server.send({ type: 'trade', data: [trade('T', 27, 1)] });
      await t.quoteAt(27);
      using msft = new UpdateRecorder(source.watch('MSFT'));
      await finnhub.server.message((m) => m.message.symbol === 'MSFT');
      using nvda = new UpdateRecorder(source.watch('NVDA'));
      expect(await nvda.failure()).toMatchObject({
        code: 'SYMBOL_LIMIT',
        symbol: 'NVDA',
        message: expect.stringContaining('Subscribing to too many symbols'),
      });
      finnhub.server.send({ type: 'trade', data: [trade('T', 28, 2), trade('MSFT', 420, 2)] });
      await t.quoteAt(28);
      await msft.quoteAt(420);
      expect(t.error).toBeUndefined();
      expect(msft.error).toBeUndefined();
      expect(
        finnhub.server.received.some((m) => m.message.type === 'unsubscribe' && m.message.symbol === 'T'),
      ).toBe(false);
    });
  });

  describe('the free plan: 50 symbols on one connection', () => {
    it('refuses the 51st symbol with SYMBOL_LIMIT before subscribing it; a freed slot lets it in', async () => {
      await using finnhub = await startFakeFinnhub();
      const source = testFinnhubSource(finnhub.server);
      const symbols = Array.from({ length: 50 }, (_, i) => `S${String(i).padStart(2, '0')}`);
      const watches = symbols.map((symbol) => new UpdateRecorder(source.watch(symbol)));
      await finnhub.server.message((m) => m.message.symbol === 'S49', 'subscribe S49');
      using extra = new UpdateRecorder(source.watch('XTRA'));
      expect(await extra.failure()).toMatchObject({
        code: 'SYMBOL_LIMIT',
        symbol: 'XTRA',
        message: expect.stringMatching(/50 symbols.*stop watching one.*maxSymbols/),
      });
      finnhub.server.send({ type: 'trade', data: symbols.map((s) => trade(s, 10, 1)) });
      for (const watch of watches) await watch.quoteAt(10);
      expect(watches.filter((watch) => watch.error !== undefined)).toEqual([]);
      expect(subscribes(finnhub, 'XTRA')).toEqual([]);

      watches[0]?.unsubscribe();
      using again = new UpdateRecorder(source.watch('XTRA'));
      await finnhub.server.message((m) => m.message.symbol === 'XTRA', 'subscribe XTRA');
      finnhub.server.send({ type: 'trade', data: [trade('XTRA', 11, 2)] });
      await again.quoteAt(11);
      expect(finnhub.subscribed.get(1)?.size).toBe(50);
      for (const watch of watches) watch.unsubscribe();
    });

    it('takes a smaller or larger limit from maxSymbols', async () => {
      await using finnhub = await startFakeFinnhub();
      const source = testFinnhubSource(finnhub.server, { maxSymbols: 1 });
      using one = new UpdateRecorder(source.watch('AAPL'));
      using two = new UpdateRecorder(source.watch('MSFT'));
      expect(await two.failure()).toMatchObject({
        code: 'SYMBOL_LIMIT',
        message: expect.stringContaining('1 symbol'),
      });
      expect(one.error).toBeUndefined();
    });

    it('unsubscribes a symbol /quote reported unknown, so it keeps no slot', async () => {
      let subscribedFirst = (): void => {};
      const holdQuotes = new Promise<void>((resolve) => {
        subscribedFirst = resolve;
      });
      await using finnhub = await startFakeFinnhub({ holdQuotes });
      const source = withRest(finnhub);
      using zzzz = new UpdateRecorder(source.watch('ZZZZ'));
      await finnhub.server.message((m) => m.message.symbol === 'ZZZZ', 'subscribe ZZZZ');
      expect(finnhub.subscribed.get(1)?.size).toBe(1); // it holds a slot
      subscribedFirst(); // then /quote answers: a zero quote
      expect(await zzzz.failure()).toMatchObject({ code: 'UNKNOWN_SYMBOL', symbol: 'ZZZZ' });
      await finnhub.server.message(
        (m) => m.message.type === 'unsubscribe' && m.message.symbol === 'ZZZZ',
        'unsubscribe ZZZZ',
      );
      expect(finnhub.subscribed.get(1)?.size).toBe(0);
    });
  });

  describe('pings', () => {
    /** A `ws` socket that counts the messages it receives, so a test can wait for each ping. */
    const counting = () => {
      const changes = new ChangeNotifier();
      let received = 0;
      class CountingWebSocket extends WebSocket {
        constructor(url: string) {
          super(url);
          this.on('message', () => {
            received++;
            changes.notify();
          });
        }
      }
      const until = (n: number) => changes.until(() => (received >= n ? n : undefined), `${n} messages`);
      return { CountingWebSocket, until };
    };

    it('keeps a quiet connection pinged every 2 minutes live; marks silence stale after 5 minutes, replaces it after 10', async () => {
      const scheduler = new VirtualTimeScheduler();
      const advanceTo = (time: number): void => {
        scheduler.maxFrames = time;
        scheduler.flush();
      };
      await using finnhub = await startFakeFinnhub({ pingIntervalMs: 120_000, scheduler });
      const { CountingWebSocket, until } = counting();
      const source = testFinnhubSource(finnhub.server, { scheduler, WebSocket: CountingWebSocket });
      using aapl = new UpdateRecorder(source.watch('AAPL'));
      await finnhub.server.message((m) => m.message.symbol === 'AAPL');
      finnhub.server.send({ type: 'trade', data: [trade('AAPL', 230, 1)] });
      await aapl.quoteAt(230);
      for (let ping = 1; ping <= 8; ping++) {
        advanceTo(ping * 120_000);
        await until(1 + ping);
      }
      expect(finnhub.pings()).toBe(8);
      expect(aapl.statuses).toEqual([]); // 16 quiet minutes, never stale

      finnhub.stopPings();
      const silentSince = 8 * 120_000;
      advanceTo(silentSince + 299_000);
      expect(aapl.statuses).toEqual([]);
      advanceTo(silentSince + 375_000);
      expect(aapl.statuses).toEqual(['stale']);
      advanceTo(silentSince + 675_000);
      expect(aapl.statuses).toEqual(['stale', 'reconnecting']);
      expect(aapl.error).toBeUndefined();
    });
  });

  describe('market hours', () => {
    it('marks forex closed at the weekend, stocks closed on holidays, crypto open', async () => {
      await using finnhub = await startFakeFinnhub();
      const source = testFinnhubSource(finnhub.server);
      using eur = new UpdateRecorder(source.watch('OANDA:EUR_USD'));
      using aapl = new UpdateRecorder(source.watch('AAPL'));
      using btc = new UpdateRecorder(source.watch('BINANCE:BTCUSDT'));
      await finnhub.server.message((m) => m.message.symbol === 'BINANCE:BTCUSDT');
      const saturday = Date.parse('2025-03-08T15:00:00Z');
      const christmas = Date.parse('2025-12-25T16:00:00Z'); // 11:00 in New York
      const friday = Date.parse('2025-03-07T20:00:00Z'); // 15:00 in New York
      finnhub.server.send({
        type: 'trade',
        data: [
          trade('OANDA:EUR_USD', 1.08, saturday),
          trade('AAPL', 230, christmas),
          trade('BINANCE:BTCUSDT', 1, saturday),
        ],
      });
      expect((await eur.nthQuote(1)).marketOpen).toBe(false);
      expect((await aapl.nthQuote(1)).marketOpen).toBe(false);
      expect((await btc.nthQuote(1)).marketOpen).toBe(true);
      finnhub.server.send({
        type: 'trade',
        data: [trade('OANDA:EUR_USD', 1.09, friday), trade('AAPL', 231, friday)],
      });
      expect((await eur.nthQuote(2)).marketOpen).toBe(true);
      expect((await aapl.nthQuote(2)).marketOpen).toBe(true);
    });
  });
});
