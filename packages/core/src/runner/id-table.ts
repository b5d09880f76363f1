/** The key of the entry that keeps the map from emptying: no id (a string) can equal it. */
const KEEP = Symbol('livetools.id-table.keep');

/**
 * @internal
 * Values by string id, in insertion order, for a handful of ids at a time that come and go
 * (the runner's active calls, the session metrics' active call ids, the writer's BLOCKING calls
 * awaiting their answer).
 *
 * A session mostly has one call at a time, and a `Map` is costly for that: V8 leaves a hole for
 * each deleted entry and rebuilds the table (a runtime call and a new table) once holes fill it,
 * every third call at this size, and shrinks a table that empties. So the oldest id is kept in a
 * slot of its own while the map is empty (one call at a time never touches the map), and the map
 * keeps one entry under a key that is not a string, so that it never empties; that entry is
 * never counted or listed. Ids that come while the slot is taken go to the map, behind it; a
 * freed slot is taken again only once the map holds no id, so that the order stays the order
 * the ids came in.
 */
export class IdTable<V> {
  /** The oldest id while the map holds none (`undefined`: the slot is free). */
  #firstId: string | undefined = undefined;
  #firstValue: V | undefined = undefined;
  readonly #map = new Map<string | typeof KEEP, V | typeof KEEP>([[KEEP, KEEP]]);

  /** How many ids it holds. */
  get size(): number {
    return this.#map.size - (this.#firstId === undefined ? 1 : 0);
  }

  // `has` and `get` ask the map only when it holds an id: a lookup hashes the id, and a call's id
  // is a new string whose hash V8 has not computed yet (a few hundred instructions for 20 characters).
  has(id: string): boolean {
    return id === this.#firstId || (this.#map.size > 1 && this.#map.has(id));
  }

  get(id: string): V | undefined {
    if (id === this.#firstId) return this.#firstValue;
    if (this.#map.size === 1) return undefined;
    const value = this.#map.get(id);
    return value === KEEP ? undefined : value;
  }

  set(id: string, value: V): void {
    if (id === this.#firstId) this.#firstValue = value;
    else if (this.#firstId === undefined && this.#map.size === 1) {
      this.#firstId = id;
      this.#firstValue = value;
    } else this.#map.set(id, value);
  }

  delete(id: string): boolean {
    if (id !== this.#firstId) return this.#map.delete(id);
    this.#firstId = undefined;
    this.#firstValue = undefined;
    return true;
  }

  /** Forgets every id. */
  clear(): void {
    this.#firstId = undefined;
    this.#firstValue = undefined;
    if (this.#map.size === 1) return;
    this.#map.clear();
    this.#map.set(KEEP, KEEP);
  }

  /** The values, oldest first (a new array: safe to change the table while walking it). */
  list(): V[] {
    const out: V[] = [];
    if (this.#firstId !== undefined) out.push(this.#firstValue as V);
    for (const value of this.#map.values()) if (value !== KEEP) out.push(value);
    return out;
  }
}
