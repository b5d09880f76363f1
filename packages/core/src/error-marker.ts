/**
 * The one error pattern of livetools' packages, public so that tool packages follow it too: every
 * error class marks its instances with `Symbol.for('livetools.error.<name>')`, and its static
 * `isInstance` looks for that marker, so an error made by another copy of a package (two versions
 * installed side by side, or one bundled twice) is still recognised, where `instanceof` would say
 * no. See the errors guide, "Your own error classes".
 *
 * @packageDocumentation
 */

/**
 * The marker of the error class named `className`: a registered symbol, the same in every copy of
 * every package. livetools' own classes pass their class name (`'QuoteSourceError'`); a class of
 * another package passes a name no other package uses, such as its package name and class name
 * (`'@acme/tools-feed/FeedError'`), so that two packages' `FeedError`s stay apart.
 *
 * @example
 * ```ts
 * const marker = errorMarker('@acme/tools-feed/FeedError');
 * // Symbol.for('livetools.error.@acme/tools-feed/FeedError')
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
 * const marker = errorMarker('@acme/tools-feed/FeedError');
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
 * const marker = errorMarker('@acme/tools-feed/FeedError');
 * hasErrorMarker(new FeedError('down'), marker); // true
 * hasErrorMarker({ code: 'DOWN' }, marker); // false
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
