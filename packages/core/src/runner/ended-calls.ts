/** @internal Default of `ToolRunnerOptions.endedCallMemory`. */
export const DEFAULT_ENDED_CALL_MEMORY = 10_000;

/**
 * @internal
 * The ids of the calls that ended, so that an id the model reuses is refused instead of answered a
 * second time. Bounded: past `capacity` ids, the oldest are forgotten first.
 *
 * The order is kept in a ring of `capacity` slots next to the set, so that forgetting the oldest
 * id is one lookup: reading a `Set`'s first value walks over every id deleted before it (V8 keeps
 * them as holes until the table is rebuilt), which made each call's end cost thousands of steps
 * once a long session had ended more calls than the bound.
 */
export class EndedCallIds {
  readonly #ids = new Set<string>();
  /** The remembered ids in the order they ended; grows up to `capacity`, then wraps. */
  readonly #ring: string[] = [];
  /** The slot the next id goes to once the ring is full (the oldest id's). */
  #next = 0;
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Remembers that the call `id` ended. */
  add(id: string): void {
    if (this.#capacity <= 0) return;
    const size = this.#ids.size;
    this.#ids.add(id); // one lookup: an id already there leaves the size as it was
    if (this.#ids.size === size) return;
    if (this.#ring.length < this.#capacity) {
      this.#ring.push(id);
      return;
    }
    this.#ids.delete(this.#ring[this.#next]!);
    this.#ring[this.#next] = id;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /** True when a call with this id ended and is still remembered. */
  has(id: string): boolean {
    return this.#ids.has(id);
  }
}
