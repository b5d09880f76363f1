import { Observable, type SchedulerLike, Subject } from 'rxjs';
import { defineQuoteSource } from '../../src/define-quote-source.js';
import type { QuoteUpdate } from '../../src/quote-source.js';

/** A quote source whose updates the test pushes per symbol; counts upstream subscriptions. */
export function pushedSource(scheduler?: SchedulerLike) {
  const feeds = new Map<string, Subject<QuoteUpdate>>();
  const upstreams = { active: 0, total: 0 };
  const source = defineQuoteSource({
    name: 'pushed',
    ...(scheduler ? { scheduler } : {}),
    connect: (symbol) =>
      new Observable<QuoteUpdate>((subscriber) => {
        upstreams.active += 1;
        upstreams.total += 1;
        const feed = new Subject<QuoteUpdate>();
        feeds.set(symbol, feed);
        const inner = feed.subscribe(subscriber);
        return () => {
          upstreams.active -= 1;
          inner.unsubscribe();
        };
      }),
  });
  /** Pushes a quote to the watchers of `symbol` (nothing when nobody watches it). */
  const quote = (symbol: string, price: number, time = 0): void =>
    feeds
      .get(symbol)
      ?.next({ type: 'quote', quote: { symbol, price, time, source: 'pushed', marketOpen: true } });
  return { source, upstreams, quote, feeds };
}
