/** The key of the entry that keeps a table from emptying: no id (a string) can equal it. */
const KEEP = Symbol('livetools.id-table.keep');

/**
 * @internal
 * Values by string id, in insertion order: a `Map` that never empties. V8 shrinks a `Map`'s table
 * when its last entry is deleted and grows it again on the next `set`, and a session with one call
 * at a time went from one entry to none on every call. One entry under a key that is not a string
 * stays in it for good and is never counted or listed. The runner's active calls and the session
 * metrics' active call ids are kept in one.
 */
export class IdTable<V> {
  readonly #map = new Map<string | typeof KEEP, V | typeof KEEP>([[KEEP, KEEP]]);

  /** How many ids it holds. */
  get size(): number {
    return this.#map.size - 1;
  }

  has(id: string): boolean {
    return this.#map.has(id);
  }

  get(id: string): V | undefined {
    const value = this.#map.get(id);
    return value === KEEP ? undefined : value;
  }

  set(id: string, value: V): void {
    this.#map.set(id, value);
  }

  delete(id: string): boolean {
    return this.#map.delete(id);
  }

  /** The values, oldest first (a new array: safe to change the table while walking it). */
  list(): V[] {
    const out: V[] = [];
    for (const value of this.#map.values()) if (value !== KEEP) out.push(value);
    return out;
  }
}
