/**
 * The example Huffman tables of ITU T.81 Annex K.3, which Motion-JPEG frames (webcams) use
 * without sending them in a DHT segment.
 *
 * @packageDocumentation
 * @internal
 */

/** The 16 code-length counts and the symbols of a Huffman table. @internal */
export interface HuffmanSpec {
  readonly counts: readonly number[];
  readonly values: Uint8Array;
}

/**
 * The AC symbols of Annex K.3.2 list the short codes' symbols irregularly, then every remaining
 * run/size pair (sizes 1..10) in order for the 16-bit codes.
 */
function acValues(shortSymbols: readonly number[]): Uint8Array {
  const values = [...shortSymbols];
  for (let run = 0; run < 16; run++) {
    for (let size = 1; size <= 10; size++) {
      const symbol = (run << 4) | size;
      if (!shortSymbols.includes(symbol)) values.push(symbol);
    }
  }
  return Uint8Array.from(values);
}

const dcValues = Uint8Array.from({ length: 12 }, (_, i) => i);

/** Table K.3: luminance DC. @internal */
export const standardLuminanceDc: HuffmanSpec = {
  counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
  values: dcValues,
};

/** Table K.4: chrominance DC. @internal */
export const standardChrominanceDc: HuffmanSpec = {
  counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
  values: dcValues,
};

/** Table K.5: luminance AC. @internal */
export const standardLuminanceAc: HuffmanSpec = {
  counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125],
  values: acValues([
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22,
    0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33,
    0x62, 0x72, 0x82,
  ]),
};

/** Table K.6: chrominance AC. @internal */
export const standardChrominanceAc: HuffmanSpec = {
  counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 119],
  values: acValues([
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13,
    0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62,
    0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1,
  ]),
};
