import { asyncScheduler, filter, firstValueFrom, map, throwError, timeout } from 'rxjs';
import { DEFAULT_QUOTE_TIMEOUT_MS, defineQuoteSource } from './define-quote-source.js';
import type { RestOptions } from './fetch-json.js';
import { FinnhubMessages } from './finnhub-source-messages.js';
import { type FinnhubRest, finnhubRejectedKey, finnhubRestQuote } from './finnhub-source-rest.js';
import { isServedByQuoteEndpoint, normalizeFinnhubSymbol } from './finnhub-source-symbols.js';
import type { Quote, QuoteSource } from './quote-source.js';
import { QuoteSourceError } from './quote-source-error.js';
import { checkedQuote } from './quote-validation.js';
import {
  createWebSocketQuoteFeed,
  type WebSocketQuoteFeedOptions,
  type WebSocketQuoteProtocol,
} from './web-socket-quote-feed.js';

const NAME = 'finnhub';

/** Finnhub's free plan: symbols on one WebSocket connection (and one connection per key). */
export const FINNHUB_FREE_PLAN_SYMBOLS = 50;
/** The longest quiet time between two of Finnhub's `{"type":"ping"}` messages, documented as 1 to 2 minutes. */
export const FINNHUB_PING_INTERVAL_MS = 120_000;

/**
 * Options of {@link createFinnhubSource}.
 *
 * @example
 * ```ts
 * const options: FinnhubSourceOptions = { apiKey: 'your-key', noQuoteTimeoutMs: 15_000 };
 * ```
 */
export interface FinnhubSourceOptions extends WebSocketQuoteFeedOptions {
  /** Finnhub API key. Default: the `FINNHUB_API_KEY` environment variable. */
  readonly apiKey?: string;
  /** WebSocket endpoint. Default: `wss://ws.finnhub.io` (the key is added as `?token=`). */
  readonly url?: string;
  /**
   * REST API used for one-shot quotes and for the first price of a watch (so a symbol watched while
   * the market is closed still gets its last price at once). Default: `https://finnhub.io/api/v1`
   * with the global `fetch`. `false` uses the WebSocket only (the first trade is the first quote).
   */
  readonly rest?: RestOptions | false;
  /** Timeout of `quote`, in ms. Default: 10 000. */
  readonly quoteTimeoutMs?: number;
  /**
   * Symbols watched at once on the one connection: a watch of one more fails at once with
   * `SYMBOL_LIMIT` (stop watching another first). Default: 50, the free plan's limit; set your
   * plan's.
   */
  readonly maxSymbols?: number;
  /**
   * The longest time (ms) Finnhub lets a quiet connection go without a `{"type":"ping"}`: the
   * connection is `stale` after 2.5 of these without any message, and replaced after 5 (unless
   * `staleAfterMs` / `deadAfterMs` say otherwise). Default: 120 000 (pings come every 1 to 2
   * minutes).
   */
  readonly pingIntervalMs?: number;
}

/**
 * A quote source over Finnhub's real-time trades WebSocket (`wss://ws.finnhub.io?token=KEY`):
 * it sends `{"type":"subscribe","symbol":"AAPL"}` / `{"type":"unsubscribe",...}` as symbols are
 * watched and unwatched, and turns `{"type":"trade","data":[{"s","p","t","v","c"}]}` messages into
 * quotes (the newest trade per symbol per message; `volume` is the size of that message's trades).
 * By default the first price of each watch of a US stock and every one-shot `quote` of one come
 * from the REST endpoint `/quote` (`c` current price, `t` time in seconds). `/quote` serves stocks
 * only: exchange-prefixed crypto and forex symbols (`BINANCE:BTCUSDT`, `OANDA:EUR_USD`,
 * `IC MARKETS:1`, venue names with spaces included) are never asked there; their one-shot `quote`
 * is their next trade on the stream.
 *
 * Limits: Finnhub allows one WebSocket per key, and 50 symbols on it on the free plan: create
 * one source per key and share it. A watch beyond `maxSymbols` (default 50) fails at once with
 * `SYMBOL_LIMIT`, before anything is sent; a symbol that fails for any reason is unsubscribed, so
 * it keeps no slot. Finnhub sends `{"type":"ping"}` on a quiet connection every 1 to 2 minutes:
 * the connection is `stale` after 2.5 × `pingIntervalMs` (5 min) without any message, and replaced
 * after 5 × (10 min), so a quiet healthy connection never flaps.
 *
 * Errors: no key → `MISSING_API_KEY` at creation. A rejected key (HTTP 401/403 on the upgrade,
 * REST's `{"error":"Invalid API key."}` or a 401 that names no other reason, an error message
 * about the key, or three connections in a row closed right after opening) → `REJECTED_API_KEY`
 * on every stream, without retrying. REST's `{"error":"You don't have access to this resource."}`
 * (with 401 or 403: e.g. `VOD.L` on a free key) → `NO_ACCESS` for that symbol only; the others go
 * on. A symbol Finnhub does not know (REST returns a zero quote, or the WebSocket says
 * `Invalid symbol X`, matched to the symbol named, exactly) → `UNKNOWN_SYMBOL`; no quote within
 * `noQuoteTimeoutMs` → `NO_QUOTE_TIMEOUT`. `Subscribing to too many symbols` (it names none) →
 * `SYMBOL_LIMIT` for the newest subscription no trade has confirmed yet. Any other
 * `{"type":"error","msg":...}` fails the symbols it names (as whole words, exactly) with
 * `PROVIDER_ERROR`; one that names no watched symbol fails every symbol still waiting for its
 * first trade, with a message that says so (it is ignored when there is none).
 *
 * Bad input is never fatal: a trade with a price that is not a finite number from 1e-12 to below
 * 1e15, a time (`t`) that is not epoch ms between 1970 and 2200 (e.g. nanoseconds), or no symbol
 * is dropped; frames that are not JSON objects, or trade messages without a `data` array, too.
 * Both are counted in `stats()` and logged at debug level to `logger`. A REST quote with such a
 * price or time fails `quote` with `PROVIDER_ERROR`.
 *
 * `marketOpen` follows the US exchange calendar for plain tickers (`AAPL`: regular session,
 * holidays and 13:00 early closes, see `isUsMarketOpen`), is false from Friday 17:00 to Sunday
 * 17:00 New York time for forex venues (`OANDA:`, `FXCM:`, `IC MARKETS:`...), and always true for
 * other exchange-prefixed symbols (crypto: `BINANCE:BTCUSDT`).
 *
 * @param options - Key, endpoints, connection settings.
 * @returns A quote source named `finnhub`.
 * @throws QuoteSourceError with code `MISSING_API_KEY` when no key is given or set in the environment.
 *
 * @example
 * ```ts
 * const finnhub = createFinnhubSource({ apiKey: process.env.FINNHUB_API_KEY });
 * finnhub.watch('AAPL').subscribe((update) => console.log(update));
 * ```
 * @see https://finnhub.io/docs/api/websocket-trades
 */
export function createFinnhubSource(options: FinnhubSourceOptions = {}): QuoteSource {
  const apiKey = (options.apiKey ?? environmentKey())?.trim();
  if (!apiKey) {
    throw new QuoteSourceError(
      'MISSING_API_KEY',
      'Finnhub needs an API key: pass createFinnhubSource({ apiKey }) or set FINNHUB_API_KEY. ' +
        'A free key is available at https://finnhub.io/register.',
      { source: NAME },
    );
  }
  const scheduler = options.scheduler ?? asyncScheduler;
  const now = options.now ?? (() => scheduler.now());
  const quoteTimeoutMs = options.quoteTimeoutMs ?? DEFAULT_QUOTE_TIMEOUT_MS;
  const wsUrl = options.url ?? 'wss://ws.finnhub.io';
  const maxSymbols = options.maxSymbols ?? FINNHUB_FREE_PLAN_SYMBOLS;
  const pingIntervalMs = options.pingIntervalMs ?? FINNHUB_PING_INTERVAL_MS;
  const staleAfterMs = options.staleAfterMs ?? pingIntervalMs * 2.5;
  const deadAfterMs =
    options.deadAfterMs ?? (options.staleAfterMs === undefined ? pingIntervalMs * 5 : staleAfterMs * 2);
  const rest: FinnhubRest | undefined =
    options.rest === false
      ? undefined
      : {
          baseUrl: (options.rest?.baseUrl ?? 'https://finnhub.io/api/v1').replace(/\/+$/, ''),
          apiKey,
          fetch: options.rest?.fetch ?? fetch,
          scheduler,
          now,
        };
  const messages = new FinnhubMessages(now, maxSymbols);

  const protocol: WebSocketQuoteProtocol = {
    name: NAME,
    url: () => `${wsUrl}${wsUrl.includes('?') ? '&' : '?'}token=${encodeURIComponent(apiKey)}`,
    subscribe: (symbol, connection) => {
      if (connection.send({ type: 'subscribe', symbol })) messages.subscribed(symbol);
    },
    unsubscribe: (symbol, connection) => {
      messages.unsubscribed(symbol);
      connection.send({ type: 'unsubscribe', symbol });
    },
    handleMessage: (message, feed) => messages.handle(message as Record<string, unknown>, feed),
    onConnectionOpen: () => messages.connectionOpened(),
    classifyFailure: (failure) => {
      if (failure.httpStatus === 401 || failure.httpStatus === 403) {
        return finnhubRejectedKey(`the connection was refused with HTTP ${failure.httpStatus}`);
      }
      if (failure.code === 1008)
        return finnhubRejectedKey(`the connection was closed by policy (${failure.reason ?? ''})`);
      if (failure.consecutiveEarlyCloses >= 3) {
        return finnhubRejectedKey(
          `it closed ${failure.consecutiveEarlyCloses} connections in a row right after they opened ` +
            '(the key may be invalid, or already used by another connection: Finnhub allows one per key)',
        );
      }
      return undefined;
    },
    ...(rest
      ? {
          snapshot: (symbol: string, signal: AbortSignal): Promise<Quote | undefined> =>
            isServedByQuoteEndpoint(symbol)
              ? finnhubRestQuote(rest, symbol, quoteTimeoutMs, signal)
              : Promise.resolve(undefined),
        }
      : {}),
    maxSymbols,
    symbolLimitError: (symbol, max) =>
      new QuoteSourceError(
        'SYMBOL_LIMIT',
        `Finnhub streams at most ${max} ${max === 1 ? 'symbol' : 'symbols'} on its one connection per key ` +
          `(maxSymbols; the free plan allows ${FINNHUB_FREE_PLAN_SYMBOLS}), and ${max} are watched: stop watching one ` +
          `before watching ${symbol}, or raise maxSymbols if your plan allows more.`,
        { source: NAME, symbol },
      ),
    unsubscribeFailedSymbols: true,
    noQuoteError: (symbol, timeoutMs) =>
      new QuoteSourceError(
        'NO_QUOTE_TIMEOUT',
        `No trade for ${symbol} from Finnhub within ${timeoutMs} ms. Check the ticker (e.g. AAPL, or ` +
          'BINANCE:BTCUSDT for crypto); outside market hours stocks may not trade at all.',
        { source: NAME, symbol },
      ),
  };

  const feed = createWebSocketQuoteFeed(protocol, { ...options, staleAfterMs, deadAfterMs, scheduler, now });

  /** A one-shot price of a symbol `/quote` does not serve: its first trade on the stream. */
  const firstTrade = (symbol: string, timeoutMs: number): Promise<Quote> =>
    firstValueFrom(
      feed.connect(symbol).pipe(
        filter((update) => update.type === 'quote'),
        map((update) => update.quote),
        timeout({
          first: timeoutMs,
          scheduler,
          with: () => throwError(() => protocol.noQuoteError?.(symbol, timeoutMs)),
        }),
      ),
    );

  return defineQuoteSource({
    name: NAME,
    connect: feed.connect,
    stats: feed.stats,
    normalizeSymbol: normalizeFinnhubSymbol,
    ...(options.logger ? { logger: options.logger } : {}),
    scheduler,
    quoteTimeoutMs,
    quote: async (symbol: string, { timeoutMs }: { timeoutMs: number }) =>
      rest && isServedByQuoteEndpoint(symbol)
        ? checkedQuote(
            await finnhubRestQuote(rest, symbol, timeoutMs),
            `Finnhub answered a quote for ${symbol}`,
            {
              source: NAME,
              symbol,
            },
          )
        : firstTrade(symbol, timeoutMs),
  });
}

function environmentKey(): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env.FINNHUB_API_KEY;
}
