/** @internal Default of `ToolRunnerOptions.endedCallMemory`. */
export const DEFAULT_ENDED_CALL_MEMORY = 10_000;

/** Slots of the index at first: it doubles as ids are remembered, up to twice the capacity. */
const FIRST_SLOTS = 16;

/** The longest id whose characters the ring keeps in `#text` (longer ones: as strings). */
const ID_BYTES = 64;

/** The length of a ring position whose id is kept as a string (`#others`). */
const OTHER = 255;

/**
 * @internal
 * The ids of the calls that ended, so that an id the model reuses is refused instead of answered a
 * second time. Bounded: past `capacity` ids, the oldest are forgotten first.
 *
 * The ids stay in a ring of `capacity` slots, in the order they ended (the next to forget is the
 * oldest). They are found through an index of their own: an open-addressing table (linear
 * probing, at most half full) in one `Int32Array`, two numbers per slot: the id's position in the
 * ring plus one (0: empty) and a 32-bit hash of the id. A lookup compares hashes first and reads
 * an id's text only when they match, so that asking for a new id reads one or two slots, where a
 * `Set` of thousands of ids walked a chain and read an old string at each step (the memory grows
 * to 10,000 ids in a long session, and every call asks once and adds once). Forgetting an id moves
 * the slots after it back (no tombstones), and the table never shrinks or rebuilds once at its
 * size, so the memory makes no garbage after it is full. Each ring position keeps its id's hash
 * too: once the ring is full, every id added forgets the oldest, whose slot is then found by its
 * position, without hashing or reading its text again (an id ended thousands of calls ago, whose
 * text is no longer in any cache).
 *
 * The ring keeps each id's characters, not the string: a string kept for thousands of calls
 * outlives V8's young generation, so every call would leave one object to copy into the old
 * generation, which then grows and is collected again (in a one-client benchmark, four times the
 * raw SDK's page faults and several µs of CPU per round trip). An id of up to `ID_BYTES`
 * characters, none above U+00FF (Gemini's ids are short ASCII), is written into a typed array at its
 * position; any other id is kept as a string in a map by position.
 */
export class EndedCallIds {
  /** How many ids the ring holds: grows up to `capacity`, then the ring wraps. */
  #count = 0;
  /** The hash of the id at each ring position; grows with the ring, up to `capacity`. */
  #hashes: Int32Array;
  /** The characters of the id at each ring position, `ID_BYTES` bytes per position. */
  #text: Uint8Array;
  /** The length of the id at each ring position, or `OTHER` when it is in `#others`. */
  #lengths: Uint8Array;
  /** The ids `#text` cannot hold (too long, or a character above U+00FF), by position. */
  readonly #others = new Map<number, string>();
  /** The slot the next id goes to once the ring is full (the oldest id's). */
  #next = 0;
  readonly #capacity: number;
  /** Two numbers per slot: ring position + 1 (0 when empty), then the id's hash. */
  #slots: Int32Array;
  /** Slots - 1 (the slot count is a power of two). */
  #mask: number;
  /**
   * Where the hash starts, drawn per table: ids chosen to share one hash (to make every lookup
   * walk a long run of slots) cannot be worked out ahead of time.
   */
  readonly #seed = (Math.random() * 0x1_0000_0000) | 0;
  /**
   * The id read last (by `has`, or by `add` when it was another), its hash, and its characters in
   * `#staged` (`#askedBytes` false when they cannot go in `#text`): the runner asks about a
   * call's id when the call arrives and adds it when the call ends, for a one-shot call in the same
   * turn, so its text is read once: reading a string's characters is most of this table's cost
   * (V8's `charCodeAt` in a loop, about 40 machine instructions per character).
   */
  #askedId: string | undefined = undefined;
  #askedHash = 0;
  #askedBytes = false;
  /** True when `#askedId` is known not to be in the table (`has` said so, and it was not added since). */
  #askedAbsent = false;
  /** The characters of `#askedId` when `#askedBytes`. */
  readonly #staged = new Uint8Array(ID_BYTES);

  constructor(capacity: number) {
    this.#capacity = capacity;
    const slots = capacity > 0 ? FIRST_SLOTS : 1;
    this.#slots = new Int32Array(slots * 2);
    this.#mask = slots - 1;
    const positions = Math.min(capacity, FIRST_SLOTS);
    this.#hashes = new Int32Array(positions);
    this.#text = new Uint8Array(positions * ID_BYTES);
    this.#lengths = new Uint8Array(positions);
  }

  /** Remembers that the call `id` ended. */
  add(id: string): void {
    if (this.#capacity <= 0) return;
    if (id !== this.#askedId) this.#read(id);
    const hash = this.#askedHash;
    // already remembered: it keeps its place
    if (!this.#askedAbsent && this.#find(id, hash) >= 0) return;
    let position: number;
    if (this.#count < this.#capacity) {
      // at most half full, so that a probe for a new id ends after a slot or two
      if ((this.#count + 1) * 2 > this.#mask + 1) this.#grow();
      position = this.#count++;
      if (position === this.#hashes.length) this.#growRing();
    } else {
      position = this.#next;
      this.#removeSlot(this.#slotOf(position));
      this.#next = (position + 1) % this.#capacity;
    }
    this.#write(position, id);
    this.#hashes[position] = hash;
    this.#insert(position, hash);
    this.#askedAbsent = false;
  }

  /** True when a call with this id ended and is still remembered. */
  has(id: string): boolean {
    if (this.#capacity <= 0) return false;
    this.#read(id);
    const found = this.#find(id, this.#askedHash) >= 0;
    this.#askedAbsent = !found;
    return found;
  }

  /**
   * Reads `id` once: its hash (FNV-1a over its UTF-16 code units, from this table's seed, as a
   * 32-bit integer) and, when `#text` can hold it, its characters into `#staged`.
   */
  #read(id: string): void {
    const length = id.length;
    let hash = this.#seed;
    let bytes = length <= ID_BYTES;
    if (bytes) {
      const staged = this.#staged;
      let all = 0;
      for (let i = 0; i < length; i++) {
        const code = id.charCodeAt(i);
        hash = Math.imul(hash ^ code, 0x01000193);
        all |= code;
        staged[i] = code;
      }
      bytes = all <= 0xff;
    } else {
      for (let i = 0; i < length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
    }
    this.#askedId = id;
    this.#askedHash = hash;
    this.#askedBytes = bytes;
    this.#askedAbsent = false;
  }

  /** The slot that holds `id`, or -1. */
  #find(id: string, hash: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot * 2]!;
      if (entry === 0) return -1;
      if (slots[slot * 2 + 1] === hash && this.#holds(entry - 1, id)) return slot;
    }
  }

  /** Keeps `id` (the id read last) at ring position `position`, in place of the id that was there. */
  #write(position: number, id: string): void {
    if (this.#askedBytes) {
      // The whole staged row in one native copy (a loop costs about 27 machine instructions per
      // byte, V8 reading both arrays' bounds again at each); past the id's length, bytes are not read.
      this.#text.set(this.#staged, position * ID_BYTES);
      if (this.#lengths[position] === OTHER) this.#others.delete(position);
      this.#lengths[position] = id.length;
      return;
    }
    this.#lengths[position] = OTHER;
    this.#others.set(position, id);
  }

  /** True when the id at ring position `position` is `id`. */
  #holds(position: number, id: string): boolean {
    const length = this.#lengths[position]!;
    if (length === OTHER) return this.#others.get(position) === id;
    if (length !== id.length) return false;
    const text = this.#text;
    const start = position * ID_BYTES;
    for (let i = 0; i < length; i++) if (text[start + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  /** The slot of the id at ring position `position` (in the table: every ring position is). */
  #slotOf(position: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = this.#hashes[position]! & mask;
    while (slots[slot * 2] !== position + 1) slot = (slot + 1) & mask;
    return slot;
  }

  /** Puts ring position `position` (an id not in the table) in the first free slot from its hash. */
  #insert(position: number, hash: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = hash & mask;
    while (slots[slot * 2] !== 0) slot = (slot + 1) & mask;
    slots[slot * 2] = position + 1;
    slots[slot * 2 + 1] = hash;
  }

  /**
   * Empties `slot`, then moves back each entry after it (up to the next empty slot) that would no
   * longer be found past the gap: the table stays as if the removed id had never been there.
   */
  #removeSlot(slot: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let gap = slot;
    for (let next = (gap + 1) & mask; slots[next * 2] !== 0; next = (next + 1) & mask) {
      const home = slots[next * 2 + 1]! & mask;
      // The entry at `next` stays when its home lies cyclically in (gap, next]
      const stays = gap <= next ? gap < home && home <= next : gap < home || home <= next;
      if (stays) continue;
      slots[gap * 2] = slots[next * 2]!;
      slots[gap * 2 + 1] = slots[next * 2 + 1]!;
      gap = next;
    }
    slots[gap * 2] = 0;
    slots[gap * 2 + 1] = 0;
  }

  /** Room for twice the ring positions, `capacity` at most (only while the ring fills up). */
  #growRing(): void {
    const positions = Math.min(this.#capacity, this.#hashes.length * 2);
    const hashes = new Int32Array(positions);
    hashes.set(this.#hashes);
    this.#hashes = hashes;
    const text = new Uint8Array(positions * ID_BYTES);
    text.set(this.#text);
    this.#text = text;
    const lengths = new Uint8Array(positions);
    lengths.set(this.#lengths);
    this.#lengths = lengths;
  }

  /** Twice the slots, each entry moved over with the hash it has (only while the ring fills up). */
  #grow(): void {
    const old = this.#slots;
    const count = (this.#mask + 1) * 2;
    this.#slots = new Int32Array(count * 2);
    this.#mask = count - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.#insert(old[i]! - 1, old[i + 1]!);
  }
}
