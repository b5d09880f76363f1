import { asyncScheduler } from 'rxjs';
import { DEFAULT_QUOTE_TIMEOUT_MS, defineQuoteSource } from './define-quote-source.js';
import { fetchQuoteJson, type RestOptions } from './fetch-json.js';
import { isUsMarketOpen } from './is-us-market-open.js';
import type { Quote, QuoteSource } from './quote-source.js';
import { QuoteSourceError } from './quote-source-error.js';
import { checkedQuote, priceProblem, timeProblem } from './quote-validation.js';
import { recordOf } from './record-of.js';
import { providerText, symbolsNamedIn } from './symbols-named-in.js';
import {
  createWebSocketQuoteFeed,
  type WebSocketFeedContext,
  type WebSocketQuoteFeedOptions,
  type WebSocketQuoteProtocol,
} from './web-socket-quote-feed.js';

const NAME = 'finnhub';
const KEY_ERROR = /api key|token|unauthori[sz]ed|forbidden|invalid key|not authenticated/i;

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
}

/**
 * A quote source over Finnhub's real-time trades WebSocket (`wss://ws.finnhub.io?token=KEY`):
 * it sends `{"type":"subscribe","symbol":"AAPL"}` / `{"type":"unsubscribe",...}` as symbols are
 * watched and unwatched, and turns `{"type":"trade","data":[{"s","p","t","v","c"}]}` messages into
 * quotes (the newest trade per symbol per message; `volume` is the size of that message's trades).
 * `{"type":"ping"}` keeps the connection alive. By default the first price of each watch and every
 * one-shot `quote` come from the REST endpoint `/quote` (`c` current price, `t` time in seconds).
 *
 * Errors: no key → `MISSING_API_KEY` at creation. A rejected key (HTTP 401/403 on the upgrade or on
 * REST, an error message about the key, or three connections in a row closed right after opening)
 * → `REJECTED_API_KEY` on every stream, without retrying. A symbol Finnhub does not know (REST
 * returns a zero quote) → `UNKNOWN_SYMBOL`; no quote within `noQuoteTimeoutMs` → `NO_QUOTE_TIMEOUT`.
 * Any other `{"type":"error","msg":...}` fails the symbols it names (matched as whole words, exactly:
 * `Invalid symbol MSFT` never ends a watch of `A` or `MS`) with `PROVIDER_ERROR`; one that names
 * no watched symbol fails every symbol still waiting for its first trade, with a message that says
 * so (it is ignored when there is none).
 *
 * Bad input is never fatal: a trade with a price that is not a finite number from 1e-12 to below
 * 1e15, a time (`t`) that is not epoch ms between 1970 and 2200 (e.g. nanoseconds), or no symbol
 * is dropped; frames that are not JSON objects, or trade messages without a `data` array, too.
 * Both are counted in `stats()` and logged at debug level to `logger`. A REST quote with such a
 * price or time fails `quote` with `PROVIDER_ERROR`.
 * Finnhub allows one WebSocket per key: create one source per key and share it.
 *
 * `marketOpen` follows the US regular session for plain tickers (`AAPL`) and is always true for
 * exchange-prefixed symbols (`BINANCE:BTCUSDT`, `OANDA:EUR_USD`).
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
  const rest = options.rest === false ? undefined : (options.rest ?? {});

  const restBaseUrl = (rest?.baseUrl ?? 'https://finnhub.io/api/v1').replace(/\/+$/, '');

  /** A quote from the REST endpoint, not yet checked (the feed and `quote` check it). */
  const restQuote = async (symbol: string, timeoutMs: number, signal?: AbortSignal): Promise<Quote> => {
    const response = await fetchQuoteJson(
      rest?.fetch ?? fetch,
      `${restBaseUrl}/quote?symbol=${encodeURIComponent(symbol)}&token=${encodeURIComponent(apiKey)}`,
      { source: NAME, provider: 'Finnhub', request: 'quote', symbol, timeoutMs, scheduler, signal },
    );
    if (response.status === 401 || response.status === 403) {
      throw rejectedKey(`the REST API answered HTTP ${response.status}`);
    }
    if (!response.ok) {
      throw new QuoteSourceError(
        'PROVIDER_ERROR',
        `Finnhub answered HTTP ${response.status} to a quote for ${symbol}${response.status === 429 ? ' (rate limit: wait a minute)' : ''}. Try again later.`,
        { source: NAME, symbol },
      );
    }
    const body = recordOf(response.body);
    if (!body) {
      throw new QuoteSourceError(
        'PROVIDER_ERROR',
        `Finnhub answered a quote for ${symbol} with something that is not a quote. Try again later.`,
        { source: NAME, symbol },
      );
    }
    if (body.c === 0) {
      throw new QuoteSourceError(
        'UNKNOWN_SYMBOL',
        `Finnhub has no price for "${symbol}". Check the ticker (e.g. AAPL, or BINANCE:BTCUSDT for crypto).`,
        { source: NAME, symbol },
      );
    }
    const price = typeof body.c === 'number' ? body.c : Number.NaN;
    // `t` is in seconds; 0 or none means Finnhub gave no time
    const time =
      body.t === undefined || body.t === null || body.t === 0
        ? now()
        : typeof body.t === 'number'
          ? body.t * 1000
          : Number.NaN;
    return { symbol, price, time, source: NAME, marketOpen: marketOpenFor(symbol, now()) };
  };

  const handleTrades = (data: unknown, feed: WebSocketFeedContext): void => {
    if (!Array.isArray(data)) {
      feed.ignoreMessage('a trade message without a data array');
      return;
    }
    const latest = new Map<string, { price: number; time: number; volume: number }>();
    for (const item of data) {
      const trade = readTrade(item, now);
      if (typeof trade === 'string') {
        feed.ignoreQuote(trade, { symbol: recordOf(item)?.s });
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
    }
    for (const [symbol, trade] of latest) {
      feed.quote({
        symbol,
        price: trade.price,
        time: trade.time,
        source: NAME,
        marketOpen: marketOpenFor(symbol, trade.time),
        volume: trade.volume,
      });
    }
  };

  const handleError = (text: string, feed: WebSocketFeedContext): void => {
    if (KEY_ERROR.test(text)) {
      feed.failAll(rejectedKey(`it said "${text}"`));
      return;
    }
    const words = symbolsNamedIn(text);
    const named = feed.watched().filter((symbol) => words.has(symbol));
    for (const symbol of named) {
      feed.fail(
        symbol,
        new QuoteSourceError('PROVIDER_ERROR', `Finnhub reported an error for ${symbol}: "${text}".`, {
          source: NAME,
          symbol,
        }),
      );
    }
    if (named.length > 0) return;
    // it names nobody: it may concern any symbol still waiting for its first trade
    const waiting = feed.awaitingFirstQuote();
    for (const symbol of waiting) {
      feed.fail(
        symbol,
        new QuoteSourceError(
          'PROVIDER_ERROR',
          `Finnhub reported an error that named no symbol: "${text}". It was given to every symbol still ` +
            `waiting for its first trade (${waiting.join(', ')}), since it may concern any of them. ` +
            'Check the tickers, then watch the valid ones again.',
          { source: NAME, symbol },
        ),
      );
    }
  };

  const handleMessage = (message: unknown, feed: WebSocketFeedContext): void => {
    const m = message as Record<string, unknown>;
    if (m.type === 'trade') handleTrades(m.data, feed);
    else if (m.type === 'error') handleError(providerText(m.msg ?? 'unknown error'), feed);
    // `ping` and unknown message types only keep the connection marked alive.
  };

  const protocol: WebSocketQuoteProtocol = {
    name: NAME,
    url: () => `${wsUrl}${wsUrl.includes('?') ? '&' : '?'}token=${encodeURIComponent(apiKey)}`,
    subscribe: (symbol, connection) => connection.send({ type: 'subscribe', symbol }),
    unsubscribe: (symbol, connection) => connection.send({ type: 'unsubscribe', symbol }),
    handleMessage,
    classifyFailure: (failure) => {
      if (failure.httpStatus === 401 || failure.httpStatus === 403) {
        return rejectedKey(`the connection was refused with HTTP ${failure.httpStatus}`);
      }
      if (failure.code === 1008)
        return rejectedKey(`the connection was closed by policy (${failure.reason ?? ''})`);
      if (failure.consecutiveEarlyCloses >= 3) {
        return rejectedKey(
          `it closed ${failure.consecutiveEarlyCloses} connections in a row right after they opened ` +
            '(the key may be invalid, or already used by another connection: Finnhub allows one per key)',
        );
      }
      return undefined;
    },
    ...(rest
      ? { snapshot: (symbol: string, signal: AbortSignal) => restQuote(symbol, quoteTimeoutMs, signal) }
      : {}),
    noQuoteError: (symbol, timeoutMs) =>
      new QuoteSourceError(
        'NO_QUOTE_TIMEOUT',
        `No trade for ${symbol} from Finnhub within ${timeoutMs} ms. Check the ticker (e.g. AAPL, or ` +
          'BINANCE:BTCUSDT for crypto); outside market hours stocks may not trade at all.',
        { source: NAME, symbol },
      ),
  };

  const feed = createWebSocketQuoteFeed(protocol, { staleAfterMs: 60_000, ...options, scheduler, now });
  return defineQuoteSource({
    name: NAME,
    connect: feed.connect,
    stats: feed.stats,
    ...(options.logger ? { logger: options.logger } : {}),
    scheduler,
    quoteTimeoutMs,
    ...(rest
      ? {
          quote: async (symbol: string, { timeoutMs }: { timeoutMs: number }) =>
            checkedQuote(await restQuote(symbol, timeoutMs), `Finnhub answered a quote for ${symbol}`, {
              source: NAME,
              symbol,
            }),
        }
      : {}),
  });
}

function rejectedKey(detail: string): QuoteSourceError {
  return new QuoteSourceError(
    'REJECTED_API_KEY',
    `Finnhub rejected the API key: ${detail}. Check FINNHUB_API_KEY (use the regular key, not the sandbox one) and that no other connection uses it.`,
    { source: NAME },
  );
}

/** A trade of a `trade` message, or why it cannot be used. A trade without `t` is timed on receipt. */
function readTrade(
  item: unknown,
  now: () => number,
): { symbol: string; price: number; time: number; volume: number } | string {
  const trade = recordOf(item);
  if (!trade) return 'a trade that is not an object';
  if (typeof trade.s !== 'string' || trade.s === '') return 'a trade without a symbol (s)';
  const time = trade.t === undefined ? now() : trade.t;
  const problem = priceProblem(trade.p) ?? timeProblem(time);
  if (problem !== undefined) return problem;
  const volume = typeof trade.v === 'number' && Number.isFinite(trade.v) && trade.v >= 0 ? trade.v : 0;
  return { symbol: trade.s, price: trade.p as number, time: time as number, volume };
}

/** The value as a record when it is a plain JSON object. */
function marketOpenFor(symbol: string, time: number): boolean {
  return symbol.includes(':') || isUsMarketOpen(time);
}

function environmentKey(): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env.FINNHUB_API_KEY;
}
