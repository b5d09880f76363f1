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

  it('remembers nothing with a capacity of 0', () => {
    const ended = new EndedCallIds(0);
    ended.add('a');
    expect(ended.has('a')).toBe(false);
  });
});
