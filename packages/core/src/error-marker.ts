/**
 * The one error pattern of livetools' packages: every error class marks its instances with
 * `Symbol.for('livetools.error.<ClassName>')`, and its static `isInstance` looks for that marker,
 * so an error made by another copy of a package (two versions installed side by side, or one
 * bundled twice) is still recognised, where `instanceof` would say no.
 *
 * @packageDocumentation
 */

/**
 * The marker of the error class named `className`: a registered symbol, the same in every copy of
 * every package.
 *
 * @example
 * ```ts
 * const marker = errorMarker('QuoteSourceError'); // Symbol.for('livetools.error.QuoteSourceError')
 * ```
 */
export function errorMarker(className: string): symbol {
  return Symbol.for(`livetools.error.${className}`);
}

/**
 * Marks `error` as an instance of the class whose marker is `marker` (call it in that class's
 * constructor). The marker is not enumerable, so it never shows in logs or JSON.
 *
 * @example
 * ```ts
 * const marker = errorMarker('FeedError');
 * class FeedError extends Error {
 *   constructor(message: string) {
 *     super(message);
 *     markError(this, marker);
 *   }
 * }
 * ```
 */
export function markError(error: Error, marker: symbol): void {
  Object.defineProperty(error, marker, { value: true });
}

/**
 * True when `value` carries `marker`. Never throws: a Proxy whose traps throw or a revoked Proxy
 * is simply not an instance.
 *
 * @example
 * ```ts
 * hasErrorMarker(new FeedError('down'), errorMarker('FeedError')); // true
 * hasErrorMarker({ code: 'DOWN' }, errorMarker('FeedError')); // false
 * ```
 */
export function hasErrorMarker(value: unknown, marker: symbol): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  try {
    return (value as Record<symbol, unknown>)[marker] === true;
  } catch {
    return false; // a Proxy whose traps throw, a revoked Proxy: not ours
  }
}
