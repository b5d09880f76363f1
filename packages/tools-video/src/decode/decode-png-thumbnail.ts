import { crc32, inflateSync } from 'node:zlib';
import { asFrameDecodeError, FrameDecodeError } from './frame-decode-error.js';
import { checkDecodedSize, decodedByteLimit, type FrameDecodeOptions } from './limits.js';
import type { LumaThumbnail } from './luma-thumbnail.js';

/** The 8-byte signature every PNG starts with. @internal */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];
const WHOLE_IMAGE: readonly (readonly [number, number, number, number])[] = [[0, 0, 1, 1]];

/** Samples per pixel of each colour type (PNG 11.2.2). */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const BIT_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

interface Header {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  readonly interlaced: boolean;
}

function corrupt(message: string): FrameDecodeError {
  return new FrameDecodeError('CORRUPT_IMAGE', `The PNG is corrupt: ${message}.`);
}

function truncated(): FrameDecodeError {
  return new FrameDecodeError('TRUNCATED_IMAGE', 'The PNG ends before its last chunk (IEND).');
}

function readUint32(data: Uint8Array, pos: number): number {
  return ((data[pos]! << 24) | (data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!) >>> 0;
}

/**
 * Decodes a PNG frame into a {@link LumaThumbnail}: each thumbnail pixel is the mean luma
 * (0.299 R + 0.587 G + 0.114 B; alpha ignored) of the pixels of one 8x8 block of the image.
 *
 * Supports every colour type (grayscale, RGB, palette, with or without alpha), every bit depth
 * (1, 2, 4, 8, 16) and Adam7 interlacing. Chunk CRCs are checked; ancillary chunks are ignored.
 *
 * The header is checked against `options.maxDecodedBytes` (default 64 MiB) before any image data
 * is inflated, and inflation stops at the size the header declares: a decompression bomb costs at
 * most that many bytes, whatever its zlib data says.
 *
 * @param bytes - The PNG file.
 * @param options - The decoded-size limit.
 * @returns The block means; blocks at the right and bottom edges average only the pixels present.
 * @throws {@link FrameDecodeError} `UNSUPPORTED_FORMAT` when the bytes are not a PNG;
 *   `CORRUPT_IMAGE` (bad CRC, bad header, bad filter, bad zlib data, more image data than the
 *   header declares…), `TRUNCATED_IMAGE`; `IMAGE_TOO_LARGE` over `maxDecodedBytes` or beyond
 *   16384 pixels a side.
 * @throws RangeError when `maxDecodedBytes` is not a whole number from 1 to 2^31-1.
 *
 * @example
 * ```ts
 * import { decodePngThumbnail } from '@livetools/tools-video';
 *
 * declare const png: Uint8Array; // a 641x479 screenshot
 * const thumbnail = decodePngThumbnail(png);
 * console.log(thumbnail.width, thumbnail.height); // 81 60
 * ```
 */
export function decodePngThumbnail(bytes: Uint8Array, options?: FrameDecodeOptions): LumaThumbnail {
  const limit = decodedByteLimit(options);
  try {
    return decodePng(bytes, limit);
  } catch (error) {
    throw asFrameDecodeError(error, 'PNG');
  }
}

function decodePng(data: Uint8Array, limit: number): LumaThumbnail {
  const end = data.length;
  for (let i = 0; i < PNG_SIGNATURE.length; i++) {
    if (i >= end) throw truncated();
    if (data[i] !== PNG_SIGNATURE[i]) {
      throw new FrameDecodeError('UNSUPPORTED_FORMAT', 'The frame is not a PNG: it lacks the PNG signature.');
    }
  }
  let header: Header | undefined;
  let palette: Uint8Array | undefined;
  const idat = new IdatCollector(data);
  let pos = 8;
  for (;;) {
    if (pos + 12 > end) throw truncated();
    const length = readUint32(data, pos);
    if (length > 0x7fffffff) throw corrupt(`a chunk claims ${length} bytes`);
    const type = String.fromCharCode(data[pos + 4]!, data[pos + 5]!, data[pos + 6]!, data[pos + 7]!);
    if (!/^[A-Za-z]{4}$/.test(type)) throw corrupt(`bad chunk type at byte ${pos + 4}`);
    const bodyStart = pos + 8;
    const bodyEnd = bodyStart + length;
    if (bodyEnd + 4 > end) throw truncated();
    if (crc32(data.subarray(pos + 4, bodyEnd)) !== readUint32(data, bodyEnd)) {
      throw corrupt(`the CRC of chunk ${type} does not match`);
    }
    const body = data.subarray(bodyStart, bodyEnd);
    pos = bodyEnd + 4;
    if (header === undefined && type !== 'IHDR') throw corrupt('the first chunk is not IHDR');
    if (type === 'IHDR') {
      if (header !== undefined) throw corrupt('it has two IHDR chunks');
      header = readHeader(body, limit);
    } else if (type === 'PLTE') {
      if (length % 3 !== 0 || length === 0 || length > 768) throw corrupt(`the palette has ${length} bytes`);
      palette = body;
    } else if (type === 'IDAT') {
      idat.add(body);
    } else if (type === 'IEND') {
      break;
    } else if ((type.charCodeAt(0) & 0x20) === 0) {
      throw corrupt(`it has an unknown critical chunk ${type}`);
    }
  }
  const h = header!;
  const compressed = idat.bytes();
  if (compressed === undefined) throw corrupt('it has no image data (IDAT)');
  if (h.colorType === 3 && palette === undefined) throw corrupt('a palette image has no PLTE chunk');
  const raw = inflate(compressed, expectedDataLength(h));
  return buildThumbnail(h, raw, palette);
}

function readHeader(body: Uint8Array, limit: number): Header {
  if (body.length !== 13) throw corrupt('IHDR is not 13 bytes long');
  const width = readUint32(body, 0);
  const height = readUint32(body, 4);
  const bitDepth = body[8]!;
  const colorType = body[9]!;
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw corrupt(`it declares a size of ${width}x${height}`);
  }
  if (!BIT_DEPTHS[colorType]?.includes(bitDepth)) {
    throw corrupt(`colour type ${colorType} with bit depth ${bitDepth} is not valid`);
  }
  if (body[10] !== 0 || body[11] !== 0) throw corrupt('it uses an unknown compression or filter method');
  if (body[12]! > 1) throw corrupt(`it uses an unknown interlace method ${body[12]}`);
  const header: Header = { width, height, bitDepth, colorType, interlaced: body[12] === 1 };
  const bits = CHANNELS[colorType]! * bitDepth;
  checkDecodedSize(
    {
      format: 'PNG',
      width,
      height,
      pixel: `at ${bits} bit${bits === 1 ? '' : 's'} per pixel`,
      // Every pixel is averaged, however few bits it has: a pixel counts as a byte at least.
      decodedBytes: Math.max(expectedDataLength(header), width * height),
    },
    limit,
  );
  return header;
}

/**
 * Gathers the IDAT chunks' data: a view of the one chunk most PNGs have, or one copy of them all
 * (never more bytes than the file holds, however many chunks there are).
 */
class IdatCollector {
  readonly #file: Uint8Array;
  #first: Uint8Array | undefined;
  #joined: Uint8Array | undefined;
  #length = 0;

  constructor(file: Uint8Array) {
    this.#file = file;
  }

  add(body: Uint8Array): void {
    if (this.#first === undefined) {
      this.#first = body;
      this.#length = body.length;
      return;
    }
    if (this.#joined === undefined) {
      // Room for every byte left in the file from the first chunk on: the data cannot be longer.
      const room = this.#file.byteOffset + this.#file.length - this.#first.byteOffset;
      this.#joined = Buffer.allocUnsafe(room);
      this.#joined.set(this.#first);
    }
    this.#joined.set(body, this.#length);
    this.#length += body.length;
  }

  /** The zlib stream; `undefined` when there was no IDAT chunk. */
  bytes(): Uint8Array | undefined {
    if (this.#first === undefined) return undefined;
    return this.#joined === undefined ? this.#first : this.#joined.subarray(0, this.#length);
  }
}

function passesOf(header: Header): readonly (readonly [number, number, number, number])[] {
  return header.interlaced ? ADAM7 : WHOLE_IMAGE;
}

function passSize(size: number, first: number, step: number): number {
  return size > first ? Math.ceil((size - first) / step) : 0;
}

function expectedDataLength(header: Header): number {
  const bitsPerPixel = CHANNELS[header.colorType]! * header.bitDepth;
  let total = 0;
  for (const [x0, y0, dx, dy] of passesOf(header)) {
    const w = passSize(header.width, x0, dx);
    const h = passSize(header.height, y0, dy);
    if (w !== 0 && h !== 0) total += h * (1 + Math.ceil((w * bitsPerPixel) / 8));
  }
  return total;
}

/**
 * Inflates the image data, producing at most `expected` bytes (the size the header declares,
 * already checked against the limit): zlib stops and throws as soon as the output would exceed it.
 * The output goes into one buffer of `expected + 1` bytes, so a valid frame is not copied again.
 */
function inflate(compressed: Uint8Array, expected: number): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = inflateSync(compressed, { maxOutputLength: expected, chunkSize: Math.max(64, expected + 1) });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'Z_BUF_ERROR') {
      throw new FrameDecodeError('TRUNCATED_IMAGE', 'The PNG image data (IDAT) ends early.');
    }
    if (code === 'ERR_BUFFER_TOO_LARGE') throw corrupt('it has more image data than its size needs');
    throw corrupt(`its image data does not inflate (${(error as Error).message})`);
  }
  if (raw.length < expected) {
    throw corrupt(`its image data has ${raw.length} bytes where ${expected} are needed`);
  }
  return raw;
}

/**
 * Undoes the filter of one row in place (PNG 9.2). `prior` is the previous row of the same pass,
 * already unfiltered, or -1 for the first row.
 */
function unfilterRow(data: Uint8Array, row: number, prior: number, length: number, bpp: number): void {
  const filter = data[row - 1]!;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < length; i++) data[row + i] = data[row + i]! + data[row + i - bpp]!;
      return;
    case 2:
      if (prior < 0) return;
      for (let i = 0; i < length; i++) data[row + i] = data[row + i]! + data[prior + i]!;
      return;
    case 3:
      if (prior < 0) {
        for (let i = bpp; i < length; i++) data[row + i] = data[row + i]! + (data[row + i - bpp]! >> 1);
        return;
      }
      for (let i = 0; i < bpp; i++) data[row + i] = data[row + i]! + (data[prior + i]! >> 1);
      for (let i = bpp; i < length; i++) {
        data[row + i] = data[row + i]! + ((data[row + i - bpp]! + data[prior + i]!) >> 1);
      }
      return;
    case 4:
      if (prior < 0) {
        // Paeth with no row above predicts from the left.
        for (let i = bpp; i < length; i++) data[row + i] = data[row + i]! + data[row + i - bpp]!;
        return;
      }
      for (let i = 0; i < bpp; i++) data[row + i] = data[row + i]! + data[prior + i]!;
      for (let i = bpp; i < length; i++) {
        const a = data[row + i - bpp]!;
        const b = data[prior + i]!;
        const c = data[prior + i - bpp]!;
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - c - c);
        const predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        data[row + i] = data[row + i]! + predictor;
      }
      return;
    default:
      throw corrupt(`a row uses unknown filter type ${filter}`);
  }
}

/**
 * Writes the luma of each pixel of one unfiltered row into `out`, in sample units: 0..255 through
 * `lut` for depths up to 8, 0..65535 for 16-bit (scaled at the end).
 */
function rowLuma(
  data: Uint8Array,
  row: number,
  count: number,
  header: Header,
  lut: Float64Array,
  out: Float64Array,
): void {
  const { colorType, bitDepth } = header;
  if (bitDepth < 8) {
    const mask = (1 << bitDepth) - 1;
    for (let i = 0; i < count; i++) {
      const bit = i * bitDepth;
      out[i] = lut[(data[row + (bit >> 3)]! >> (8 - bitDepth - (bit & 7))) & mask]!;
    }
    return;
  }
  const stride = (CHANNELS[colorType]! * bitDepth) >> 3;
  if (bitDepth === 8) {
    if (colorType === 2 || colorType === 6) {
      for (let i = 0, p = row; i < count; i++, p += stride) {
        out[i] = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
      }
    } else {
      for (let i = 0, p = row; i < count; i++, p += stride) out[i] = lut[data[p]!]!;
    }
    return;
  }
  if (colorType === 2 || colorType === 6) {
    for (let i = 0, p = row; i < count; i++, p += stride) {
      out[i] =
        0.299 * ((data[p]! << 8) | data[p + 1]!) +
        0.587 * ((data[p + 2]! << 8) | data[p + 3]!) +
        0.114 * ((data[p + 4]! << 8) | data[p + 5]!);
    }
  } else {
    for (let i = 0, p = row; i < count; i++, p += stride) out[i] = (data[p]! << 8) | data[p + 1]!;
  }
}

/** Adds a row's luma to the sums of the blocks its pixels fall in. */
function accumulateRow(
  luma: Float64Array,
  count: number,
  sums: Float64Array,
  sumRow: number,
  x0: number,
  dx: number,
): void {
  if (dx !== 1) {
    for (let i = 0; i < count; i++) {
      const b = sumRow + ((x0 + i * dx) >> 3);
      sums[b] = sums[b]! + luma[i]!;
    }
    return;
  }
  for (let x = 0, b = sumRow; x < count; x += 8, b++) {
    const end = Math.min(count, x + 8);
    let sum = 0;
    for (let i = x; i < end; i++) sum += luma[i]!;
    sums[b] = sums[b]! + sum;
  }
}

/** Maps a grayscale sample or palette index (depth ≤ 8) to luma 0..255. */
function lookupTable(header: Header, palette: Uint8Array | undefined): Float64Array {
  const lut = new Float64Array(256);
  if (header.colorType === 3) {
    const entries = palette!.length / 3;
    for (let i = 0; i < entries; i++) {
      lut[i] = 0.299 * palette![3 * i]! + 0.587 * palette![3 * i + 1]! + 0.114 * palette![3 * i + 2]!;
    }
    // Indices past the palette's end are invalid; they read as black.
  } else if (header.bitDepth <= 8) {
    const max = (1 << header.bitDepth) - 1;
    for (let i = 0; i <= max; i++) lut[i] = (i * 255) / max;
  }
  return lut;
}

function buildThumbnail(header: Header, raw: Uint8Array, palette: Uint8Array | undefined): LumaThumbnail {
  const { width: sourceWidth, height: sourceHeight, bitDepth } = header;
  const width = Math.ceil(sourceWidth / 8);
  const height = Math.ceil(sourceHeight / 8);
  const sums = new Float64Array(width * height);
  const bitsPerPixel = CHANNELS[header.colorType]! * bitDepth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const lut = lookupTable(header, palette);
  const luma = new Float64Array(sourceWidth);
  let pos = 0;
  for (const [x0, y0, dx, dy] of passesOf(header)) {
    const passWidth = passSize(sourceWidth, x0, dx);
    const passHeight = passSize(sourceHeight, y0, dy);
    if (passWidth === 0 || passHeight === 0) continue;
    const rowLength = Math.ceil((passWidth * bitsPerPixel) / 8);
    let prior = -1;
    for (let j = 0; j < passHeight; j++) {
      const row = pos + 1;
      unfilterRow(raw, row, prior, rowLength, bpp);
      rowLuma(raw, row, passWidth, header, lut, luma);
      accumulateRow(luma, passWidth, sums, ((y0 + j * dy) >> 3) * width, x0, dx);
      prior = row;
      pos = row + rowLength;
    }
  }
  const scale = bitDepth === 16 ? 1 / 257 : 1;
  const pixels = new Uint8Array(width * height);
  for (let by = 0; by < height; by++) {
    const rows = Math.min(8, sourceHeight - 8 * by);
    for (let bx = 0; bx < width; bx++) {
      const count = rows * Math.min(8, sourceWidth - 8 * bx);
      const value = Math.round((sums[by * width + bx]! * scale) / count);
      pixels[by * width + bx] = Math.min(value, 255);
    }
  }
  return { width, height, pixels, sourceWidth, sourceHeight };
}
