/**
 * The host's real timers, read once when the testing kit loads, so that a test framework's fake
 * timers installed later (`vi.useFakeTimers()`) cannot stop the kit's own waits.
 *
 * @packageDocumentation
 */

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetImmediate: (callback: () => void) => unknown =
  typeof globalThis.setImmediate === 'function'
    ? globalThis.setImmediate
    : (callback) => realSetTimeout(callback, 0);
const realPerformance = globalThis.performance;

/** @internal Resolves on the next turn of the event loop, after every pending microtask. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    realSetImmediate(resolve);
  });
}

/** @internal Milliseconds on a monotonic real clock. */
export function realNow(): number {
  return realPerformance.now();
}

/** @internal Calls `callback` after `ms` real milliseconds; the returned function cancels it. */
export function realTimeout(callback: () => void, ms: number): () => void {
  const handle = realSetTimeout(callback, ms);
  return () => realClearTimeout(handle);
}
