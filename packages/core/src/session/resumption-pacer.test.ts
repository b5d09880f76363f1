import { describe, expect, it } from 'vitest';
import { ResumptionPacer } from './resumption-pacer.js';

function pacer(maxConsecutive = 4) {
  let now = 0;
  const p = new ResumptionPacer(
    { initialDelayMs: 100, maxDelayMs: 1000, maxConsecutive, stableAfterMs: 60_000 },
    () => now,
  );
  return { p, advance: (ms: number) => (now += ms) };
}

describe('ResumptionPacer', () => {
  it('within one resumption: the first attempt at once, then doubling up to maxDelayMs', () => {
    const { p } = pacer();
    expect(p.begin()).toBe(true);
    expect([1, 2, 3, 4, 5, 6].map((a) => p.waitBefore(a))).toEqual([0, 100, 200, 400, 800, 1000]);
  });

  it('goAway on every connection: resumptions in a row back off, and the one past maxConsecutive is refused', () => {
    const { p, advance } = pacer(4);
    const firstWaits: number[] = [];
    for (let k = 1; k <= 4; k++) {
      expect(p.begin()).toBe(true);
      firstWaits.push(p.waitBefore(1));
      advance(10);
      p.connected();
      advance(10); // sent away again after 10 ms
    }
    expect(firstWaits).toEqual([0, 100, 200, 400]);
    expect(p.begin()).toBe(false);
    expect(p.inARow).toBe(5);
  });

  it('a connection that lasted stableAfterMs starts a new series', () => {
    const { p, advance } = pacer(2);
    p.begin();
    p.connected();
    p.begin();
    p.connected();
    advance(60_000);
    expect(p.begin()).toBe(true);
    expect(p.inARow).toBe(1);
    expect(p.waitBefore(1)).toBe(0);
  });
});
