/**
 * A small PNG encoder for tests: any colour type, bit depth, filter sequence and interlacing, so
 * the decoder can be checked against variants libvips does not write.
 */

import { crc32, deflateSync } from 'node:zlib';

/** What {@link encodeTestPng} writes. */
export interface TestPngOptions {
  readonly width: number;
  readonly height: number;
  readonly colorType: 0 | 2 | 3 | 4 | 6;
  readonly bitDepth: 1 | 2 | 4 | 8 | 16;
  /** Sample `channel` of pixel (x, y), 0..2^bitDepth-1 (a palette index for colour type 3). */
  readonly sample: (x: number, y: number, channel: number) => number;
  /** RGB entries for colour type 3. */
  readonly palette?: readonly (readonly [number, number, number])[];
  /** Adam7 interlacing. */
  readonly interlace?: boolean;
  /** Filter type of each row, cycled over the rows (default 0, 1, 2, 3, 4); above 4 writes raw bytes. */
  readonly filters?: readonly number[];
  /** Split the compressed data over this many IDAT chunks (default 1). */
  readonly idatChunks?: number;
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** A PNG chunk with its length and CRC. */
export function pngChunk(type: string, body: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + body.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(body, 8);
  view.setUint32(8 + body.length, crc32(chunk.subarray(4, 8 + body.length)));
  return chunk;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Packs one row of samples, MSB first for depths below 8 and big-endian for 16. */
function packRow(options: TestPngOptions, xs: readonly number[], y: number): Uint8Array {
  const channels = CHANNELS[options.colorType];
  const depth = options.bitDepth;
  const row = new Uint8Array(Math.ceil((xs.length * channels * depth) / 8));
  let bit = 0;
  for (const x of xs) {
    for (let c = 0; c < channels; c++) {
      const value = options.sample(x, y, c);
      if (depth === 16) {
        row[bit >> 3] = value >> 8;
        row[(bit >> 3) + 1] = value & 0xff;
      } else if (depth === 8) {
        row[bit >> 3] = value;
      } else {
        row[bit >> 3]! |= value << (8 - depth - (bit & 7));
      }
      bit += depth;
    }
  }
  return row;
}

/** Encodes an image as a PNG. */
export function encodeTestPng(options: TestPngOptions): Uint8Array {
  const { width, height, colorType, bitDepth } = options;
  const filters = options.filters ?? [0, 1, 2, 3, 4];
  const bpp = Math.max(1, (CHANNELS[colorType] * bitDepth) >> 3);
  const passes = options.interlace ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const raw: number[] = [];
  let rowNumber = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const xs: number[] = [];
    for (let x = x0; x < width; x += dx) xs.push(x);
    if (xs.length === 0) continue;
    let prior: Uint8Array | undefined;
    for (let y = y0; y < height; y += dy) {
      const row = packRow(options, xs, y);
      const filter = filters[rowNumber++ % filters.length]!;
      raw.push(filter);
      for (let i = 0; i < row.length; i++) {
        const a = i >= bpp ? row[i - bpp]! : 0;
        const b = prior?.[i] ?? 0;
        const c = i >= bpp ? (prior?.[i - bpp] ?? 0) : 0;
        // Unknown filter types (for error tests) are written like type 0.
        const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter] ?? 0;
        raw.push((row[i]! - predictor) & 0xff);
      }
      prior = row;
    }
  }
  const compressed = deflateSync(Uint8Array.from(raw));
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([bitDepth, colorType, 0, 0, options.interlace ? 1 : 0], 8);
  const chunks = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
  ];
  if (options.palette) chunks.push(pngChunk('PLTE', Uint8Array.from(options.palette.flat())));
  const pieces = options.idatChunks ?? 1;
  const size = Math.ceil(compressed.length / pieces);
  for (let i = 0; i < pieces; i++)
    chunks.push(pngChunk('IDAT', compressed.subarray(i * size, (i + 1) * size)));
  chunks.push(pngChunk('IEND', new Uint8Array(0)));
  return Buffer.concat(chunks);
}

/** The luma (0..255) of every pixel of the image {@link encodeTestPng} writes for `options`. */
export function testPngLuma(options: TestPngOptions): Float64Array {
  const { width, height, colorType, bitDepth } = options;
  const max = 2 ** bitDepth - 1;
  const luma = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (c: number) => (options.sample(x, y, c) * 255) / max;
      let value: number;
      if (colorType === 3) {
        const [r, g, b] = options.palette![options.sample(x, y, 0)]!;
        value = 0.299 * r + 0.587 * g + 0.114 * b;
      } else if (colorType === 0 || colorType === 4) {
        value = s(0);
      } else {
        value = 0.299 * s(0) + 0.587 * s(1) + 0.114 * s(2);
      }
      luma[y * width + x] = value;
    }
  }
  return luma;
}

/** A chunk of a PNG file, without its length and CRC. */
export interface PngChunk {
  readonly type: string;
  readonly body: Uint8Array;
}

/** Splits a (valid) PNG into its chunks. */
export function readPngChunks(bytes: Uint8Array): PngChunk[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: PngChunk[] = [];
  for (let pos = 8; pos + 12 <= bytes.length; ) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    chunks.push({ type, body: bytes.slice(pos + 8, pos + 8 + length) });
    pos += 12 + length;
  }
  return chunks;
}

/** Writes chunks as a PNG file, with correct lengths and CRCs. */
export function writePngChunks(chunks: readonly PngChunk[]): Uint8Array {
  const signature = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, ...chunks.map((chunk) => pngChunk(chunk.type, chunk.body))]);
}
