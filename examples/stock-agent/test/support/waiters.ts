/**
 * Bounded, event-driven waiting for the simulator's tests: promises settled from the code that
 * records events, never by polling.
 */
import { FakeLiveWaitError } from '@livetools/core/testing';

/** What a wait allows by default: what comes within milliseconds here, with room for a loaded CI machine. */
export const WAIT_MS = 10_000;

interface Pending<T> {
  readonly match: (item: T) => boolean;
  readonly describe: () => string;
  readonly resolve: (item: T) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Pending waits on a stream of items: `offer` settles those that match; a wait times out or is closed. */
export class Waiters<T> {
  readonly #pending = new Set<Pending<T>>();
  #closedMessage: string | undefined;

  /** Waits for the next offered item that matches, at most `timeoutMs`. */
  wait(match: (item: T) => boolean, timeoutMs: number, describe: () => string): Promise<T> {
    if (this.#closedMessage !== undefined) return Promise.reject(closed(this.#closedMessage, describe));
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

  /** Settles every pending wait that `item` matches. */
  offer(item: T): void {
    for (const entry of this.#pending) {
      if (!entry.match(item)) continue;
      clearTimeout(entry.timer);
      this.#pending.delete(entry);
      entry.resolve(item);
    }
  }

  /** Rejects every pending wait, and every later one. */
  closeAll(message: string): void {
    this.#closedMessage = message;
    for (const entry of this.#pending) {
      clearTimeout(entry.timer);
      this.#pending.delete(entry);
      entry.reject(closed(message, entry.describe));
    }
  }
}

function closed(message: string, describe: () => string): FakeLiveWaitError {
  return new FakeLiveWaitError('closed', `${message} while waiting for ${describe()}`);
}
