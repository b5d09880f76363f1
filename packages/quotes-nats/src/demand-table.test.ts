import { describe, expect, it } from 'vitest';
import { createDemandTable } from './demand-table.js';

describe('demand table (virtual clock)', () => {
  it('keeps a symbol wanted while some lease is live, and reports it once nobody wants it', () => {
    let now = 1_000;
    const table = createDemandTable(() => now);
    expect(table.renew('a', ['AAPL', 'MSFT'], 300)).toEqual({ added: ['AAPL', 'MSFT'], released: [] });
    expect(table.renew('b', ['AAPL'], 600)).toEqual({ added: ['AAPL'], released: [] });
    expect(table.processes()).toBe(2);

    now += 299;
    expect(table.expire()).toEqual([]);
    now += 1; // a's lease ends at 1300
    expect(table.expire()).toEqual(['MSFT']);
    expect(table.wants('AAPL')).toBe(true);
    expect(table.wants('MSFT')).toBe(false);
    expect(table.processes()).toBe(1);

    now += 300; // b's lease ends at 1600
    expect(table.expire()).toEqual(['AAPL']);
    expect(table.symbols()).toEqual([]);
    expect(table.processes()).toBe(0);
  });

  it('renewing extends the lease; a smaller set releases what was dropped at once', () => {
    let now = 0;
    const table = createDemandTable(() => now);
    table.renew('a', ['AAPL', 'MSFT'], 300);
    now = 200;
    expect(table.renew('a', ['AAPL'], 300)).toEqual({ added: [], released: ['MSFT'] });
    now = 450; // the first lease would have ended at 300
    expect(table.expire()).toEqual([]);
    expect(table.wants('AAPL')).toBe(true);
    expect(table.renew('a', [], 300)).toEqual({ added: [], released: ['AAPL'] });
    expect(table.processes()).toBe(0);
  });

  it('counts a symbol named twice by one process once', () => {
    const table = createDemandTable(() => 0);
    table.renew('a', ['AAPL', 'AAPL'], 300);
    expect(table.renew('a', [], 300).released).toEqual(['AAPL']);
    expect(table.wants('AAPL')).toBe(false);
  });
});
