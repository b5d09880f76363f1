/**
 * Decompression bombs for tests: small files that declare, or inflate to, huge images. Built
 * without ever holding the inflated bytes, so a test can make a 512 MiB bomb in a millisecond.
 */

import { deflateRawSync, constants as zlib } from 'node:zlib';
import { pngChunk } from './png-test-encoder.js';

const SEGMENT = 1 << 20;

/** A final deflate block holding nothing (fixed Huffman: BFINAL, BTYPE 01, end-of-block). */
const EMPTY_FINAL_BLOCK = Uint8Array.from([0x03, 0x00]);

/** Adler-32 (RFC 1950) of `length` zero bytes: A stays 1, B adds 1 per byte. */
function adler32OfZeros(length: number): number {
  const b = length % 65521;
  return ((b << 16) | 1) >>> 0;
}

/**
 * A zlib stream that inflates to `length` zero bytes. Made of raw-deflate segments of 1 MiB of
 * zeros, each ending in a full flush (which resets the compressor, so every segment is the same
 * bytes), then an empty final block and the checksum: about 1 KiB per MiB inflated.
 */
export function zeroBombStream(length: number): Uint8Array {
  const full = Math.floor(length / SEGMENT);
  const rest = length - full * SEGMENT;
  const options = { finishFlush: zlib.Z_FULL_FLUSH, level: 9 };
  const segment = deflateRawSync(new Uint8Array(SEGMENT), options);
  const parts: Uint8Array[] = [Uint8Array.from([0x78, 0xda])];
  for (let i = 0; i < full; i++) parts.push(segment);
  if (rest > 0) parts.push(deflateRawSync(new Uint8Array(rest), options));
  parts.push(EMPTY_FINAL_BLOCK);
  const checksum = new Uint8Array(4);
  new DataView(checksum.buffer).setUint32(0, adler32OfZeros(length));
  parts.push(checksum);
  return Buffer.concat(parts);
}

/** Samples per pixel of each PNG colour type. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Bytes the IDAT data of a non-interlaced PNG inflates to: a filter byte and the samples, per row. */
export function pngRawLength(width: number, height: number, bitDepth: number, colorType: number): number {
  return height * (1 + Math.ceil((width * CHANNELS[colorType]! * bitDepth) / 8));
}

/** What {@link pngWithIdat} writes. */
export interface BombPngOptions {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  /** The zlib stream, split over `idatChunks` IDAT chunks (default 1). */
  readonly idat: Uint8Array;
  readonly idatChunks?: number;
}

/** A PNG with the given header and zlib data, whatever they say (valid CRCs). */
export function pngWithIdat(options: BombPngOptions): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, options.width);
  view.setUint32(4, options.height);
  header.set([options.bitDepth, options.colorType, 0, 0, 0], 8);
  const chunks = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
  ];
  const pieces = options.idatChunks ?? 1;
  const size = Math.ceil(options.idat.length / pieces);
  for (let i = 0; i < pieces; i++) {
    chunks.push(pngChunk('IDAT', options.idat.subarray(i * size, (i + 1) * size)));
  }
  chunks.push(pngChunk('IEND', new Uint8Array(0)));
  return Buffer.concat(chunks);
}

/** What {@link zeroPng} writes: a PNG header, and how much its image data inflates to. */
export interface ZeroPngOptions extends Omit<BombPngOptions, 'idat'> {
  /** Zero bytes the image data inflates to. Default: exactly what the header declares. */
  readonly inflatedBytes?: number;
}

/**
 * A PNG whose image data is zeros: by default exactly as many as its header declares (a valid
 * black picture of any size, at about 1 KiB per MiB); fewer make a truncated picture, more a header
 * that lies about the size.
 *
 * @example
 * ```ts
 * const lying = zeroPng({ width: 64, height: 64, bitDepth: 8, colorType: 0, inflatedBytes: 512 * 2 ** 20 });
 * ```
 */
export function zeroPng(options: ZeroPngOptions): Uint8Array {
  const { width, height, bitDepth, colorType } = options;
  const { inflatedBytes = pngRawLength(width, height, bitDepth, colorType), ...header } = options;
  return pngWithIdat({ ...header, idat: zeroBombStream(inflatedBytes) });
}

/**
 * The bomb of issue 13: a 16384x4096 16-bit RGBA PNG of zeros, about 510 KiB, whose image data
 * inflates to 512 MiB.
 */
export function issueBombPng(): Uint8Array {
  return zeroPng({ width: 16384, height: 4096, bitDepth: 16, colorType: 6 });
}
