/**
 * Test helpers: wait for a condition or a value (checked every few ms, bounded by a deadline),
 * collect a source's updates.
 */
import type { QuoteSource, QuoteUpdate } from '@livetools/tools-stock';
import type { Subscription } from 'rxjs';

/** Default bound on a wait. */
const WAIT_MS = 5_000;

/**
 * Resolves with `probe()`'s first result that is not `undefined` or `false`; rejects after
 * `timeoutMs` naming `what`. Waits for a state, never for a fixed time.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every update of one watch, and its end. */
export interface Watcher {
  readonly updates: QuoteUpdate[];
  readonly prices: () => number[];
  error: unknown;
  completed: boolean;
  subscription: Subscription;
  /** Resolves once `count` quotes arrived. */
  quotes(count: number, timeoutMs?: number): Promise<QuoteUpdate[]>;
  /** Resolves once the watch failed, with the error. */
  failed(timeoutMs?: number): Promise<unknown>;
}

/** Watches `symbol` on `source`, recording everything. */
export function watchAll(source: QuoteSource, symbol: string): Watcher {
  const updates: QuoteUpdate[] = [];
  const watcher: Watcher = {
    updates,
    prices: () => updates.flatMap((u) => (u.type === 'quote' ? [u.quote.price] : [])),
    error: undefined,
    completed: false,
    subscription: undefined as unknown as Subscription,
    quotes: (count, timeoutMs) =>
      waitFor(
        () => {
          if (watcher.error) throw watcher.error;
          const quotes = updates.filter((u) => u.type === 'quote');
          return quotes.length >= count && quotes;
        },
        `${count} quotes of ${symbol}`,
        timeoutMs,
      ),
    failed: (timeoutMs) => waitFor(() => watcher.error, `an error watching ${symbol}`, timeoutMs),
  };
  watcher.subscription = source.watch(symbol).subscribe({
    next: (update) => updates.push(update),
    error: (error: unknown) => {
      watcher.error = error;
    },
    complete: () => {
      watcher.completed = true;
    },
  });
  return watcher;
}
