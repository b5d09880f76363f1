/**
 * The quotes behind the page's charts: while a `monitor_stock_price` call runs, every quote of its
 * symbol goes to the page (at most a few a second), so a chart plots the price itself and not
 * only the few moves reported to the model. The source shares one upstream per symbol, so this
 * costs no extra provider subscription.
 */
import type { QuoteSource } from '@livetools/tools-stock';
import { catchError, EMPTY, filter, map, type Subscription, throttleTime } from 'rxjs';
import type { Json, ServerMessage } from './protocol.js';

/** Quotes a chart gets per watched symbol, at most one per this many milliseconds (the newest one wins). */
export const CHART_QUOTE_INTERVAL_MS = 250;

/** The quote streams of one page, one per running watch. */
export class ChartQuotes {
  readonly #source: QuoteSource;
  readonly #send: (message: Extract<ServerMessage, { type: 'quote' }>) => void;
  readonly #streams = new Map<string, Subscription>();

  /** `send` receives each quote message for the page. */
  constructor(source: QuoteSource, send: (message: Extract<ServerMessage, { type: 'quote' }>) => void) {
    this.#source = source;
    this.#send = send;
  }

  /** A watch started: streams its symbol's quotes until {@link ChartQuotes.end}. Other calls are ignored. */
  start(callId: string, name: string, args: Json): void {
    if (name !== 'monitor_stock_price' || this.#streams.has(callId)) return;
    const symbol = isRecord(args) ? args.symbol : undefined;
    if (typeof symbol !== 'string') return;
    let updates: ReturnType<QuoteSource['watch']>;
    try {
      updates = this.#source.watch(symbol);
    } catch {
      return; // the tool itself reports what is wrong with the symbol
    }
    const subscription = updates
      .pipe(
        filter((update) => update.type === 'quote'),
        map((update) => update.quote),
        filter((quote) => Number.isFinite(quote.price) && Number.isFinite(quote.time)),
        throttleTime(CHART_QUOTE_INTERVAL_MS, undefined, { leading: true, trailing: true }),
        catchError(() => EMPTY),
      )
      .subscribe((quote) =>
        this.#send({ type: 'quote', callId, symbol: quote.symbol, price: quote.price, time: quote.time }),
      );
    // a source that failed at once has already finished: nothing to keep
    if (!subscription.closed) this.#streams.set(callId, subscription);
  }

  /** A call ended: its quotes stop. */
  end(callId: string): void {
    this.#streams.get(callId)?.unsubscribe();
    this.#streams.delete(callId);
  }

  /** The page went away: every stream stops. */
  close(): void {
    for (const subscription of this.#streams.values()) subscription.unsubscribe();
    this.#streams.clear();
  }
}

function isRecord(value: Json): value is { readonly [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
