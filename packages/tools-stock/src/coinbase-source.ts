import { asyncScheduler } from 'rxjs';
import { DEFAULT_QUOTE_TIMEOUT_MS, defineQuoteSource } from './define-quote-source.js';
import { fetchQuoteJson, type RestOptions } from './fetch-json.js';
import { normalizeSymbol } from './normalize-symbol.js';
import type { Quote, QuoteSource } from './quote-source.js';
import { QuoteSourceError } from './quote-source-error.js';
import { checkedQuote, quoteProblem } from './quote-validation.js';
import { recordOf } from './record-of.js';
import { providerText, symbolsNamedIn } from './symbols-named-in.js';
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
 * (`wss://ws-feed.exchange.coinbase.com`, no key): each watched product is subscribed in the
 * documented form, `{"type":"subscribe","channels":[{"name":"ticker","product_ids":["BTC-USD"]},
 * {"name":"heartbeat","product_ids":["BTC-USD"]}]}` (one request per product, so an invalid one
 * cannot void the others), and unsubscribed the same way. `ticker` messages (`price`, `best_bid`,
 * `best_ask`, `volume_24h`, `time`, numbers as strings) become quotes, in `sequence` order: a
 * ticker whose `sequence` is not above the last one delivered for its product on this connection
 * arrived late (or twice) and is ignored and counted, so it never overwrites a newer price.
 * `heartbeat` messages (every second per product) keep the connection marked alive, so a
 * silent connection is reported `stale` after 5 s and replaced after 15 s. The server answers each
 * (un)subscribe with a `subscriptions` message or an `error` (`message`, `reason`). An error is
 * given to the pending subscriptions it names, matched as whole words, exactly (`BTC-USDT` is not
 * `BTC-USD`): `UNKNOWN_SYMBOL` when it says the product is invalid, else `PROVIDER_ERROR`. An
 * error that names no pending product fails every subscription still waiting for an answer, with
 * a `PROVIDER_ERROR` that says so. Crypto trades around the clock: `marketOpen` is always true.
 *
 * Bad input is never fatal: a ticker whose price is not a finite number from 1e-12 to below 1e15
 * (`"-1"`, `"0"`, `"NaN"`), whose `time` is not an ISO time between 1970 and 2200, or without a
 * product id is dropped; frames that are not JSON objects too. Both are counted in `stats()` and
 * logged at debug level to `logger`. A REST ticker with such a price or time fails `quote` with
 * `PROVIDER_ERROR`. The REST ticker's HTTP 404 means an unknown product (`UNKNOWN_SYMBOL`); HTTP
 * 400 means Coinbase found the request malformed (`BAD_REQUEST`), which is not about the product.
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
  /** Per product, the `sequence` of the last ticker delivered on this connection. */
  const lastSequence = new Map<string, number>();
  /**
   * The products subscribed to: only theirs have a `sequence` kept, so that tickers of products
   * nobody watches (a server may send any) cannot grow `lastSequence` without bound.
   */
  const subscribed = new Set<string>();

  const restBaseUrl = (rest?.baseUrl ?? 'https://api.exchange.coinbase.com').replace(/\/+$/, '');

  /** A quote from the REST ticker, not yet checked (the feed and `quote` check it). */
  const restQuote = async (symbol: string, timeoutMs: number, signal?: AbortSignal): Promise<Quote> => {
    const response = await fetchQuoteJson(
      rest?.fetch ?? fetch,
      `${restBaseUrl}/products/${encodeURIComponent(symbol)}/ticker`,
      { source: NAME, provider: 'Coinbase', request: 'ticker', symbol, timeoutMs, scheduler, signal },
    );
    if (response.status === 404) throw unknownProduct(symbol);
    const body = recordOf(response.body);
    if (response.status === 400) {
      const said = typeof body?.message === 'string' ? `: "${providerText(body.message)}"` : '';
      throw new QuoteSourceError(
        'BAD_REQUEST',
        `Coinbase called the ticker request for ${symbol} malformed (HTTP 400${said}). The product id ` +
          "passed the checks here, so this is likely a bug or a change on Coinbase's side: report it, with the id.",
        { source: NAME, symbol },
      );
    }
    if (!response.ok || !body) {
      throw new QuoteSourceError(
        'PROVIDER_ERROR',
        `Coinbase answered HTTP ${response.status}${body ? '' : ' without a ticker'} to a ticker request for ${symbol}. Try again later.`,
        { source: NAME, symbol },
      );
    }
    return toQuote(symbol, body, 'volume', now);
  };

  /** Forgets the request a `subscriptions` answer answers: the oldest it satisfies, else the oldest. */
  const answered = (channels: unknown): void => {
    const subscribed = productsIn(channels);
    const index = pending.findIndex((request) =>
      request.kind === 'subscribe' ? subscribed.has(request.symbol) : !subscribed.has(request.symbol),
    );
    pending.splice(Math.max(index, 0), 1);
  };

  const refused = (text: string, feed: WebSocketFeedContext): void => {
    const words = symbolsNamedIn(text);
    const subscribes = pending.filter((request) => request.kind === 'subscribe');
    const named = subscribes.filter((request) => words.has(request.symbol));
    if (named.length > 0) {
      pending = pending.filter((request) => !named.includes(request));
      for (const { symbol } of named) {
        feed.fail(
          symbol,
          UNKNOWN_PRODUCT.test(text)
            ? unknownProduct(symbol)
            : new QuoteSourceError('PROVIDER_ERROR', `Coinbase refused to stream ${symbol}: "${text}".`, {
                source: NAME,
                symbol,
              }),
        );
      }
      return;
    }
    if (subscribes.length === 0) {
      pending.shift(); // the answer to an unsubscribe, or to nothing: the close that may follow is handled by reconnecting
      return;
    }
    // it names no product: it may concern any subscription still waiting for an answer
    pending = pending.filter((request) => request.kind !== 'subscribe');
    const symbols = subscribes.map((request) => request.symbol);
    for (const symbol of symbols) {
      feed.fail(
        symbol,
        new QuoteSourceError(
          'PROVIDER_ERROR',
          `Coinbase refused a subscription with an error that named no product: "${text || 'error'}". It was ` +
            `given to every product waiting for an answer (${symbols.join(', ')}), since it may concern any ` +
            'of them. Check the product ids (e.g. BTC-USD), then watch the valid ones again.',
          { source: NAME, symbol },
        ),
      );
    }
  };

  const handleMessage = (message: unknown, feed: WebSocketFeedContext): void => {
    const m = message as Record<string, unknown>;
    switch (m.type) {
      case 'ticker': {
        if (typeof m.product_id !== 'string' || m.product_id === '') {
          feed.ignoreQuote('a ticker without a product id');
          return;
        }
        const quote = toQuote(m.product_id, m, 'volume_24h', now);
        const sequence = m.sequence;
        if (typeof sequence === 'number' && Number.isSafeInteger(sequence)) {
          const last = lastSequence.get(quote.symbol);
          if (last !== undefined && sequence <= last) {
            feed.ignoreQuote(`a late ticker (sequence ${sequence}, after ${last})`, { symbol: quote.symbol });
            return;
          }
          // only a ticker that will be delivered moves the series on
          if (subscribed.has(quote.symbol) && quoteProblem(quote) === undefined) {
            lastSequence.set(quote.symbol, sequence);
          }
        }
        feed.quote(quote);
        return;
      }
      case 'subscriptions':
        answered(m.channels);
        return;
      case 'error': {
        const text = [m.message, m.reason]
          .filter((part): part is string => typeof part === 'string' && part !== '')
          .map(providerText)
          .join(': ');
        refused(text, feed);
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
      lastSequence.clear(); // ordering holds within a connection: a bogus number cannot outlive it
    },
    subscribe: (symbol, connection) => {
      subscribed.add(symbol);
      if (connection.send(request('subscribe', symbol))) pending.push({ kind: 'subscribe', symbol });
    },
    unsubscribe: (symbol, connection) => {
      subscribed.delete(symbol);
      lastSequence.delete(symbol);
      if (connection.send(request('unsubscribe', symbol))) pending.push({ kind: 'unsubscribe', symbol });
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
    stats: feed.stats,
    ...(options.logger ? { logger: options.logger } : {}),
    normalizeSymbol: normalizeProductId,
    scheduler,
    quoteTimeoutMs,
    ...(rest
      ? {
          quote: async (symbol: string, { timeoutMs }: { timeoutMs: number }) =>
            checkedQuote(await restQuote(symbol, timeoutMs), `Coinbase answered a ticker for ${symbol}`, {
              source: NAME,
              symbol,
            }),
        }
      : {}),
  });
}

/** A (un)subscribe request in the documented form: each channel lists its products. */
function request(type: 'subscribe' | 'unsubscribe', symbol: string): Record<string, unknown> {
  return { type, channels: CHANNELS.map((name) => ({ name, product_ids: [symbol] })) };
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

/**
 * A quote from a ticker's fields (numbers as strings), not yet checked: a price or time that cannot
 * be read becomes `NaN`, which the feed refuses; a ticker without `time` is timed on receipt. Bid,
 * ask and volume are kept only when they are finite and not negative.
 */
function toQuote(
  symbol: string,
  fields: Record<string, unknown>,
  volumeField: 'volume' | 'volume_24h',
  now: () => number,
): Quote {
  const time =
    fields.time === undefined
      ? now()
      : typeof fields.time === 'string'
        ? Date.parse(fields.time)
        : Number.NaN;
  const bid = amountOf(fields.best_bid ?? fields.bid);
  const ask = amountOf(fields.best_ask ?? fields.ask);
  const volume = amountOf(fields[volumeField]);
  return {
    symbol,
    price: numberOf(fields.price) ?? Number.NaN,
    time,
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

/** A finite, non-negative number, or undefined. */
function amountOf(value: unknown): number | undefined {
  const number = numberOf(value);
  return number !== undefined && number >= 0 ? number : undefined;
}

/** Every product id listed in a `subscriptions` answer's channels, whatever their shape. */
function productsIn(channels: unknown): Set<string> {
  const products = new Set<string>();
  if (!Array.isArray(channels)) return products;
  for (const channel of channels) {
    const ids = recordOf(channel)?.product_ids;
    if (!Array.isArray(ids)) continue;
    for (const id of ids) if (typeof id === 'string') products.add(id);
  }
  return products;
}

function unknownProduct(symbol: string): QuoteSourceError {
  return new QuoteSourceError(
    'UNKNOWN_SYMBOL',
    `Coinbase does not list "${symbol}". Use a product id such as BTC-USD, ETH-USD or SOL-EUR.`,
    { source: NAME, symbol },
  );
}
