/**
 * From a `VideoFrame`'s fields, as they arrive from outside, to a luma thumbnail: the one place
 * where base64 is decoded, shared by the main thread and the decode workers.
 *
 * @packageDocumentation
 */

import { scratchBytes } from './base64-scratch.js';
import { decodeLumaThumbnail } from './decode-luma-thumbnail.js';
import { FrameDecodeError } from './frame-decode-error.js';
import type { FrameDecodeOptions } from './limits.js';
import type { LumaThumbnail } from './luma-thumbnail.js';

/** What a value is, in a few words, without calling anything on it. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return 'binary data (a typed array)';
  const type = typeof value;
  return type === 'object' ? 'an object' : type === 'undefined' ? 'undefined' : `a ${type}`;
}

/** The first character that is in neither base64 alphabet (nor padding or whitespace). */
const NOT_BASE64 = /[^A-Za-z0-9+/\-_=\s]/;

/**
 * Why `data` is not base64, or `undefined` when it is (standard or URL-safe alphabet, with or
 * without padding and line breaks, as Node decodes it). Only run once decoding failed.
 */
function base64Problem(data: string): string | undefined {
  if (/^data:/i.test(data)) {
    return "The frame's data is a data: URL, not base64; send only the base64 text after the comma.";
  }
  const found = NOT_BASE64.exec(data);
  if (found === null) return undefined;
  const code = data.charCodeAt(found.index).toString(16).toUpperCase().padStart(4, '0');
  return (
    `The frame's data is not base64: character ${found.index} is U+${code}. ` +
    'Send the image bytes base64-encoded (sendVideoFrame encodes bytes for you).'
  );
}

/**
 * The frame's declared MIME type if it is a string; anything else is left out of messages (it
 * could throw when turned into text).
 *
 * @internal
 */
export function declaredMimeType(mimeType: unknown): string | undefined {
  return typeof mimeType === 'string' ? mimeType : undefined;
}

/**
 * Throws `INVALID_BASE64` unless `data` is a string.
 *
 * @internal
 */
export function checkFrameData(data: unknown): asserts data is string {
  if (typeof data !== 'string') {
    throw new FrameDecodeError(
      'INVALID_BASE64',
      `The frame's data is ${kindOf(data)}, not a base64 string. Send the image bytes base64-encoded ` +
        '(sendVideoFrame encodes bytes for you).',
    );
  }
}

/**
 * Decodes a frame as the session publishes it: base64 `data` (checked to be a string; a string
 * that is not base64 is named as such when its bytes do not decode) with its declared type.
 *
 * @throws {@link FrameDecodeError} `INVALID_BASE64`, or whatever `decodeLumaThumbnail` throws.
 * @internal
 */
export function decodeFrameData(
  data: unknown,
  mimeType: unknown,
  options: FrameDecodeOptions,
): LumaThumbnail {
  checkFrameData(data);
  try {
    return decodeLumaThumbnail(scratchBytes(data), declaredMimeType(mimeType), options);
  } catch (error) {
    // Node decodes base64 leniently (skipping what is not base64), so text that is not base64 shows
    // up as an unknown format or a short frame: say what it really is.
    if (FrameDecodeError.isInstance(error) && error.code !== 'IMAGE_TOO_LARGE') {
      const problem = base64Problem(data);
      if (problem !== undefined) throw new FrameDecodeError('INVALID_BASE64', problem);
    }
    throw error;
  }
}
