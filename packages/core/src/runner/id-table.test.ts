import fc from 'fast-check';
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

  it('answers like a Map in insertion order under any mix of sets, deletes and lookups (the slot for the oldest id and clear() included)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('set', 'set', 'delete', 'has', 'get', 'clear'),
            fc.integer({ min: 0, max: 5 }),
          ),
          {
            minLength: 20,
            maxLength: 200,
          },
        ),
        (ops) => {
          const table = new IdTable<number>();
          const model = new Map<string, number>();
          ops.forEach(([op, k], step) => {
            const id = k === 0 ? '' : `call-${k}`;
            if (op === 'set') {
              table.set(id, step);
              model.set(id, step);
            } else if (op === 'delete') expect(table.delete(id)).toBe(model.delete(id));
            else if (op === 'has') expect(table.has(id)).toBe(model.has(id));
            else if (op === 'clear') {
              table.clear();
              model.clear();
            } else expect(table.get(id)).toBe(model.get(id));
            expect(table.size).toBe(model.size);
            expect(table.list()).toEqual([...model.values()]);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
