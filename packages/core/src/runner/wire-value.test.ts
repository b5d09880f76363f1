import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_WIRE_DEPTH, toWireValue, WireRefusal } from './wire-value.js';

/** The refusal for `value`, as `path problem` (fails the test when the value is accepted). */
function refused(value: unknown): string {
  const out = toWireValue(value);
  if (!(out instanceof WireRefusal)) throw new Error(`accepted: ${JSON.stringify(out)}`);
  expect(out.hint.length).toBeGreaterThan(10);
  return `${out.path} ${out.problem}`;
}

/**
 * True when `parsed` (what JSON gave back) is `value` member for member: the same primitives by
 * `===` (so NaN never is, and -0 is 0), the same keys in the same order, arrays for arrays and
 * plain objects (of Object's prototype or none) for the rest: JSON knows no other kind.
 */
function readsBackAs(parsed: unknown, value: unknown): boolean {
  if (typeof value !== 'object' || value === null || typeof parsed !== 'object' || parsed === null) {
    return parsed === value;
  }
  if (Array.isArray(value) !== Array.isArray(parsed)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return false; // a Map, a Date...
  const keys = Object.keys(value);
  const parsedKeys = Object.keys(parsed);
  if (keys.length !== parsedKeys.length || keys.some((key, i) => key !== parsedKeys[i])) return false;
  const v = value as Record<string, unknown>;
  const p = parsed as Record<string, unknown>;
  return keys.every((key) => readsBackAs(p[key], v[key]));
}

describe('toWireValue: plain JSON goes through untouched', () => {
  it('returns the same object, not a copy, for plain data', () => {
    const value = { a: 'x', b: [1, 2.5, -0, true, null], c: { d: { e: 'deep' } }, n: Number.MAX_VALUE };
    expect(toWireValue(value)).toBe(value);
    const list = [{ a: 1 }, { b: 2 }];
    expect(toWireValue(list)).toBe(list);
    for (const primitive of ['s', 0, 1.5, true, false, null]) expect(toWireValue(primitive)).toBe(primitive);
  });

  it('accepts a value shared by two branches (not a cycle) and null-prototype objects', () => {
    const shared = { x: 1 };
    const value = { a: shared, b: [shared, shared] };
    expect(toWireValue(value)).toBe(value);
    const bare = Object.assign(Object.create(null), { k: 1 });
    expect(toWireValue(bare)).toBe(bare);
  });

  it('never changes the tool’s own value', () => {
    const value = { at: new Date(0), gone: undefined, keep: 1 };
    toWireValue(value);
    expect(Object.keys(value)).toEqual(['at', 'gone', 'keep']);
    expect(value.at).toBeInstanceOf(Date);
  });
});

describe('toWireValue against JSON itself (properties)', () => {
  it('returns any JSON value it is given as it is, at every nesting and member type', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(toWireValue(value)).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('sends what JSON makes of any value it accepts, and refuses only what JSON would change or reject', () => {
    // Trees of JSON data with, now and then, a member JSON would change, drop or reject.
    const oddity = fc.constantFrom<unknown>(
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      10n,
      () => 1,
      Symbol('s'),
      new Date(0),
      new Date(Number.NaN),
      new Map([[1, 2]]),
      new Set([1]),
      new Uint8Array(2),
      Object(1),
      Object('boxed'),
      { toJSON: () => 'from toJSON' },
      Object.defineProperty({ a: 1 }, 'toJSON', { value: () => 10n, enumerable: false }),
      Object.assign(Object.create(null), { bare: true }),
    );
    const { tree } = fc.letrec<{ tree: unknown; member: unknown }>((tie) => ({
      member: fc.oneof(
        { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
        { weight: 1, arbitrary: oddity },
      ),
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        tie('member'),
        fc.array(tie('tree'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie('tree'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(tree, (value) => {
        const out = toWireValue(value);
        let json: string | undefined;
        try {
          json = JSON.stringify(value);
        } catch {
          // A BigInt: JSON throws, so it must be refused.
          expect(out).toBeInstanceOf(WireRefusal);
          return;
        }
        if (out instanceof WireRefusal) {
          // Refused: JSON would not give back what the tool sent (a member lost, changed or dropped).
          expect(readsBackAs(JSON.parse(json ?? 'null'), value)).toBe(false);
          return;
        }
        // Accepted: the wire carries exactly what JSON makes of the original value, and JSON
        // gives that back unchanged.
        expect(JSON.stringify(out)).toBe(json ?? 'null');
        expect(readsBackAs(JSON.parse(JSON.stringify(out)), out)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('toWireValue: safe conversions', () => {
  it('a Date becomes its ISO string', () => {
    expect(toWireValue({ at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)) })).toEqual({
      at: '2025-01-02T03:04:05.000Z',
    });
  });

  it('an undefined property is left out; an undefined value as a whole becomes null', () => {
    const out = toWireValue({ a: 1, b: undefined, c: { d: undefined, e: 2 } });
    expect(out).toEqual({ a: 1, c: { e: 2 } });
    expect(Object.keys(out as object)).toEqual(['a', 'c']);
    expect(toWireValue(undefined)).toBe(null);
  });

  it('toJSON() is honoured, and what it returns is checked in turn', () => {
    expect(toWireValue({ money: { toJSON: () => '12.50 EUR' } })).toEqual({ money: '12.50 EUR' });
    expect(refused({ money: { toJSON: () => 12n } })).toBe('result.money is a BigInt');
  });

  it("an array's toJSON() is honoured too, as JSON.stringify calls it, and what it returns is checked", () => {
    const withToJSON = (list: unknown[], toJSON: () => unknown) =>
      Object.defineProperty(list, 'toJSON', { value: toJSON, enumerable: false });
    const priced = withToJSON([1, 2], () => ({ total: 3 }));
    expect(toWireValue({ list: priced })).toEqual({ list: { total: 3 } });
    expect(JSON.stringify({ list: priced })).toBe('{"list":{"total":3}}');
    expect(refused({ list: withToJSON([1], () => 12n) })).toBe('result.list is a BigInt');
    expect(
      refused({
        list: withToJSON([1], () => {
          throw new Error('nope');
        }),
      }),
    ).toBe('result.list could not be read (nope)');
    // An array that gives itself stays an array, checked member by member.
    const self: unknown[] = withToJSON([1, 'a'], () => self);
    expect(toWireValue(self)).toBe(self);
    expect(
      refused(
        withToJSON([1, 2n], function (this: unknown) {
          return this;
        }),
      ),
    ).toBe('result[1] is a BigInt');
    // As the value itself, and inside an array.
    expect(toWireValue(withToJSON([], () => 'as text'))).toBe('as text');
    expect(toWireValue([withToJSON([], () => 'inner')])).toEqual(['inner']);
  });

  it('boxed primitives become primitives; Symbol keys and non-enumerable properties are ignored, as JSON does', () => {
    const value = { s: Object('text'), n: Object(2), [Symbol('meta')]: 1 };
    Object.defineProperty(value, 'hidden', { value: 1n, enumerable: false });
    expect(toWireValue(value)).toEqual({ s: 'text', n: 2 });
  });

  it('keeps an own "__proto__" key as data', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "at": 0}') as Record<string, unknown>;
    value.at = new Date(0);
    const out = toWireValue(value) as Record<string, unknown>;
    expect(JSON.stringify(out)).toBe('{"__proto__":{"x":1},"at":"1970-01-01T00:00:00.000Z"}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('toWireValue: refusals name the path and the problem', () => {
  const cyclic: Record<string, unknown> = { list: [] };
  (cyclic.list as unknown[]).push({ back: cyclic });
  const throwingGetter = {
    get price(): number {
      throw new Error('feed gone');
    },
  };
  const trap = new Proxy(
    {},
    {
      ownKeys: () => {
        throw new Error('trap');
      },
    },
  );
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const cases: [string, unknown, string][] = [
    ['BigInt', { results: [{}, {}, {}, { orderId: 1n }] }, 'result.results[3].orderId is a BigInt'],
    ['NaN', { ratio: Number.NaN }, 'result.ratio is NaN'],
    ['Infinity', [Number.POSITIVE_INFINITY], 'result[0] is Infinity'],
    ['-Infinity', -Infinity, 'result is -Infinity'],
    ['a function', { onClick() {} }, 'result.onClick is a function'],
    ['a Symbol', { kind: Symbol('k') }, 'result.kind is a Symbol'],
    ['an undefined array element', [1, undefined], 'result[1] is undefined (or an empty slot)'],
    ['an empty slot', new Array(3).fill(1, 0, 1), 'result[1] is undefined (or an empty slot)'],
    ['an invalid Date', { at: new Date(Number.NaN) }, 'result.at is an invalid Date'],
    ['a Map', { m: new Map([[1, 2]]) }, 'result.m is a Map'],
    ['a Set', { s: new Set([1]) }, 'result.s is a Set'],
    ['a WeakMap', { w: new WeakMap() }, 'result.w is a WeakMap'],
    ['a Promise', { p: Promise.resolve(1) }, 'result.p is a Promise'],
    ['a Uint8Array', { bytes: new Uint8Array(2) }, 'result.bytes is a Uint8Array'],
    ['an ArrayBuffer', { buf: new ArrayBuffer(2) }, 'result.buf is an ArrayBuffer'],
    ['a cycle', cyclic, 'result.list[0].back refers back to result (a cycle)'],
    ['a key that is not an identifier', { 'two words': 1n }, 'result["two words"] is a BigInt'],
    ['a getter that throws', { quote: throwingGetter }, 'result.quote.price could not be read (feed gone)'],
    ['a Proxy whose traps throw', { p: trap }, 'result.p could not be read (trap)'],
    ['a revoked Proxy', { p: revoked.proxy }, 'result.p could not be read'],
    [
      'a toJSON that throws',
      {
        t: {
          toJSON: () => {
            throw new Error('nope');
          },
        },
      },
      'result.t could not be read (nope)',
    ],
  ];
  for (const [label, value, expected] of cases) {
    it(`refuses ${label}`, () => {
      expect(refused(value)).toContain(expected);
    });
  }

  it(`refuses nesting deeper than ${MAX_WIRE_DEPTH} levels, without overflowing the stack`, () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(refused(deep)).toMatch(new RegExp(`is nested deeper than ${MAX_WIRE_DEPTH} levels$`));
    let ok: unknown = 1;
    for (let i = 0; i < MAX_WIRE_DEPTH; i++) ok = [ok];
    expect(toWireValue(ok)).toBe(ok);
    expect(refused([ok])).toMatch(new RegExp(`is nested deeper than ${MAX_WIRE_DEPTH} levels$`));
  });

  it('names the path of the ancestor a cycle refers back to', () => {
    const inner: Record<string, unknown> = {};
    inner.self = inner;
    expect(refused({ a: { b: inner } })).toBe('result.a.b.self refers back to result.a.b (a cycle)');
  });
});
