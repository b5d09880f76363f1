import { asyncScheduler, Observable } from 'rxjs';
import { alpacaStreamError, rejectedKey, symbolLimitReached } from './alpaca-errors.js';
import { latestTrade } from './alpaca-rest.js';
import { parseRfc3339 } from './alpaca-time.js';
import { DEFAULT_QUOTE_TIMEOUT_MS, defineQuoteSource } from './define-quote-source.js';
import type { RestOptions } from './fetch-json.js';
import { isUsMarketOpen } from './is-us-market-open.js';
import { normalizeSymbol } from './normalize-symbol.js';
import type { QuoteSource, QuoteUpdate } from './quote-source.js';
import { QuoteSourceError } from './quote-source-error.js';
import { checkedQuote, priceProblem, timeProblem } from './quote-validation.js';
import { recordOf } from './record-of.js';
import { providerText } from './symbols-named-in.js';
import {
  createWebSocketQuoteFeed,
  type WebSocketFeedConnection,
  type WebSocketFeedContext,
  type WebSocketQuoteFeedOptions,
  type WebSocketQuoteProtocol,
} from './web-socket-quote-feed.js';

const NAME = 'alpaca';
/** US stock and ETF tickers as Alpaca writes them: `AAPL`, `BRK.B`, `FAKEPACA`. */
const TICKER = /^[A-Z][A-Z0-9.]{0,15}$/;
/** Stream error codes that answer one request (the oldest unanswered), not the connection. */
const REQUEST_ERRORS = new Set([400, 401, 405, 500]);

/**
 * Alpaca market data feeds: `iex` (free, the IEX exchange's trades and quotes), `sip` (every US
 * exchange, paid plans), `delayed_sip` (SIP 15 minutes late), `test` (the always-on test stream,
 * whose symbol `FAKEPACA` trades around the clock: a way to try a key outside market hours).
 *
 * @example
 * ```ts
 * const feed: AlpacaFeed = 'iex';
 * ```
 */
export type AlpacaFeed = 'iex' | 'sip' | 'delayed_sip' | 'test';

/**
 * Options of {@link createAlpacaSource}.
 *
 * @example
 * ```ts
 * const options: AlpacaSourceOptions = { keyId: 'PK...', secretKey: '...', feed: 'test' };
 * ```
 */
export interface AlpacaSourceOptions extends WebSocketQuoteFeedOptions {
  /** API key ID. Default: the `ALPACA_KEY_ID` environment variable, else `APCA_API_KEY_ID`. */
  readonly keyId?: string | undefined;
  /** API secret key. Default: the `ALPACA_SECRET_KEY` environment variable, else `APCA_API_SECRET_KEY`. */
  readonly secretKey?: string | undefined;
  /** Feed to stream. Default: `iex`, the free one. */
  readonly feed?: AlpacaFeed;
  /** Stream URL. Default: `wss://stream.data.alpaca.markets/v2/{feed}`. */
  readonly url?: string;
  /**
   * REST API of one-shot quotes and of the first price of a watch (latest trade). Default:
   * `https://data.alpaca.markets` with the global `fetch`; `false` (the default for the `test` feed,
   * which REST does not serve) uses the stream only.
   */
  readonly rest?: RestOptions | false;
  /** Timeout of `quote`, in ms. Default: 10 000. */
  readonly quoteTimeoutMs?: number;
  /** Symbols watched at once, at most. Default: 30, the free plan's limit per connection. */
  readonly maxSymbols?: number;
  /** Also stream quotes, for `bid` and `ask`. Default: true; `false` halves the traffic. */
  readonly quotes?: boolean;
}

interface PendingRequest {
  readonly kind: 'subscribe' | 'unsubscribe';
  readonly symbol: string;
}

/**
 * A quote source over Alpaca's market data stream v2 (`wss://stream.data.alpaca.markets/v2/iex`:
 * US stocks and ETFs in real time from IEX, free with an Alpaca account's key pair). Every message
 * is a JSON array of objects. Once the server says `connected`, the source authenticates
 * (`{"action":"auth","key","secret"}`); once `authenticated`, it subscribes each watched symbol with
 * `{"action":"subscribe","trades":["AAPL"],"quotes":["AAPL"]}` (one request per symbol, answered in
 * order by a `subscription` message or an error) and unsubscribes it the same way. Trades
 * (`{"T":"t","S","p","s","t"}`, `t` in RFC 3339 with nanoseconds) become quotes: the newest trade of
 * each symbol per message, with the sizes of that message's trades as `volume` and the last
 * streamed quote's `bp`/`ap` as `bid`/`ask`. `marketOpen` follows the US regular session (always
 * true on the `test` feed).
 *
 * Alpaca's stream errors, by code: 402 auth failed → `REJECTED_API_KEY` on every watch, no retry;
 * 406 connection limit exceeded (another connection uses the key; the free plan allows one) →
 * `CONNECTION_LIMIT` on every watch, no retry, with a message that says to close the other client;
 * 409 insufficient subscription (the key's plan lacks the feed) → `PROVIDER_ERROR` on every watch,
 * no retry; 405 symbol limit exceeded → `SYMBOL_LIMIT` for the symbol it answers; 400 invalid
 * syntax → `BAD_REQUEST`; 401 and 500 → `PROVIDER_ERROR` for that symbol; 403 (already
 * authenticated), 404 (auth timeout) and 407 (slow client) are logged, and the connection closed
 * by the server is replaced. The free plan streams 30 symbols: the 31st watch fails at once with
 * `SYMBOL_LIMIT` (`maxSymbols`), before anything is sent.
 *
 * Alpaca sends no heartbeat message: nothing arrives while nothing trades, so quiet is not
 * taken for a dead connection: `staleAfterMs` defaults to `Infinity`. A trade whose price is not a
 * finite number from 1e-12 to below 1e15, whose time is not an RFC 3339 time between 1970 and
 * 2200, or without a symbol is dropped; so is a quote with a negative or non-numeric bid or ask;
 * frames that are not JSON arrays of objects too. All are counted in `stats()` and logged at debug
 * level to `logger`; one bad item never costs the others of its message.
 *
 * One-shot quotes and the first price of each watch come from the REST latest trade (`GET
 * /v2/stocks/{symbol}/trades/latest?feed=iex`, headers `APCA-API-KEY-ID`/`APCA-API-SECRET-KEY`):
 * it answers at once outside market hours too, and takes neither the one stream connection nor a
 * symbol slot.
 *
 * @param options - Key pair, feed, endpoints, connection settings.
 * @returns A quote source named `alpaca`.
 * @throws QuoteSourceError with code `MISSING_API_KEY` when the key ID or the secret is missing.
 *
 * @example
 * ```ts
 * const alpaca = createAlpacaSource({
 *   keyId: process.env.ALPACA_KEY_ID,
 *   secretKey: process.env.ALPACA_SECRET_KEY,
 *   feed: 'test', // FAKEPACA trades around the clock; use 'iex' for real stocks
 * });
 * alpaca.watch('FAKEPACA').subscribe((update) => console.log(update));
 * ```
 * @see https://docs.alpaca.markets/docs/real-time-stock-pricing-data
 */
export function createAlpacaSource(options: AlpacaSourceOptions = {}): QuoteSource {
  const keyId = (options.keyId ?? environment('ALPACA_KEY_ID', 'APCA_API_KEY_ID'))?.trim();
  const secretKey = (options.secretKey ?? environment('ALPACA_SECRET_KEY', 'APCA_API_SECRET_KEY'))?.trim();
  if (!keyId || !secretKey) {
    throw new QuoteSourceError(
      'MISSING_API_KEY',
      `Alpaca needs a key ID and a secret key; ${keyId ? 'the secret key' : secretKey ? 'the key ID' : 'both'} ` +
        'missing. Pass createAlpacaSource({ keyId, secretKey }) or set ALPACA_KEY_ID and ALPACA_SECRET_KEY. ' +
        'A free account (https://alpaca.markets) gives a key pair with the IEX feed.',
      { source: NAME },
    );
  }
  const feedName: AlpacaFeed = options.feed ?? 'iex';
  const scheduler = options.scheduler ?? asyncScheduler;
  const now = options.now ?? (() => scheduler.now());
  const quoteTimeoutMs = options.quoteTimeoutMs ?? DEFAULT_QUOTE_TIMEOUT_MS;
  const maxSymbols = options.maxSymbols ?? 30;
  const withQuotes = options.quotes ?? true;
  const wsUrl = options.url ?? `wss://stream.data.alpaca.markets/v2/${feedName}`;
  const restOptions = options.rest ?? (feedName === 'test' ? false : {});
  const marketOpen = (time: number): boolean => feedName === 'test' || isUsMarketOpen(time);
  const rest =
    restOptions === false
      ? undefined
      : {
          baseUrl: (restOptions.baseUrl ?? 'https://data.alpaca.markets').replace(/\/+$/, ''),
          fetch: restOptions.fetch ?? fetch,
          keyId,
          secretKey,
          feed: feedName === 'test' ? 'iex' : feedName,
          scheduler,
          marketOpen,
        };

  // per connection
  let connection: WebSocketFeedConnection | undefined;
  let authenticated = false;
  let pending: PendingRequest[] = [];
  const queued = new Set<string>();
  // per watched symbol: the last streamed bid and ask
  const books = new Map<string, { bid: number | undefined; ask: number | undefined }>();

  const channels = (symbol: string) =>
    withQuotes ? { trades: [symbol], quotes: [symbol] } : { trades: [symbol] };

  const send = (kind: PendingRequest['kind'], symbol: string): void => {
    if (connection?.send({ action: kind, ...channels(symbol) })) pending.push({ kind, symbol });
  };

  const handleControl = (item: Record<string, unknown>, feed: WebSocketFeedContext): void => {
    if (item.T === 'success') {
      if (item.msg === 'connected') {
        connection?.send({ action: 'auth', key: keyId, secret: secretKey });
      } else if (item.msg === 'authenticated') {
        authenticated = true;
        const symbols = [...queued];
        queued.clear();
        for (const symbol of symbols) send('subscribe', symbol);
      }
      return;
    }
    if (item.T === 'subscription') {
      pending.shift();
      return;
    }
    // an error
    const code = typeof item.code === 'number' ? item.code : Number.NaN;
    const msg = providerText(item.msg ?? 'error');
    if (code === 402 || code === 406 || code === 409) {
      feed.failAll(alpacaStreamError(code, msg, feedName));
      return;
    }
    if (!REQUEST_ERRORS.has(code)) {
      // 403 already authenticated, 404 auth timeout, 407 slow client: the server closes the
      // connection when it must, and it is replaced
      feed.ignoreMessage(`Alpaca reported "${code} ${msg}"`, { code });
      return;
    }
    const request = pending.shift();
    if (request?.kind !== 'subscribe') {
      feed.ignoreMessage(`Alpaca reported "${code} ${msg}" for no subscription`, { code });
      return;
    }
    feed.fail(request.symbol, alpacaStreamError(code, msg, feedName, request.symbol));
  };

  const handleQuote = (item: Record<string, unknown>, feed: WebSocketFeedContext): void => {
    const symbol = item.S;
    if (typeof symbol !== 'string' || symbol === '') {
      feed.ignoreQuote('a quote without a symbol (S)');
      return;
    }
    const bid = item.bp;
    const ask = item.ap;
    if (!isAmount(bid) || !isAmount(ask)) {
      feed.ignoreQuote('a quote whose bid (bp) or ask (ap) is not a finite number >= 0', { symbol });
      return;
    }
    const book = books.get(symbol);
    if (!book) return; // not watched (any more)
    // 0 means that side of the book is empty
    book.bid = bid > 0 ? bid : undefined;
    book.ask = ask > 0 ? ask : undefined;
  };

  const handleItems = (items: readonly unknown[], feed: WebSocketFeedContext): void => {
    const latest = new Map<string, { price: number; time: number; volume: number }>();
    for (const value of items) {
      try {
        const item = recordOf(value);
        if (!item || typeof item.T !== 'string') {
          feed.ignoreMessage('an item that is not an object with a type (T)');
          continue;
        }
        if (item.T === 't') {
          const trade = readTrade(item);
          if (typeof trade === 'string') {
            feed.ignoreQuote(trade, { symbol: typeof item.S === 'string' ? item.S : undefined });
            continue;
          }
          const previous = latest.get(trade.symbol);
          if (!previous) latest.set(trade.symbol, trade);
          else {
            const newer = trade.time >= previous.time;
            latest.set(trade.symbol, {
              price: newer ? trade.price : previous.price,
              time: newer ? trade.time : previous.time,
              volume: previous.volume + trade.volume,
            });
          }
        } else if (item.T === 'q') handleQuote(item, feed);
        else if (item.T === 'success' || item.T === 'subscription' || item.T === 'error')
          handleControl(item, feed);
        // bars, corrections, cancel errors, statuses...: not used
      } catch (error) {
        feed.ignoreMessage(
          `an item that could not be handled (${error instanceof Error ? error.message : 'error'})`,
        );
      }
    }
    for (const [symbol, trade] of latest) {
      const book = books.get(symbol);
      feed.quote({
        symbol,
        price: trade.price,
        time: trade.time,
        source: NAME,
        marketOpen: marketOpen(trade.time),
        volume: trade.volume,
        ...(book?.bid === undefined ? {} : { bid: book.bid }),
        ...(book?.ask === undefined ? {} : { ask: book.ask }),
      });
    }
  };

  const protocol: WebSocketQuoteProtocol = {
    name: NAME,
    url: () => wsUrl,
    onConnectionOpen: () => {
      authenticated = false;
      pending = [];
      queued.clear();
    },
    subscribe: (symbol, to) => {
      connection = to;
      if (!books.has(symbol)) books.set(symbol, { bid: undefined, ask: undefined });
      if (authenticated) send('subscribe', symbol);
      else queued.add(symbol);
    },
    unsubscribe: (symbol, to) => {
      connection = to;
      books.delete(symbol);
      if (authenticated) send('unsubscribe', symbol);
      else queued.delete(symbol);
    },
    arrays: true,
    handleMessage: (message, feed) => {
      if (!Array.isArray(message)) {
        feed.ignoreMessage('a message that is not a JSON array');
        return;
      }
      handleItems(message, feed);
    },
    classifyFailure: (failure) => {
      if (failure.httpStatus === 401 || failure.httpStatus === 403) {
        return rejectedKey(`the connection was refused with HTTP ${failure.httpStatus}`);
      }
      return undefined;
    },
    ...(rest
      ? {
          snapshot: (symbol: string, signal: AbortSignal) =>
            latestTrade(rest, symbol, quoteTimeoutMs, signal),
        }
      : {}),
    noQuoteError: (symbol, timeoutMs) =>
      new QuoteSourceError(
        'NO_QUOTE_TIMEOUT',
        `No trade of ${symbol} from Alpaca (${feedName} feed) within ${timeoutMs} ms. Check the ticker; ` +
          'outside market hours stocks may not trade at all (the test feed streams FAKEPACA at any time).',
        { source: NAME, symbol },
      ),
  };

  const feed = createWebSocketQuoteFeed(protocol, {
    staleAfterMs: Number.POSITIVE_INFINITY,
    ...options,
    scheduler,
    now,
  });

  // the plan's symbol limit, refused here before anything is sent
  const watched = new Set<string>();
  const connect = (symbol: string): Observable<QuoteUpdate> =>
    new Observable<QuoteUpdate>((subscriber) => {
      if (watched.size >= maxSymbols) {
        subscriber.error(symbolLimitReached(symbol, maxSymbols, [...watched]));
        return;
      }
      watched.add(symbol);
      const inner = feed.connect(symbol).subscribe(subscriber);
      return () => {
        watched.delete(symbol);
        inner.unsubscribe();
      };
    });

  return defineQuoteSource({
    name: NAME,
    connect,
    stats: feed.stats,
    ...(options.logger ? { logger: options.logger } : {}),
    normalizeSymbol: normalizeTicker,
    scheduler,
    quoteTimeoutMs,
    ...(rest
      ? {
          quote: async (symbol: string, { timeoutMs }: { timeoutMs: number }) =>
            checkedQuote(
              await latestTrade(rest, symbol, timeoutMs),
              `Alpaca answered a latest trade for ${symbol}`,
              {
                source: NAME,
                symbol,
              },
            ),
        }
      : {}),
  });
}

/** Normalises a US ticker (`brk.b` → `BRK.B`); refuses crypto pairs and exchange prefixes. */
function normalizeTicker(symbol: string): string {
  const ticker = normalizeSymbol(symbol, NAME);
  if (!TICKER.test(ticker)) {
    throw new QuoteSourceError(
      'UNKNOWN_SYMBOL',
      `"${symbol}" is not a US stock ticker. Alpaca's stock stream covers US stocks and ETFs (AAPL, SPY, ` +
        'BRK.B); use the Coinbase source for crypto.',
      { source: NAME, symbol },
    );
  }
  return ticker;
}

/** A trade item, or why it cannot be used. */
function readTrade(
  item: Record<string, unknown>,
): { symbol: string; price: number; time: number; volume: number } | string {
  if (typeof item.S !== 'string' || item.S === '') return 'a trade without a symbol (S)';
  const time = parseRfc3339(item.t);
  const problem =
    priceProblem(item.p) ??
    (Number.isNaN(time)
      ? `time ${providerText(item.t).slice(0, 40)} is not an RFC 3339 time`
      : timeProblem(time));
  if (problem !== undefined) return problem;
  const size = item.s;
  const volume = typeof size === 'number' && Number.isFinite(size) && size >= 0 ? size : 0;
  return { symbol: item.S, price: item.p as number, time, volume };
}

function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function environment(name: string, fallback: string): string | undefined {
  if (typeof process === 'undefined') return undefined;
  return process.env[name] ?? process.env[fallback];
}
