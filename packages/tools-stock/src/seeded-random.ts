/**
 * Hashes a string to an unsigned 32-bit integer (FNV-1a), to seed {@link createSeededRandom}.
 *
 * @internal
 * @example
 * ```ts
 * const seed = hashString('AAPL|42');
 * ```
 */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A small, fast, deterministic pseudo-random generator (mulberry32): the same seed always gives
 * the same sequence of numbers in [0, 1). Not for cryptography.
 *
 * @internal
 * @example
 * ```ts
 * const random = createSeededRandom(hashString('AAPL|1'));
 * random(); // always the same first number for this seed
 * ```
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A standard normal sample from a uniform generator (Box-Muller transform).
 *
 * @internal
 * @example
 * ```ts
 * const z = standardNormal(createSeededRandom(7));
 * ```
 */
export function standardNormal(random: () => number): number {
  const u = 1 - random(); // (0, 1]: keeps log finite
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
