import { deepStrictEqual } from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';

/**
 * An `expect` of vitest, Jest or a look-alike: `expect(actual).toEqual(expected)` throws when the
 * two differ.
 */
export type ExpectLike = (actual: unknown) => {
  /** Throws when `actual` does not deep-equal `expected`. */
  toEqual(expected: unknown): unknown;
};

/**
 * Makes an RxJS `TestScheduler` whose deep-equality assertion is `expect(actual).toEqual(expected)`
 * (so asymmetric matchers such as `expect.any(Number)` work in marbles), or Node's
 * `assert.deepStrictEqual` when no `expect` is given. Use it for tools that do no I/O, with
 * `run()` and marbles; for tools that await promises, use {@link createVirtualClock}.
 *
 * @param expect - The test framework's `expect`.
 *
 * @example
 * ```ts
 * import { expect } from 'vitest';
 *
 * const ts = createTestScheduler(expect);
 * ts.run(({ cold, expectObservable }) => {
 *   expectObservable(cold('a-b|')).toBe('a-b|');
 * });
 * ```
 */
export function createTestScheduler(expect?: ExpectLike): TestScheduler {
  return new TestScheduler(
    expect === undefined
      ? (actual, expected) => deepStrictEqual(actual, expected)
      : (actual, expected) => {
          expect(actual).toEqual(expected);
        },
  );
}
