import { decodeJpegThumbnail } from './decode-jpeg-thumbnail.js';
import { decodePngThumbnail, PNG_SIGNATURE } from './decode-png-thumbnail.js';
import { FrameDecodeError } from './frame-decode-error.js';
import { decodedByteLimit, type FrameDecodeOptions } from './limits.js';
import type { LumaThumbnail } from './luma-thumbnail.js';

const JPEG_SIGNATURE: readonly number[] = [0xff, 0xd8, 0xff];

/** Signatures of formats that are recognised only to name them in the error. */
const OTHER_FORMATS: readonly { readonly name: string; readonly test: (bytes: Uint8Array) => boolean }[] = [
  { name: 'GIF', test: (b) => startsWith(b, [0x47, 0x49, 0x46, 0x38]) },
  { name: 'WebP', test: (b) => startsWith(b, [0x52, 0x49, 0x46, 0x46]) && ascii(b, 8, 12) === 'WEBP' },
  { name: 'BMP', test: (b) => startsWith(b, [0x42, 0x4d]) },
  { name: 'AVIF/HEIF', test: (b) => ascii(b, 4, 8) === 'ftyp' },
  {
    name: 'TIFF',
    test: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]),
  },
];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);
}

/** True when `bytes` is a proper prefix of `signature` (a frame cut off inside its signature). */
function isPrefixOf(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length < signature.length && bytes.every((byte, i) => signature[i] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return bytes.length >= end ? String.fromCharCode(...bytes.subarray(start, end)) : '';
}

/**
 * Decodes a JPEG or PNG video frame into a {@link LumaThumbnail}: one grayscale pixel per 8x8
 * block of the frame, holding the block's mean luma. Fast enough to run on every frame of a
 * camera stream (well under a millisecond for a typical 640x480 camera JPEG).
 *
 * The format is taken from the bytes' signature, not from `mimeType`.
 *
 * @param bytes - The encoded frame (e.g. a `VideoFrame`'s `data`, base64-decoded).
 * @param mimeType - The frame's declared MIME type, quoted in error messages.
 * @param options - The decoded-size limit (`maxDecodedBytes`, default 64 MiB), checked against
 *   the frame's header before its image data is decoded.
 * @returns The thumbnail, `ceil(width / 8)` by `ceil(height / 8)` pixels.
 * @throws {@link FrameDecodeError} `UNSUPPORTED_FORMAT` for anything but JPEG and PNG, and the
 *   errors of {@link decodeJpegThumbnail} and {@link decodePngThumbnail} (`IMAGE_TOO_LARGE` over
 *   `maxDecodedBytes`).
 * @throws RangeError when `maxDecodedBytes` is not a whole number from 1 to 2^31-1.
 *
 * @example
 * ```ts
 * import type { VideoFrame } from '@livetools/core';
 * import { decodeLumaThumbnail } from '@livetools/tools-video';
 *
 * declare const frame: VideoFrame;
 * const thumbnail = decodeLumaThumbnail(Buffer.from(frame.data, 'base64'), frame.mimeType);
 * let sum = 0;
 * for (const value of thumbnail.pixels) sum += value;
 * console.log(`mean brightness ${sum / thumbnail.pixels.length}`);
 * ```
 */
export function decodeLumaThumbnail(
  bytes: Uint8Array,
  mimeType?: string,
  options?: FrameDecodeOptions,
): LumaThumbnail {
  decodedByteLimit(options);
  if (startsWith(bytes, JPEG_SIGNATURE)) return decodeJpegThumbnail(bytes, options);
  if (startsWith(bytes, PNG_SIGNATURE)) return decodePngThumbnail(bytes, options);
  const declared = mimeType === undefined ? '' : ` (declared as ${mimeType})`;
  if (bytes.length === 0 || isPrefixOf(bytes, JPEG_SIGNATURE) || isPrefixOf(bytes, PNG_SIGNATURE)) {
    throw new FrameDecodeError(
      'TRUNCATED_IMAGE',
      `The frame${declared} has only ${bytes.length} bytes, too few to hold an image.`,
    );
  }
  const other = OTHER_FORMATS.find((format) => format.test(bytes));
  const found = other === undefined ? 'an unknown format' : `${other.name}`;
  throw new FrameDecodeError(
    'UNSUPPORTED_FORMAT',
    `The frame${declared} is ${found}; only JPEG and PNG frames can be decoded. Send image/jpeg or image/png.`,
  );
}
