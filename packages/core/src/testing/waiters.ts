/**
 * Bounded, event-driven waiting: promises settled from the code that records events, never by polling.
 *
 * @internal
 * @packageDocumentation
 */

import { FakeLiveWaitError } from './fake-live-wait-error.js';

interface Pending<T> {
  readonly match: (item: T) => boolean;
  readonly describe: () => string;
  readonly resolve: (item: T) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * A set of pending waits on a stream of items. `offer` settles every wait whose predicate matches;
 * a wait rejects with a {@link FakeLiveWaitError} when its timeout passes or `closeAll` is called.
 * `describe` returns what is awaited and what was seen (`"a tool response for \"x\"; seen: ..."`).
 *
 * @internal
 */
export class Waiters<T> {
  readonly #pending = new Set<Pending<T>>();
  #closedMessage: string | undefined;

  /** Waits for the next offered item that matches. */
  wait(match: (item: T) => boolean, timeoutMs: number, describe: () => string): Promise<T> {
    if (this.#closedMessage !== undefined) {
      return Promise.reject(closedError(this.#closedMessage, describe));
    }
    return new Promise<T>((resolve, reject) => {
      const entry: Pending<T> = {
        match,
        describe,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#pending.delete(entry);
          reject(
            new FakeLiveWaitError('timeout', `Timed out after ${timeoutMs} ms waiting for ${describe()}`),
          );
        }, timeoutMs),
      };
      this.#pending.add(entry);
    });
  }

  /** Settles every pending wait that `item` matches. A predicate that throws rejects its wait. */
  offer(item: T): void {
    for (const entry of this.#pending) {
      let matched: boolean;
      try {
        matched = entry.match(item);
      } catch (error) {
        this.#remove(entry);
        entry.reject(error);
        continue;
      }
      if (matched) {
        this.#remove(entry);
        entry.resolve(item);
      }
    }
  }

  /** Rejects every pending wait, and every later one, because no more items will come. */
  closeAll(message: string): void {
    this.#closedMessage = message;
    for (const entry of this.#pending) {
      this.#remove(entry);
      entry.reject(closedError(message, entry.describe));
    }
  }

  #remove(entry: Pending<T>): void {
    clearTimeout(entry.timer);
    this.#pending.delete(entry);
  }
}

/**
 * Items each handed out once, in arrival order, to the first wait that asks: at once when one is
 * waiting, else when it arrives. Rejects like {@link Waiters}.
 *
 * @internal
 */
export class Inbox<T> {
  readonly #unclaimed: T[] = [];
  readonly #waiters = new Waiters<T>();

  /** Hands `item` to the oldest pending wait, or keeps it for the next one. */
  add(item: T): void {
    this.#unclaimed.push(item);
    this.#waiters.offer(item);
  }

  /** The oldest item no earlier call took, now or when it arrives. */
  take(timeoutMs: number, describe: () => string): Promise<T> {
    const next = this.#unclaimed.shift();
    if (next !== undefined) return Promise.resolve(next);
    const claim = (item: T): boolean => {
      const index = this.#unclaimed.indexOf(item);
      if (index < 0) return false;
      this.#unclaimed.splice(index, 1);
      return true;
    };
    return this.#waiters.wait(claim, timeoutMs, describe);
  }

  /** Rejects every pending take, and every later one that finds nothing waiting. */
  closeAll(message: string): void {
    this.#waiters.closeAll(message);
  }
}

function closedError(message: string, describe: () => string): FakeLiveWaitError {
  return new FakeLiveWaitError('closed', `${message} while waiting for ${describe()}`);
}
