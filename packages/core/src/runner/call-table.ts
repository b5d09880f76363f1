import type { CallRecord } from './call-record.js';

/** The key of the entry that keeps the table from emptying: no call id (a string) can equal it. */
const KEEP = Symbol('livetools.call-table.keep');

/**
 * @internal
 * The calls that are validating, queued or running, by id, in arrival order. A `Map` that never
 * empties: V8 shrinks a `Map`'s table when its last entry is deleted and grows it again on the
 * next `set`, and a session with one call at a time went from one to none on every call. One
 * entry under a key that is not a string stays in it for good and is never listed.
 */
export class CallTable {
  readonly #map = new Map<string | typeof KEEP, CallRecord | undefined>([[KEEP, undefined]]);

  /** How many calls are active. */
  get size(): number {
    return this.#map.size - 1;
  }

  has(id: string): boolean {
    return this.#map.has(id);
  }

  get(id: string): CallRecord | undefined {
    return this.#map.get(id);
  }

  set(id: string, record: CallRecord): void {
    this.#map.set(id, record);
  }

  delete(id: string): boolean {
    return this.#map.delete(id);
  }

  /** The active calls, oldest first (a new array: safe to change the table while walking it). */
  list(): CallRecord[] {
    const out: CallRecord[] = [];
    for (const record of this.#map.values()) if (record !== undefined) out.push(record);
    return out;
  }
}
