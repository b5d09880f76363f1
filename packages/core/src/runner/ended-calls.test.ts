import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EndedCallIds } from './ended-calls.js';

describe('EndedCallIds', () => {
  it('forgets the oldest ids first once past its capacity, however many have ended', () => {
    const ended = new EndedCallIds(3);
    for (let i = 0; i < 10; i++) ended.add(`c${i}`);
    expect([...Array(10).keys()].filter((i) => ended.has(`c${i}`))).toEqual([7, 8, 9]);
  });

  it('keeps an id added twice in its first place (it is forgotten when its turn comes, not later)', () => {
    const ended = new EndedCallIds(2);
    ended.add('a');
    ended.add('b');
    ended.add('a');
    ended.add('c');
    expect(ended.has('a')).toBe(false);
    expect(ended.has('b')).toBe(true);
    expect(ended.has('c')).toBe(true);
  });

  it('keeps the characters of the id it adds, whatever it was asked about in between', () => {
    const ended = new EndedCallIds(4);
    expect(ended.has('call-1')).toBe(false);
    expect(ended.has('other-id-longer')).toBe(false);
    ended.add('call-1');
    expect(ended.has('other-id-longer')).toBe(false);
    expect(ended.has('call-1')).toBe(true);
    // asked (absent), then added twice: the second add finds it
    expect(ended.has('\u00e9t\u00e9')).toBe(false);
    ended.add('\u00e9t\u00e9');
    ended.add('\u00e9t\u00e9');
    ended.add('call-2');
    ended.add('call-3');
    // four distinct ids in a ring of four: all remembered, none twice
    expect(['call-1', '\u00e9t\u00e9', 'call-2', 'call-3'].map((id) => ended.has(id))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    ended.add('call-4');
    expect(ended.has('call-1')).toBe(false);
    expect(ended.has('call-4')).toBe(true);
  });

  it('remembers nothing with a capacity of 0', () => {
    const ended = new EndedCallIds(0);
    ended.add('a');
    expect(ended.has('a')).toBe(false);
  });
});

/**
 * The ids of the property test: short ASCII ones, as Gemini's, and the kinds the ring keeps as
 * strings rather than in its byte array (longer than 64 characters, or with one above U+00FF),
 * so that a ring position passes from one kind to the other as the ring wraps.
 */
function idOf(n: number): string {
  switch (n % 4) {
    case 0:
      return `function-call-${n}`;
    case 1:
      return `${'x'.repeat(64)}-${n}`;
    case 2:
      return `\u0436-${n}`;
    default:
      return `\u00e9-${n}`;
  }
}

describe('EndedCallIds against a plain list', () => {
  it('answers `has` as a list of the last `capacity` distinct ids would, through growth, wrap-around and ids that share hash slots', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        // few distinct ids, so that ids come back, and many operations, so that the ring wraps
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 120 })), {
          minLength: 100,
          maxLength: 600,
        }),
        (capacity, operations) => {
          const ended = new EndedCallIds(capacity);
          const model: string[] = [];
          for (const [isAdd, n] of operations) {
            const id = idOf(n);
            if (isAdd) {
              if (capacity > 0 && !model.includes(id)) {
                model.push(id);
                if (model.length > capacity) model.shift();
              }
              ended.add(id);
            } else expect(ended.has(id)).toBe(model.includes(id));
          }
          for (let n = 0; n <= 120; n++) expect(ended.has(idOf(n))).toBe(model.includes(idOf(n)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tells apart ids of any length and content, the empty id included', () => {
    const ended = new EndedCallIds(5);
    const ids = ['', 'a', 'a'.repeat(10_000), '\u{1F600}', 'id\u0000x'];
    for (const id of ids) ended.add(id);
    for (const id of ids) expect(ended.has(id)).toBe(true);
    expect(ended.has('a'.repeat(9_999))).toBe(false);
    expect(ended.has('id\u0000y')).toBe(false);
    ended.add('next');
    expect(ended.has('')).toBe(false);
    expect(ended.has('next')).toBe(true);
  });

  it('tells apart ids at the bounds of what it keeps as bytes: 64 characters, and U+00FF', () => {
    const ended = new EndedCallIds(8);
    const ids = ['a'.repeat(64), 'a'.repeat(65), 'a\u00ff', 'a\u0100', 'a\u0200'];
    for (const id of ids) ended.add(id);
    for (const id of ids) expect(ended.has(id)).toBe(true);
    // A character above U+00FF is not cut to its low byte.
    expect(ended.has('a\u0000')).toBe(false);
    expect(ended.has('a'.repeat(63))).toBe(false);
    expect(ended.has('a'.repeat(66))).toBe(false);
  });
});
