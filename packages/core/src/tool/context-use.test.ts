import { describe, expect, it } from 'vitest';
import { markContextUse, mayReadContext, needsContext } from './context-use.js';

// Functions made from source text, so that each shape is exactly what the check reads.
const fn = (source: string) => new Function(`return (${source});`)() as (...args: never[]) => unknown;

describe('mayReadContext', () => {
  it.each([
    '() => 1',
    'x => x',
    'async x => x',
    'async => 1',
    '(args) => args',
    '({ a, b }) => ({ sum: a + b })',
    '({ a: { b, c } = {}, d = [1, 2] }) => b + c + d',
    '([first, second]) => first + second',
    '({ a = f(1, 2) }) => a',
    'async ({ symbol }) => symbol',
    'function (args) { return args; }',
    'function named({ a }) { return a; }',
    'async function (args) { return args; }',
    'function* (args) { yield args; }',
    'async function* gen(args) { yield args; }',
    '({ ...rest }) => rest',
    '(a = () => 1) => a',
    'x => f(x, 1)',
  ])('is false for %s: one parameter at most, nothing that reaches a second', (source) => {
    expect(mayReadContext(fn(source))).toBe(false);
  });

  it.each([
    '(args, ctx) => ctx',
    '({ a }, { signal }) => signal',
    '(args, ctx = undefined) => ctx',
    '(...all) => all[1]',
    '(args,) => args',
    'function (args) { return arguments[1]; }',
    'function (args) { return eval("arguments")[1]; }',
    'function (args) { return args.arguments; }',
    "(a = ')') => a",
    '(a = `,`) => a',
    '(a /* , ctx */) => a',
    '(a = /,/) => a',
    // Not a plain identifier: the first `(` found is in the body, and the check gives up.
    'ä => f(ä, 1)',
  ])('is true for %s', (source) => {
    expect(mayReadContext(fn(source))).toBe(true);
  });

  it('is true for methods with two parameters, bound and native functions, and classes', () => {
    const object = {
      execute(args: unknown, ctx: unknown) {
        return [args, ctx];
      },
      single(args: unknown) {
        return args;
      },
      'computed(a, b)'(args: unknown) {
        return args;
      },
    };
    expect(mayReadContext(object.execute)).toBe(true);
    expect(mayReadContext(object.single)).toBe(false);
    // The first `(` is inside the quoted name: the check gives up rather than read the wrong list.
    expect(mayReadContext(object['computed(a, b)'])).toBe(true);
    expect(mayReadContext(object.single.bind(object))).toBe(true);
    expect(mayReadContext(Math.max)).toBe(true);
    expect(mayReadContext(class Tool {} as never)).toBe(true);
  });

  it('is true for a function whose source cannot be read', () => {
    const { proxy, revoke } = Proxy.revocable(() => 1, {});
    revoke();
    expect(mayReadContext(proxy)).toBe(true);
  });

  it('reads the parameters, not `length`: a default value on a second parameter still counts', () => {
    const f = fn('(args, ctx = {}) => ctx');
    expect(f.length).toBe(1);
    expect(mayReadContext(f)).toBe(true);
  });
});

describe('markContextUse and needsContext', () => {
  it('marks the wrapper of a function that cannot read its context, and only that function', () => {
    const ignoring = markContextUse((a: unknown, c: unknown) => [a, c], fn('(args) => args'));
    const reading = markContextUse((a: unknown, c: unknown) => [a, c], fn('(args, ctx) => ctx'));
    expect(needsContext(ignoring)).toBe(false);
    expect(needsContext(reading)).toBe(true);
    // A tool copied with a new execute (a wrapper of its own) is not marked.
    const copy = { execute: (a: unknown, c: unknown) => ignoring(a as never, c as never) };
    expect(needsContext(copy.execute)).toBe(true);
    // The mark is not enumerable: it never shows in a spread or a listing.
    expect(
      Object.getOwnPropertySymbols(ignoring).map(
        (s) => Object.getOwnPropertyDescriptor(ignoring, s)?.enumerable,
      ),
    ).toEqual([false]);
  });
});
