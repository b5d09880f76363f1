/** One SOS header of a JPEG, as test helpers read it. */
export interface ScanHeader {
  /** Byte index of the SOS marker. */
  readonly at: number;
  readonly componentIds: readonly number[];
  readonly spectralStart: number;
  readonly spectralEnd: number;
  readonly high: number;
  readonly low: number;
}

/** Lists a JPEG's scan headers (0xFFDA cannot occur inside entropy-coded data, thanks to stuffing). */
export function scanHeaders(bytes: Uint8Array): ScanHeader[] {
  const scans: ScanHeader[] = [];
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff || bytes[i + 1] !== 0xda) continue;
    const count = bytes[i + 4]!;
    const end = i + 5 + 2 * count;
    const componentIds = Array.from({ length: count }, (_, k) => bytes[i + 5 + 2 * k]!);
    scans.push({
      at: i,
      componentIds,
      spectralStart: bytes[end]!,
      spectralEnd: bytes[end + 1]!,
      high: bytes[end + 2]! >> 4,
      low: bytes[end + 2]! & 15,
    });
  }
  return scans;
}

/** Byte index of the first marker `code` (the 0xFF), or -1. */
export function markerIndex(bytes: Uint8Array, code: number): number {
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 0xff && bytes[i + 1] === code) return i;
  return -1;
}

/** A copy of `bytes` with the 16-bit big-endian value at `at` replaced. */
export function withUint16(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at] = value >> 8;
  copy[at + 1] = value & 0xff;
  return copy;
}

/** A deterministic pseudo-random generator (mulberry32) for fuzzing. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index of the marker that ends a scan's entropy-coded data (restart markers are inside it). */
export function scanEnd(bytes: Uint8Array, scan: ScanHeader): number {
  let i = scan.at + 8 + 2 * scan.componentIds.length;
  for (; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1]!;
    if (next !== 0 && next !== 0xff && (next < 0xd0 || next > 0xd7)) return i;
  }
  return bytes.length;
}
