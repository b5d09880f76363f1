import type { Observable, Subscription } from 'rxjs';
import type { Quote, QuoteFeedStatus, QuoteUpdate } from '../../src/quote-source.js';
import { ChangeNotifier } from './wait-until.js';

/** Subscribes to a stream of quote updates and lets a test await what it emits. */
export class UpdateRecorder implements Disposable {
  readonly updates: QuoteUpdate[] = [];
  error: unknown;
  private readonly changes = new ChangeNotifier();
  private readonly subscription: Subscription;

  constructor(stream: Observable<QuoteUpdate>) {
    this.subscription = stream.subscribe({
      next: (update) => {
        this.updates.push(update);
        this.changes.notify();
      },
      error: (error: unknown) => {
        this.error = error;
        this.changes.notify();
      },
    });
  }

  get quotes(): Quote[] {
    return this.updates.flatMap((update) => (update.type === 'quote' ? [update.quote] : []));
  }

  get statuses(): QuoteFeedStatus[] {
    return this.updates.flatMap((update) => (update.type === 'status' ? [update.status] : []));
  }

  /** Waits for the n-th quote (1-based) and returns it. */
  nthQuote(n: number): Promise<Quote> {
    return this.changes.until(() => this.quotes[n - 1], `quote #${n}`);
  }

  /** Waits for a quote at `price`. */
  quoteAt(price: number): Promise<Quote> {
    return this.changes.until(
      () => this.quotes.find((quote) => quote.price === price),
      `a quote at ${price}`,
    );
  }

  /** Waits for a status update. */
  status(status: QuoteFeedStatus): Promise<QuoteUpdate> {
    return this.changes.until(
      () => this.updates.find((update) => update.type === 'status' && update.status === status),
      `status ${status}`,
    );
  }

  /** Waits for the stream to fail and returns the error. */
  failure(): Promise<unknown> {
    return this.changes.until(() => this.error, 'an error');
  }

  unsubscribe(): void {
    this.subscription.unsubscribe();
  }

  [Symbol.dispose](): void {
    this.unsubscribe();
  }
}
