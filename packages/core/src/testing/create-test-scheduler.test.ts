import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { createTestScheduler } from './index.js';

describe('createTestScheduler', () => {
  it('asserts through the given expect, so asymmetric matchers work in marbles', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b|', { a: { n: 1 }, b: { n: 2 } })).toBe('a-b|', {
        a: { n: expect.any(Number) },
        b: { n: 2 },
      });
    });
  });

  it('fails a marble that does not match, through expect', () => {
    const ts = createTestScheduler(expect);
    expect(() =>
      ts.run(({ cold, expectObservable }) => {
        expectObservable(cold('a|')).toBe('b|');
      }),
    ).toThrow();
  });

  it("uses node:assert's deepStrictEqual without an expect", () => {
    const ts = createTestScheduler();
    ts.run(({ cold, expectObservable }) => expectObservable(cold('a|')).toBe('a|'));
    const failing = createTestScheduler();
    expect(() =>
      failing.run(({ cold, expectObservable }) => {
        expectObservable(cold('a|')).toBe('a-|');
      }),
    ).toThrow(AssertionError);
  });
});
