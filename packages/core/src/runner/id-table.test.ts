import { describe, expect, it } from 'vitest';
import type { CallRecord } from './call-record.js';
import { IdTable } from './id-table.js';

const record = (id: string) => ({ id, name: 'watch' }) as CallRecord;

describe('IdTable', () => {
  it('lists its calls in arrival order and counts only them, empty or not', () => {
    const table = new IdTable<CallRecord>();
    expect(table.size).toBe(0);
    expect(table.list()).toEqual([]);
    const a = record('a');
    const b = record('b');
    table.set('a', a);
    table.set('b', b);
    expect(table.size).toBe(2);
    expect(table.list()).toEqual([a, b]);
    expect(table.delete('a')).toBe(true);
    expect(table.delete('a')).toBe(false);
    expect(table.delete('b')).toBe(true);
    expect(table.size).toBe(0);
    expect(table.list()).toEqual([]);
    table.set('c', record('c'));
    expect(table.list().map((r) => r.id)).toEqual(['c']);
  });

  it('knows no id it was not given, whatever the string (the entry that keeps it from emptying has no string key)', () => {
    const table = new IdTable<CallRecord>();
    for (const id of ['', 'undefined', 'livetools.id-table.keep', 'Symbol(livetools.id-table.keep)']) {
      expect(table.has(id)).toBe(false);
      expect(table.get(id)).toBeUndefined();
      expect(table.delete(id)).toBe(false);
    }
    expect(table.size).toBe(0);
  });
});
