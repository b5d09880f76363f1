/**
 * An upstream quote source driven by the test: `push(symbol, price)` emits a quote to the relay,
 * and it records when the relay subscribes and unsubscribes.
 */
import {
  defineQuoteSource,
  type QuoteSource,
  QuoteSourceError,
  type QuoteUpdate,
} from '@livetools/tools-stock';
import { Observable, Subject } from 'rxjs';

export interface PushedSource extends QuoteSource {
  /** Symbols with an upstream subscription now. */
  readonly active: Set<string>;
  /** How many times each symbol was subscribed. */
  readonly subscribes: Map<string, number>;
  push(symbol: string, price: number, time?: number): void;
  status(symbol: string, status: 'live' | 'stale' | 'reconnecting', reason?: string): void;
}

/** A source named `name` that accepts any non-empty symbol except `BAD` (UNKNOWN_SYMBOL). */
export function createPushedSource(name = 'pushed'): PushedSource {
  const active = new Set<string>();
  const subscribes = new Map<string, number>();
  const streams = new Map<string, Subject<QuoteUpdate>>();
  const defined = defineQuoteSource({
    name,
    normalizeSymbol: (symbol) => {
      if (symbol === 'BAD')
        throw new QuoteSourceError('UNKNOWN_SYMBOL', `${name} does not know BAD.`, { source: name });
      return symbol;
    },
    connect: (symbol) =>
      new Observable<QuoteUpdate>((subscriber) => {
        const stream = new Subject<QuoteUpdate>();
        streams.set(symbol, stream);
        active.add(symbol);
        subscribes.set(symbol, (subscribes.get(symbol) ?? 0) + 1);
        const inner = stream.subscribe(subscriber);
        return () => {
          inner.unsubscribe();
          active.delete(symbol);
          if (streams.get(symbol) === stream) streams.delete(symbol);
        };
      }),
  });
  return {
    ...defined,
    active,
    subscribes,
    push(symbol, price, time = Date.now()) {
      streams
        .get(symbol)
        ?.next({ type: 'quote', quote: { symbol, price, time, source: name, marketOpen: true } });
    },
    status(symbol, status, reason) {
      streams.get(symbol)?.next({
        type: 'status',
        status,
        symbol,
        time: Date.now(),
        ...(reason === undefined ? {} : { reason }),
      });
    },
  };
}
