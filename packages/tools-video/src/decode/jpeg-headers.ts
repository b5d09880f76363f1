/**
 * The JPEG decoder's header segments: the frame header (SOF) and the quantisation (DQT) and Huffman
 * (DHT) tables, read into the {@link DecoderState} that the scans of `decode-jpeg-thumbnail.ts`
 * then decode against; the markers the decoder refuses; the decoder's error constructors.
 *
 * @packageDocumentation
 */

import { FrameDecodeError } from './frame-decode-error.js';
import { buildHuffmanTable, type HuffmanTable } from './jpeg-huffman.js';
import { checkDecodedSize } from './limits.js';

/** A frame component (T.81 B.2.2) and what the decoder gathered for it. */
export interface Component {
  readonly id: number;
  readonly h: number;
  readonly v: number;
  readonly quantTable: number;
  /** Blocks covering the component's own width and height (A.1.1). */
  readonly blocksWide: number;
  readonly blocksHigh: number;
  /** Width and height of the grid of blocks the interleaved MCUs cover (≥ the above). */
  readonly gridWidth: number;
  readonly gridHeight: number;
  /** Weight of the component in the thumbnail's luma; 0 when it is not used. */
  weight: number;
  /** DC coefficient of every block, allocated at the component's first scan. */
  grid: Int32Array | null;
  /** The DC entry of the component's quantisation table, taken at its first scan. */
  quantDc: number;
  /** Bit position of the lowest DC bit decoded so far (`Al`); -1 before the first DC scan. */
  lowBit: number;
}

/** The frame header (SOF), with the MCU grid it implies (T.81 A.2). */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly progressive: boolean;
  readonly components: readonly Component[];
  readonly maxH: number;
  readonly maxV: number;
  readonly mcuColumns: number;
  readonly mcuRows: number;
}

/** What the decoder has read so far: the frame, tables and markers that later scans depend on. */
export interface DecoderState {
  /** The decoded-size limit in bytes. */
  readonly limit: number;
  frame: Frame | undefined;
  readonly quantDc: (number | undefined)[];
  readonly dcTables: (HuffmanTable | undefined)[];
  readonly acTables: (HuffmanTable | undefined)[];
  restartInterval: number;
  sawJfif: boolean;
  /** Transform flag of an Adobe APP14 segment; -1 without one. */
  adobeTransform: number;
  /** Whether the components' luma weights have been chosen (at the first scan). */
  weighed: boolean;
}

/** `CORRUPT_IMAGE`: the bytes break the JPEG standard. */
export function corrupt(message: string): FrameDecodeError {
  return new FrameDecodeError('CORRUPT_IMAGE', `The JPEG is corrupt: ${message}.`);
}

/** `UNSUPPORTED_JPEG`: a valid JPEG of a kind the thumbnail decoder does not read. */
export function unsupported(message: string): FrameDecodeError {
  return new FrameDecodeError('UNSUPPORTED_JPEG', message);
}

/** `TRUNCATED_IMAGE`: the bytes end inside the image. */
export function truncated(): FrameDecodeError {
  return new FrameDecodeError('TRUNCATED_IMAGE', 'The JPEG ends before the end of its image data.');
}

/** A marker code as written in T.81, e.g. `0xFFC4`. */
export function hex(code: number): string {
  return `0xFF${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The big-endian 16-bit number at `pos`. */
export function readUint16(data: Uint8Array, pos: number): number {
  return (data[pos]! << 8) | data[pos + 1]!;
}

/** Throws `UNSUPPORTED_JPEG` for the SOF and extension markers of JPEG kinds the decoder does not read. */
export function rejectUnsupportedMarker(code: number): void {
  if (code === 0xc3 || code === 0xc7 || code === 0xcb || code === 0xcf) {
    throw unsupported(
      `The JPEG is lossless (SOF marker ${hex(code)}), which the thumbnail decoder does not support; ` +
        'send baseline or progressive JPEG frames.',
    );
  }
  if (code === 0xc9 || code === 0xca || code === 0xcd || code === 0xce || code === 0xcc) {
    throw unsupported(
      `The JPEG uses arithmetic coding (marker ${hex(code)}), which the thumbnail decoder does not support; ` +
        'send Huffman-coded JPEG frames (what browsers and libjpeg write by default).',
    );
  }
  if (code === 0xc5 || code === 0xc6 || code === 0xde || code === 0xdf) {
    throw unsupported(
      `The JPEG is hierarchical (marker ${hex(code)}), which the thumbnail decoder does not support; ` +
        'send baseline or progressive JPEG frames.',
    );
  }
  if (code === 0xc8) throw unsupported(`The JPEG uses the reserved JPEG-extension marker ${hex(code)}.`);
}

/** Reads the frame header (SOF0, SOF1, SOF2), checking its size against the limit before any allocation. */
export function readFrame(
  state: DecoderState,
  data: Uint8Array,
  body: number,
  end: number,
  progressive: boolean,
): void {
  if (state.frame !== undefined) throw corrupt('it has more than one frame header (SOF)');
  if (end - body < 6) throw corrupt('the frame header (SOF) is too short');
  const precision = data[body]!;
  if (precision !== 8) {
    if (precision === 12 || precision === 16) {
      throw unsupported(
        `The JPEG has ${precision}-bit samples; the thumbnail decoder supports 8-bit JPEGs only (what cameras and browsers send).`,
      );
    }
    throw corrupt(`the frame header declares ${precision}-bit samples`);
  }
  const height = readUint16(data, body + 1);
  const width = readUint16(data, body + 3);
  const count = data[body + 5]!;
  if (width === 0) throw corrupt('the frame header declares a width of 0');
  if (height === 0) {
    throw unsupported(
      'The JPEG defines its height in a DNL marker after the first scan, which is not supported.',
    );
  }
  if (count === 4) {
    throw unsupported(
      'The JPEG has 4 components (CMYK or YCCK, as Adobe applications write); send an RGB/YCbCr or grayscale JPEG.',
    );
  }
  if (count !== 1 && count !== 3) {
    if (count === 0) throw corrupt('the frame header declares no components');
    throw unsupported(
      `The JPEG has ${count} components; only grayscale (1) and colour (3) JPEGs are supported.`,
    );
  }
  checkDecodedSize(
    {
      format: 'JPEG',
      width,
      height,
      pixel: `with ${count} component${count === 1 ? '' : 's'}`,
      decodedBytes: width * height * count,
    },
    state.limit,
  );
  if (end - body !== 6 + 3 * count)
    throw corrupt('the frame header length does not match its component count');
  const specs: { id: number; h: number; v: number; quantTable: number }[] = [];
  for (let i = 0; i < count; i++) {
    const p = body + 6 + 3 * i;
    const id = data[p]!;
    const h = data[p + 1]! >> 4;
    const v = data[p + 1]! & 15;
    const quantTable = data[p + 2]!;
    if (h < 1 || h > 4 || v < 1 || v > 4) throw corrupt(`component ${id} has sampling factors ${h}x${v}`);
    if (quantTable > 3) throw corrupt(`component ${id} uses quantisation table ${quantTable}`);
    if (specs.some((s) => s.id === id)) throw corrupt(`component id ${id} appears twice`);
    specs.push({ id, h, v, quantTable });
  }
  const maxH = Math.max(...specs.map((s) => s.h));
  const maxV = Math.max(...specs.map((s) => s.v));
  const mcuColumns = Math.ceil(width / (8 * maxH));
  const mcuRows = Math.ceil(height / (8 * maxV));
  const components = specs.map(
    (s): Component => ({
      ...s,
      blocksWide: Math.ceil(Math.ceil((width * s.h) / maxH) / 8),
      blocksHigh: Math.ceil(Math.ceil((height * s.v) / maxV) / 8),
      gridWidth: mcuColumns * s.h,
      gridHeight: mcuRows * s.v,
      weight: 0,
      grid: null,
      quantDc: 0,
      lowBit: -1,
    }),
  );
  state.frame = { width, height, progressive, components, maxH, maxV, mcuColumns, mcuRows };
}

/** Reads a DQT segment: the decoder keeps only each table's DC step. */
export function readQuantTables(state: DecoderState, data: Uint8Array, body: number, end: number): void {
  let p = body;
  while (p < end) {
    const precision = data[p]! >> 4;
    const id = data[p]! & 15;
    p++;
    if (precision > 1 || id > 3) throw corrupt('a quantisation table (DQT) has a bad precision or id');
    const size = precision === 1 ? 128 : 64;
    if (p + size > end) throw corrupt('a quantisation table (DQT) is cut short');
    const dc = precision === 1 ? readUint16(data, p) : data[p]!;
    if (dc === 0) throw corrupt(`quantisation table ${id} has a DC step of 0`);
    state.quantDc[id] = dc;
    p += size;
  }
}

/**
 * Tables already built, by class and DHT bytes: a camera or a browser sends the same tables in every
 * frame, so each is built once, not once per frame. Bounded; cleared when full.
 */
const builtTables = new Map<string, HuffmanTable>();
const maxBuiltTables = 64;

function cachedHuffmanTable(counts: Uint8Array, values: Uint8Array, isAc: boolean): HuffmanTable {
  const key = `${isAc ? 'a' : 'd'}${String.fromCharCode(...counts)}${String.fromCharCode(...values)}`;
  let table = builtTables.get(key);
  if (table === undefined) {
    table = buildHuffmanTable(counts, values, isAc);
    if (builtTables.size >= maxBuiltTables) builtTables.clear();
    builtTables.set(key, table);
  }
  return table;
}

/** Reads a DHT segment into the state's DC and AC tables. */
export function readHuffmanTables(state: DecoderState, data: Uint8Array, body: number, end: number): void {
  let p = body;
  while (p < end) {
    const tableClass = data[p]! >> 4;
    const id = data[p]! & 15;
    p++;
    if (tableClass > 1 || id > 3) throw corrupt('a Huffman table (DHT) has a bad class or id');
    if (p + 16 > end) throw corrupt('a Huffman table (DHT) is cut short');
    const counts = data.subarray(p, p + 16);
    let total = 0;
    for (const n of counts) total += n;
    p += 16;
    if (total > 256 || p + total > end) throw corrupt('a Huffman table (DHT) has too many symbols');
    // A copy: the table may be cached and outlive `data` (Buffer#slice would be a view into it).
    const values = Uint8Array.prototype.slice.call(data, p, p + total);
    p += total;
    if (tableClass === 0) {
      if (values.some((value) => value > 15)) throw corrupt(`DC Huffman table ${id} has a symbol above 15`);
      state.dcTables[id] = cachedHuffmanTable(counts, values, false);
    } else {
      state.acTables[id] = cachedHuffmanTable(counts, values, true);
    }
  }
}
