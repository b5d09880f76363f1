import type { Logger } from '@livetools/core';
import {
  asyncScheduler,
  filter,
  firstValueFrom,
  map,
  Observable,
  type SchedulerLike,
  Subject,
  type Subscription,
  throwError,
  timeout,
} from 'rxjs';
import { addStats, createIgnoredInput } from './ignored-input.js';
import { normalizeSymbol as defaultNormalizeSymbol } from './normalize-symbol.js';
import type {
  Quote,
  QuoteOptions,
  QuoteSource,
  QuoteSourceStats,
  QuoteStatusChange,
  QuoteUpdate,
} from './quote-source.js';
import { noQuoteTimeoutError } from './quote-source-error.js';
import { checkedQuote, quoteProblem } from './quote-validation.js';

/**
 * Default bound, in ms, on a one-shot quote and on the wait for a watched symbol's first quote.
 *
 * @example
 * ```ts
 * await source.quote('AAPL', { timeoutMs: DEFAULT_QUOTE_TIMEOUT_MS / 2 });
 * ```
 */
export const DEFAULT_QUOTE_TIMEOUT_MS = 10_000;

/**
 * What a provider supplies to {@link defineQuoteSource}: its name and how to open the upstream for
 * one symbol. Everything else (normalisation, sharing, replay, one-shot quotes) is added for it.
 *
 * @example
 * ```ts
 * const definition: QuoteSourceDefinition = {
 *   name: 'constant',
 *   connect: (symbol) => of({ type: 'quote', quote: { symbol, price: 1, time: 0, source: 'constant', marketOpen: true } }),
 * };
 * ```
 */
export interface QuoteSourceDefinition {
  /** Provider name, used in quotes and error messages. */
  readonly name: string;
  /**
   * Opens the upstream for one normalised symbol. Called once per symbol while at least one
   * subscriber watches it, and unsubscribed when the last one leaves. It should emit a quote as soon
   * as it has one and fail with a {@link QuoteSourceError} rather than wait forever.
   */
  connect(symbol: string): Observable<QuoteUpdate>;
  /**
   * A one-shot quote for a normalised symbol (e.g. a REST call). When omitted, `quote` takes the
   * first quote of `watch(symbol)`, bounded by the timeout.
   */
  quote?(symbol: string, options: { readonly timeoutMs: number }): Promise<Quote>;
  /** Validates and normalises a symbol; throw a `UNKNOWN_SYMBOL` error to refuse it. Default: {@link normalizeSymbol}. */
  normalizeSymbol?(symbol: string): string;
  /** Default timeout of `quote`, in ms. Default: 10 000. */
  readonly quoteTimeoutMs?: number;
  /** Scheduler of the `quote` timeout. Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Where to log (at debug level) each quote refused for out-of-range or mistyped values. Default: none. */
  readonly logger?: Logger;
  /** Counts of input the provider refused before it reached `connect`'s stream, added to the source's `stats()`. */
  stats?(): QuoteSourceStats;
}

interface SharedSymbol {
  readonly updates: Subject<QuoteUpdate>;
  lastQuote: Quote | undefined;
  lastStatus: QuoteStatusChange | undefined;
  subscribers: number;
  upstream: Subscription | undefined;
}

/**
 * Builds a {@link QuoteSource} from a provider definition. The result normalises symbols (trim,
 * upper-case, validation), keeps ONE upstream subscription per symbol shared by every subscriber in
 * the process, replays the latest quote (and a non-live feed status) to late subscribers, and
 * unsubscribes the upstream as soon as the last subscriber leaves (reference counting). An upstream
 * that fails is forgotten, so the next subscriber starts a fresh one.
 *
 * Quotes are checked before anyone sees them (see {@link QuoteSourceStats}): a streamed quote with
 * a price that is not a finite number from 1e-12 to below 1e15, a time that is not epoch ms between
 * 1970 and 2200, or no symbol is dropped, counted in `stats()` and logged at debug level; the stream
 * goes on. A one-shot `quote` that is unusable rejects with `PROVIDER_ERROR` saying why.
 *
 * @param definition - The provider: a name and a per-symbol `connect`.
 * @returns A quote source.
 *
 * @example
 * ```ts
 * import { interval, map } from 'rxjs';
 *
 * // A whole provider in one file: a price that goes up by one cent a second.
 * export const counterSource = defineQuoteSource({
 *   name: 'counter',
 *   connect: (symbol) =>
 *     interval(1000).pipe(
 *       map((n) => ({
 *         type: 'quote' as const,
 *         quote: { symbol, price: 100 + n / 100, time: Date.now(), source: 'counter', marketOpen: true },
 *       })),
 *     ),
 * });
 * ```
 * @see QuoteSource
 */
export function defineQuoteSource(definition: QuoteSourceDefinition): QuoteSource {
  const { name } = definition;
  const scheduler = definition.scheduler ?? asyncScheduler;
  const defaultTimeoutMs = definition.quoteTimeoutMs ?? DEFAULT_QUOTE_TIMEOUT_MS;
  const normalize = (symbol: string): string =>
    definition.normalizeSymbol ? definition.normalizeSymbol(symbol) : defaultNormalizeSymbol(symbol, name);
  const shared = new Map<string, SharedSymbol>();
  const ignored = createIgnoredInput(definition.logger);

  /** The quote, or undefined (counted and logged) when it cannot be used. */
  const usable = (quote: Quote): Quote | undefined => {
    const problem = quoteProblem(quote);
    if (problem === undefined) return quote;
    ignored.quote(name, problem, { symbol: typeof quote?.symbol === 'string' ? quote.symbol : undefined });
    return undefined;
  };

  /** The one-shot quote, or a `PROVIDER_ERROR` that says why it cannot be used. */
  const checked = (symbol: string, quote: Quote): Quote =>
    checkedQuote(quote, `${name} answered with a quote for ${symbol}`, { source: name, symbol });

  const watchNormalized = (symbol: string): Observable<QuoteUpdate> =>
    new Observable<QuoteUpdate>((subscriber) => {
      let entry = shared.get(symbol);
      const isNew = entry === undefined;
      if (entry === undefined) {
        entry = {
          updates: new Subject<QuoteUpdate>(),
          lastQuote: undefined,
          lastStatus: undefined,
          subscribers: 0,
          upstream: undefined,
        };
        shared.set(symbol, entry);
      }
      const current = entry;
      current.subscribers += 1;
      if (current.lastQuote) subscriber.next({ type: 'quote', quote: current.lastQuote });
      if (current.lastStatus && current.lastStatus.status !== 'live') subscriber.next(current.lastStatus);
      const inner = current.updates.subscribe({
        next: (update) => subscriber.next(update),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });

      const forget = (): void => {
        if (shared.get(symbol) === current) shared.delete(symbol);
      };
      if (isNew) {
        // an upstream that ends synchronously leaves a closed subscription here: unsubscribing it is a no-op
        current.upstream = definition.connect(symbol).subscribe({
          next: (update) => {
            if (update.type === 'quote') {
              if (!usable(update.quote)) return;
              current.lastQuote = update.quote;
            } else current.lastStatus = update;
            current.updates.next(update);
          },
          error: (error: unknown) => {
            forget();
            current.updates.error(error);
          },
          complete: () => {
            forget();
            current.updates.complete();
          },
        });
      }

      return () => {
        inner.unsubscribe();
        current.subscribers -= 1;
        if (current.subscribers === 0) {
          forget();
          current.upstream?.unsubscribe();
          current.upstream = undefined;
        }
      };
    });

  const watch = (symbol: string): Observable<QuoteUpdate> =>
    new Observable<QuoteUpdate>((subscriber) => {
      let normalized: string;
      try {
        normalized = normalize(symbol);
      } catch (error) {
        subscriber.error(error);
        return;
      }
      return watchNormalized(normalized).subscribe(subscriber);
    });

  const quote = async (symbol: string, options: QuoteOptions = {}): Promise<Quote> => {
    const normalized = normalize(symbol);
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const live = shared.get(normalized)?.lastQuote;
    if (live) return live;
    if (definition.quote) return checked(normalized, await definition.quote(normalized, { timeoutMs }));
    return firstValueFrom(
      watchNormalized(normalized).pipe(
        filter((update) => update.type === 'quote'),
        map((update) => update.quote),
        timeout({
          first: timeoutMs,
          scheduler,
          with: () => throwError(() => noQuoteTimeoutError(name, normalized, timeoutMs)),
        }),
      ),
    );
  };

  return { name, watch, quote, stats: () => addStats(ignored.stats(), definition.stats?.()) };
}
