/**
 * Test helpers: wait for a condition or a value (checked every few ms, bounded by a deadline),
 * collect a source's updates.
 */
import type { ChildProcess } from 'node:child_process';
import { finished } from 'node:stream/promises';
import type { QuoteSource, QuoteUpdate } from '@livetools/tools-stock';
import type { Subscription } from 'rxjs';

/** Default bound on a wait. */
const WAIT_MS = 5_000;

/**
 * Resolves with `probe()`'s first result that is not `undefined` or `false`; rejects after
 * `timeoutMs` naming `what`, followed by what `context` says then (e.g. a child's output). Waits
 * for a state, never for a fixed time.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = WAIT_MS,
  context?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const more = context ? `\n${context()}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${more}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `output` as a failure message shows it. */
export const printed = (output: string): string => `It printed:\n${output.trim() || '(nothing)'}`;

/**
 * Waits until `probe()` finds what a child process printed. Fails at once if the child exits first
 * (once the rest of its output is read: `exit` may come before it), and on a timeout, with
 * `output()`: everything it printed.
 */
export function waitForChild<T>(
  child: ChildProcess,
  probe: () => T | undefined | false,
  what: string,
  timeoutMs: number,
  output: () => string,
): Promise<T> {
  const shown = (): string => printed(output());
  return waitFor(
    async () => {
      const found = probe();
      if (found !== undefined && found !== false) return found;
      if (child.exitCode === null && child.signalCode === null) return undefined;
      await Promise.all(
        [child.stdout, child.stderr].map((stream) => stream && finished(stream).catch(() => {})),
      );
      const last = probe();
      if (last !== undefined && last !== false) return last;
      throw new Error(
        `The process exited (${child.exitCode ?? child.signalCode}) before ${what}. ${shown()}`,
      );
    },
    what,
    timeoutMs,
    shown,
  );
}

/** {@link waitForChild} for a child whose output (`output()`) should come to include `text`. */
export function waitForOutput(
  child: ChildProcess,
  output: () => string,
  text: string,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<true> {
  return waitForChild(child, () => output().includes(text), what, timeoutMs, output);
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
