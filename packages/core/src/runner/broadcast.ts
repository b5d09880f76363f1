import { Observable, type Subscriber } from 'rxjs';

/**
 * @internal
 * A hot stream of events for the runner's and the session's `events$`: what a `Subject` does for
 * them (every subscriber gets each value from the moment it subscribes; `complete` ends the
 * stream, and a later subscriber completes at once), at a lower cost per value. A `Subject` of
 * RxJS 7 runs each `next` in an error context and walks its observers with an iterator, which
 * makes a closure and an iterator per value; here a value is one loop over an array.
 *
 * The array is replaced (never changed in place) when a subscriber comes or goes, so a `next`
 * walks the subscribers there were when it began, as a `Subject` does: one that unsubscribes
 * meanwhile is closed already and ignores the value. A subscriber whose handler throws does
 * not stop the others: RxJS reports the error as it does for a `Subject`'s subscribers.
 */
export class Broadcast<T> {
  #subscribers: readonly Subscriber<T>[] = [];
  #completed = false;

  /** The stream to hand out; subscribing to it adds a subscriber. */
  readonly observable: Observable<T> = new Observable<T>((subscriber) => {
    if (this.#completed) {
      subscriber.complete();
      return undefined;
    }
    this.#subscribers = [...this.#subscribers, subscriber];
    return () => {
      this.#subscribers = this.#subscribers.filter((s) => s !== subscriber);
    };
  });

  /** True while someone subscribes. */
  get observed(): boolean {
    return this.#subscribers.length > 0;
  }

  /** Gives `value` to every subscriber; nothing after {@link complete}. */
  next(value: T): void {
    const subscribers = this.#subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(value);
  }

  /** Completes every subscriber and every later one. Safe to call twice. */
  complete(): void {
    if (this.#completed) return;
    this.#completed = true;
    const subscribers = this.#subscribers;
    this.#subscribers = [];
    for (const subscriber of subscribers) subscriber.complete();
  }
}
