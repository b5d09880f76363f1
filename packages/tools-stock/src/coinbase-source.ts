import { asyncScheduler } from 'rxjs';
import { DEFAULT_QUOTE_TIMEOUT_MS, defineQuoteSource } from './define-quote-source.js';
import { fetchQuoteJson, type RestOptions } from './fetch-json.js';
import { normalizeSymbol } from './normalize-symbol.js';
import type { Quote, QuoteSource } from './quote-source.js';
import { QuoteSourceError } from './quote-source-error.js';
import {
  createWebSocketQuoteFeed,
  type WebSocketFeedContext,
  type WebSocketQuoteFeedOptions,
  type WebSocketQuoteProtocol,
} from './web-socket-quote-feed.js';

const NAME = 'coinbase';
const CHANNELS = ['ticker', 'heartbeat'] as const;
const PRODUCT_ID = /^[A-Z0-9]{1,15}-[A-Z0-9]{1,15}$/;
const UNKNOWN_PRODUCT = /not a valid product|invalid product|unknown product|not found/i;

/**
 * Options of {@link createCoinbaseSource}.
 *
 * @example
 * ```ts
 * const options: CoinbaseSourceOptions = { noQuoteTimeoutMs: 15_000, rest: false };
 * ```
 */
export interface CoinbaseSourceOptions extends WebSocketQuoteFeedOptions {
  /** WebSocket endpoint. Default: `wss://ws-feed.exchange.coinbase.com`. */
  readonly url?: string;
  /**
   * REST API used for one-shot quotes and for the first price of a watch (`GET
   * /products/{id}/ticker`). Default: `https://api.exchange.coinbase.com` with the global `fetch`.
   * `false` uses the WebSocket only.
   */
  readonly rest?: RestOptions | false;
  /** Timeout of `quote`, in ms. Default: 10 000. */
  readonly quoteTimeoutMs?: number;
}

interface PendingRequest {
  readonly kind: 'subscribe' | 'unsubscribe';
  readonly symbol: string;
}

/**
 * A quote source over the Coinbase Exchange public WebSocket feed
 * (`wss://ws-feed.exchange.coinbase.com`, no key): each watched product is subscribed with
 * `{"type":"subscribe","product_ids":["BTC-USD"],"channels":["ticker","heartbeat"]}` (one request
 * per product, so an invalid one cannot void the others) and unsubscribed the same way. `ticker`
 * messages (`price`, `best_bid`, `best_ask`, `volume_24h`, `time`, numbers as strings) become
 * quotes; `heartbeat` messages (every second per product) keep the connection marked alive, so a
 * silent connection is reported `stale` after 5 s and replaced after 15 s. The server answers each
 * (un)subscribe, in order, with a `subscriptions` message or an `error` (`message`, `reason`); an
 * error naming an invalid product fails that symbol with `UNKNOWN_SYMBOL`. Crypto trades around
 * the clock: `marketOpen` is always true.
 *
 * Symbols: `btc-usd`, `BTC/USD` and `BTC` (→ `BTC-USD`) are accepted.
 *
 * @param options - Endpoints and connection settings.
 * @returns A quote source named `coinbase`.
 *
 * @example
 * ```ts
 * const coinbase = createCoinbaseSource();
 * const btc = await coinbase.quote('BTC-USD');
 * ```
 * @see https://docs.cdp.coinbase.com/exchange/websocket-feed/channels
 */
export function createCoinbaseSource(options: CoinbaseSourceOptions = {}): QuoteSource {
  const scheduler = options.scheduler ?? asyncScheduler;
  const now = options.now ?? (() => scheduler.now());
  const quoteTimeoutMs = options.quoteTimeoutMs ?? DEFAULT_QUOTE_TIMEOUT_MS;
  const wsUrl = options.url ?? 'wss://ws-feed.exchange.coinbase.com';
  const rest = options.rest === false ? undefined : (options.rest ?? {});
  let pending: PendingRequest[] = [];

  const restBaseUrl = (rest?.baseUrl ?? 'https://api.exchange.coinbase.com').replace(/\/+$/, '');

  const restQuote = async (symbol: string, timeoutMs: number, signal?: AbortSignal): Promise<Quote> => {
    const response = await fetchQuoteJson(
      rest?.fetch ?? fetch,
      `${restBaseUrl}/products/${encodeURIComponent(symbol)}/ticker`,
      { source: NAME, provider: 'Coinbase', request: 'ticker', symbol, timeoutMs, scheduler, signal },
    );
    if (response.status === 404 || response.status === 400) throw unknownProduct(symbol);
    const body = response.body as Record<string, unknown> | undefined;
    const price = numberOf(body?.price);
    if (!response.ok || price === undefined) {
      throw new QuoteSourceError(
        'PROVIDER_ERROR',
        `Coinbase answered HTTP ${response.status} to a ticker request for ${symbol}. Try again later.`,
        { source: NAME, symbol },
      );
    }
    return toQuote(symbol, price, body ?? {}, 'volume', now);
  };

  const handleMessage = (message: unknown, feed: WebSocketFeedContext): void => {
    if (typeof message !== 'object' || message === null) return;
    const m = message as Record<string, unknown>;
    switch (m.type) {
      case 'ticker': {
        const price = numberOf(m.price);
        if (typeof m.product_id !== 'string' || price === undefined) return;
        feed.quote(toQuote(m.product_id, price, m, 'volume_24h', now));
        return;
      }
      case 'subscriptions':
        pending.shift();
        return;
      case 'error': {
        const text = [m.message, m.reason].filter((part) => typeof part === 'string' && part).join(': ');
        const upper = text.toUpperCase();
        const index = Math.max(
          pending.findIndex((request) => request.kind === 'subscribe' && upper.includes(request.symbol)),
          0,
        );
        const request = pending[index];
        if (!request) return; // not an answer to a request: the close that may follow is handled by reconnecting
        pending.splice(index, 1);
        if (request.kind !== 'subscribe') return;
        feed.fail(
          request.symbol,
          UNKNOWN_PRODUCT.test(text)
            ? unknownProduct(request.symbol)
            : new QuoteSourceError(
                'PROVIDER_ERROR',
                `Coinbase refused to stream ${request.symbol}: "${text || 'error'}".`,
                { source: NAME, symbol: request.symbol },
              ),
        );
        return;
      }
      default:
      // `heartbeat` and unknown message types only keep the connection marked alive.
    }
  };

  const protocol: WebSocketQuoteProtocol = {
    name: NAME,
    url: () => wsUrl,
    onConnectionOpen: () => {
      pending = [];
    },
    subscribe: (symbol, connection) => {
      if (connection.send({ type: 'subscribe', product_ids: [symbol], channels: CHANNELS })) {
        pending.push({ kind: 'subscribe', symbol });
      }
    },
    unsubscribe: (symbol, connection) => {
      if (connection.send({ type: 'unsubscribe', product_ids: [symbol], channels: CHANNELS })) {
        pending.push({ kind: 'unsubscribe', symbol });
      }
    },
    handleMessage,
    ...(rest
      ? { snapshot: (symbol: string, signal: AbortSignal) => restQuote(symbol, quoteTimeoutMs, signal) }
      : {}),
  };

  const feed = createWebSocketQuoteFeed(protocol, {
    staleAfterMs: 5000,
    deadAfterMs: 15_000,
    ...options,
    scheduler,
    now,
  });
  return defineQuoteSource({
    name: NAME,
    connect: feed.connect,
    normalizeSymbol: normalizeProductId,
    scheduler,
    quoteTimeoutMs,
    ...(rest
      ? { quote: (symbol: string, { timeoutMs }: { timeoutMs: number }) => restQuote(symbol, timeoutMs) }
      : {}),
  });
}

/** Normalises a Coinbase product id: `btc-usd` → `BTC-USD`, `BTC/USD` → `BTC-USD`, `BTC` → `BTC-USD`. */
function normalizeProductId(symbol: string): string {
  let id = normalizeSymbol(symbol, NAME).replace('/', '-');
  if (!id.includes('-')) id = `${id}-USD`;
  if (!PRODUCT_ID.test(id)) {
    throw new QuoteSourceError(
      'UNKNOWN_SYMBOL',
      `"${symbol}" is not a Coinbase product id. Use a pair such as BTC-USD or ETH-EUR.`,
      { source: NAME, symbol },
    );
  }
  return id;
}

function toQuote(
  symbol: string,
  price: number,
  fields: Record<string, unknown>,
  volumeField: 'volume' | 'volume_24h',
  now: () => number,
): Quote {
  const parsed = typeof fields.time === 'string' ? Date.parse(fields.time) : Number.NaN;
  const bid = numberOf(fields.best_bid ?? fields.bid);
  const ask = numberOf(fields.best_ask ?? fields.ask);
  const volume = numberOf(fields[volumeField]);
  return {
    symbol,
    price,
    time: Number.isFinite(parsed) ? parsed : now(),
    source: NAME,
    marketOpen: true,
    ...(bid === undefined ? {} : { bid }),
    ...(ask === undefined ? {} : { ask }),
    ...(volume === undefined ? {} : { volume }),
  };
}

function numberOf(value: unknown): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(number) ? number : undefined;
}

function unknownProduct(symbol: string): QuoteSourceError {
  return new QuoteSourceError(
    'UNKNOWN_SYMBOL',
    `Coinbase does not list "${symbol}". Use a product id such as BTC-USD, ETH-USD or SOL-EUR.`,
    { source: NAME, symbol },
  );
}
