import { FrameDecodeError } from './frame-decode-error.js';

/**
 * Codes up to this many bits long are decoded with one table lookup; longer ones (rare) take
 * the canonical-code slow path.
 *
 * @internal
 */
export const FAST_BITS = 10;

/**
 * A Huffman table (ITU T.81 C and F.2.2.3) prepared for decoding.
 *
 * `fast` is indexed by the next {@link FAST_BITS} bits of the stream. For a DC table an entry is
 * `(symbol << 5) | codeLength`. For an AC table it describes the whole step of skipping one
 * coefficient: `(advance << 5) | (codeLength + magnitudeBits)`, where `advance` is how far the
 * coefficient index moves (run + 1, 16 for ZRL) or 0 for the end of the block. An entry of 0
 * means the code is longer than {@link FAST_BITS} (or invalid): use {@link decodeSlow}.
 *
 * @internal
 */
export interface HuffmanTable {
  readonly fast: Uint16Array;
  /** Largest code of each length 1..16 (index = length), -1 when there is none. */
  readonly maxCode: Int32Array;
  /** `values` index of a code of each length, minus that length's first code. */
  readonly valueOffset: Int32Array;
  readonly values: Uint8Array;
}

/**
 * Builds a table from a DHT segment's 16 code-length counts and its symbols.
 *
 * @param counts - How many codes have each length 1..16.
 * @param values - The symbols, in code order.
 * @param isAc - Build the AC skip lookup instead of the DC lookup.
 * @internal
 */
export function buildHuffmanTable(
  counts: ArrayLike<number>,
  values: Uint8Array,
  isAc: boolean,
): HuffmanTable {
  const fast = new Uint16Array(1 << FAST_BITS);
  const maxCode = new Int32Array(18).fill(-1);
  const valueOffset = new Int32Array(18);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1] ?? 0;
    valueOffset[length] = k - code;
    for (let i = 0; i < n; i++) {
      if (length <= FAST_BITS) {
        const symbol = values[k]!;
        let entry: number;
        if (isAc) {
          const size = symbol & 15;
          const run = symbol >> 4;
          const advance = size !== 0 ? run + 1 : run === 15 ? 16 : 0;
          entry = (advance << 5) | (length + size);
        } else {
          entry = (symbol << 5) | length;
        }
        const shift = FAST_BITS - length;
        const first = code << shift;
        fast.fill(entry, first, first + (1 << shift));
      }
      code++;
      k++;
    }
    if (n !== 0) maxCode[length] = code - 1;
    // The all-ones code of each length is reserved (T.81 C): a table that uses it is invalid.
    if (code >= 1 << length) {
      throw new FrameDecodeError('CORRUPT_IMAGE', 'The JPEG has a Huffman table with too many codes.');
    }
    code <<= 1;
  }
  return { fast, maxCode, valueOffset, values };
}

/**
 * Decodes a code longer than {@link FAST_BITS} from the top bits of `bits` (a left-aligned 32-bit
 * buffer holding at least 16 valid bits).
 *
 * @returns `(symbol << 5) | codeLength`, or 0 when no code matches (corrupt data).
 * @internal
 */
export function decodeSlow(table: HuffmanTable, bits: number): number {
  const { maxCode, valueOffset, values } = table;
  for (let length = FAST_BITS + 1; length <= 16; length++) {
    const code = bits >>> (32 - length);
    if (code <= maxCode[length]!) return (values[valueOffset[length]! + code]! << 5) | length;
  }
  return 0;
}
