/**
 * The quote source contract: what every price provider (simulated, Finnhub, Coinbase, your own)
 * implements so that the stock tools can watch a symbol or ask for one price.
 *
 * @packageDocumentation
 */

import type { Observable } from 'rxjs';

/**
 * One price observation for one symbol.
 *
 * @example
 * ```ts
 * const quote: Quote = { symbol: 'AAPL', price: 231.42, time: Date.now(), source: 'simulated', marketOpen: true };
 * ```
 */
export interface Quote {
  /** Normalised symbol (trimmed, upper-case), as the source knows it: `AAPL`, `BTC-USD`. */
  readonly symbol: string;
  /** Last traded price, in the instrument's quote currency. */
  readonly price: number;
  /** When the price was observed, in epoch milliseconds (the provider's time when it gives one). */
  readonly time: number;
  /** Name of the source that produced the quote (`simulated`, `finnhub`, `coinbase`, ...). */
  readonly source: string;
  /** Whether the instrument's regular market session was open at `time`. Crypto is always open. */
  readonly marketOpen: boolean;
  /** Best bid, when the provider reports it. */
  readonly bid?: number;
  /** Best ask, when the provider reports it. */
  readonly ask?: number;
  /**
   * Volume as the provider reports it with this quote: Coinbase gives the 24 h volume, Finnhub the
   * size of the trades in the message, the simulated source the volume since the stream started.
   */
  readonly volume?: number;
}

/**
 * Health of a quote feed: `live` (data flowing), `stale` (the connection went quiet), `reconnecting`
 * (the connection dropped and is being re-established).
 *
 * @example
 * ```ts
 * const status: QuoteFeedStatus = 'reconnecting';
 * ```
 */
export type QuoteFeedStatus = 'live' | 'stale' | 'reconnecting';

/**
 * A quote: one new price for the watched symbol.
 *
 * @example
 * ```ts
 * const update: QuoteTick = { type: 'quote', quote };
 * ```
 */
export interface QuoteTick {
  /** Discriminant. */
  readonly type: 'quote';
  /** The quote. */
  readonly quote: Quote;
}

/**
 * A change of feed health for the watched symbol.
 *
 * @example
 * ```ts
 * const update: QuoteStatusChange = { type: 'status', status: 'stale', symbol: 'AAPL', time: Date.now() };
 * ```
 */
export interface QuoteStatusChange {
  /** Discriminant. */
  readonly type: 'status';
  /** The feed's new health. */
  readonly status: QuoteFeedStatus;
  /** The symbol whose feed changed. */
  readonly symbol: string;
  /** Human-readable cause, when known (`connection closed (1006)`, `no data for 30 s`). */
  readonly reason?: string;
  /** When the change was noticed, in epoch milliseconds. */
  readonly time: number;
}

/**
 * What {@link QuoteSource.watch} emits: quotes, interleaved with feed status changes.
 *
 * @example
 * ```ts
 * source.watch('AAPL').subscribe((update: QuoteUpdate) => {
 *   if (update.type === 'quote') console.log(update.quote.price);
 *   else console.log('feed is', update.status);
 * });
 * ```
 */
export type QuoteUpdate = QuoteTick | QuoteStatusChange;

/**
 * Options of a one-shot {@link QuoteSource.quote}.
 *
 * @example
 * ```ts
 * const options: QuoteOptions = { timeoutMs: 5_000 };
 * ```
 */
export interface QuoteOptions {
  /** How long to wait for a price before failing with `NO_QUOTE_TIMEOUT`. Source-specific default. */
  readonly timeoutMs?: number;
}

/**
 * What a quote source refused from its provider since it was created: bad input is never
 * delivered, never fatal, and counted here (and logged at debug level when the source has a
 * `logger`).
 *
 * @example
 * ```ts
 * const { ignoredQuotes, ignoredMessages } = source.stats?.() ?? { ignoredQuotes: 0, ignoredMessages: 0 };
 * ```
 */
export interface QuoteSourceStats {
  /**
   * Quotes or trades refused because a value was missing, of the wrong type or out of range: a
   * price that is not a finite number from 1e-12 to below 1e15, a time that is not epoch
   * milliseconds between 1970 and 2200 (e.g. nanoseconds), no symbol.
   */
  readonly ignoredQuotes: number;
  /** Messages that could not be read: not JSON, not an object, a known type in an unknown shape. */
  readonly ignoredMessages: number;
}

/**
 * A provider of prices. Implement it in one file with {@link defineQuoteSource}, which adds symbol
 * normalisation, one shared upstream per symbol and a default one-shot `quote`.
 *
 * @example
 * ```ts
 * const source: QuoteSource = createSimulatedSource();
 * const first = await source.quote('MSFT');
 * const subscription = source.watch('MSFT').subscribe((update) => console.log(update));
 * ```
 * @see defineQuoteSource
 */
export interface QuoteSource {
  /** Short provider name, copied into every quote's `source`. */
  readonly name: string;
  /**
   * Watches a symbol: the latest known quote at once when there is one, then every new quote and
   * feed status change. Fails with a {@link QuoteSourceError} (unknown symbol, no quote in time,
   * rejected key). Every subscriber in the process shares one upstream per symbol.
   */
  watch(symbol: string): Observable<QuoteUpdate>;
  /** One current price. Rejects with a {@link QuoteSourceError} when none arrives in time. */
  quote(symbol: string, options?: QuoteOptions): Promise<Quote>;
  /** Counts of the provider input the source refused ({@link QuoteSourceStats}). Every built-in source has it. */
  stats?(): QuoteSourceStats;
}
