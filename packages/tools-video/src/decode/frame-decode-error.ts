// livetools' error marker (see `errorMarker` in @livetools/core), written out here so that
// the decoders, which also run in decode workers, import nothing from core.
const marker = Symbol.for('livetools.error.FrameDecodeError');

/** Stable codes of {@link FrameDecodeError}. */
export type FrameDecodeErrorCode =
  /** The bytes are neither a JPEG nor a PNG. */
  | 'UNSUPPORTED_FORMAT'
  /** A valid JPEG that uses a feature the thumbnail decoder does not implement (CMYK, arithmetic coding, 12-bit…). */
  | 'UNSUPPORTED_JPEG'
  /** The image breaks its format's rules (bad marker, bad Huffman code, bad CRC, bad filter…). */
  | 'CORRUPT_IMAGE'
  /** The image ends before all the data the thumbnail needs. */
  | 'TRUNCATED_IMAGE'
  /**
   * The frame's header declares more decoded bytes than `maxDecodedBytes` allows (default 64 MiB),
   * or more than 16384 pixels on a side. Refused before any image data is decoded.
   */
  | 'IMAGE_TOO_LARGE'
  /** The frame's `data` is not a base64 string (the change detector decodes `VideoFrame`s). */
  | 'INVALID_BASE64';

/**
 * A video frame could not be turned into a luma thumbnail. The `code` says why; the message says
 * what was wrong and what to send instead.
 *
 * @example
 * ```ts
 * import { decodeLumaThumbnail, FrameDecodeError } from '@livetools/tools-video';
 *
 * try {
 *   decodeLumaThumbnail(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]), 'image/gif');
 * } catch (error) {
 *   if (FrameDecodeError.isInstance(error)) console.log(error.code); // 'UNSUPPORTED_FORMAT'
 * }
 * ```
 */
export class FrameDecodeError extends Error {
  /** A stable, machine-readable code. */
  readonly code: FrameDecodeErrorCode;

  /**
   * @param code - Why the frame could not be decoded.
   * @param message - What was wrong, in a sentence.
   * @param options - `cause`: the error that led to this one, if any.
   */
  constructor(code: FrameDecodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FrameDecodeError';
    this.code = code;
    Object.defineProperty(this, marker, { value: true });
  }

  /** True when `error` is a {@link FrameDecodeError}, even one created by another copy of the package. */
  static isInstance(error: unknown): error is FrameDecodeError {
    if (typeof error !== 'object' || error === null) return false;
    try {
      return (error as Record<symbol, unknown>)[marker] === true;
    } catch {
      return false; // a Proxy whose traps throw, a revoked Proxy: not ours
    }
  }
}

/**
 * Rethrows a {@link FrameDecodeError} as is and wraps anything else (a bug, or a bound the checks
 * missed) as `CORRUPT_IMAGE`, so callers only ever see one error class.
 *
 * @internal
 */
export function asFrameDecodeError(error: unknown, format: string): FrameDecodeError {
  if (FrameDecodeError.isInstance(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new FrameDecodeError('CORRUPT_IMAGE', `The ${format} frame could not be decoded: ${detail}.`, {
    cause: error,
  });
}
