import { FrameDecodeError } from './frame-decode-error.js';

/**
 * The default of {@link FrameDecodeOptions.maxDecodedBytes}: 64 MiB, a 4096x4096 frame at 8-bit
 * RGBA. Camera frames are far below it (640x480 RGB is 0.9 MiB, 4K UHD RGBA 32 MiB).
 */
export const DEFAULT_MAX_DECODED_BYTES = 64 * 1024 * 1024;

/** The widest or tallest frame the decoders accept, whatever the byte limit. @internal */
const MAX_IMAGE_SIDE = 16384;

/** The highest {@link FrameDecodeOptions.maxDecodedBytes} accepted. @internal */
const LARGEST_LIMIT = 2 ** 31 - 1;

/**
 * Limits of the frame decoders, checked against what a frame's header declares before any of its
 * image data is decoded.
 *
 * @example
 * ```ts
 * import { createChangeDetector, decodeLumaThumbnail } from '@livetools/tools-video';
 *
 * declare const png: Uint8Array;
 * // At most 1920x1080 RGBA (8 MiB) per frame, here and in the change detector.
 * const maxDecodedBytes = 1920 * 1080 * 4 + 1080;
 * const thumbnail = decodeLumaThumbnail(png, 'image/png', { maxDecodedBytes });
 * const detector = createChangeDetector({ maxDecodedBytes, workers: 1 });
 * ```
 */
export interface FrameDecodeOptions {
  /**
   * The largest frame to decode, in decoded bytes: for a PNG, the size of its inflated image data
   * (width × height × bytes per pixel, plus one filter byte per row), and at least one byte per
   * pixel; for a JPEG, width × height × components. A frame declaring more is refused with `IMAGE_TOO_LARGE` before anything is
   * inflated or allocated for it, and a PNG's inflation is capped at the size its header declares,
   * so image data that inflates to more is refused as `CORRUPT_IMAGE`. A whole number from 1 to
   * 2^31-1; default {@link DEFAULT_MAX_DECODED_BYTES} (64 MiB).
   */
  readonly maxDecodedBytes?: number;
}

/**
 * The byte limit `options` ask for, or the default.
 *
 * @throws RangeError when `maxDecodedBytes` is not a whole number from 1 to 2^31-1.
 * @internal
 */
export function decodedByteLimit(options: FrameDecodeOptions | undefined): number {
  const limit = options?.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES;
  if (!Number.isInteger(limit) || limit < 1 || limit > LARGEST_LIMIT) {
    throw new RangeError(
      `maxDecodedBytes must be a whole number of bytes from 1 to ${LARGEST_LIMIT}; got ${limit}.`,
    );
  }
  return limit;
}

/** `bytes` for a person: `64 MiB`, `536875008 bytes (about 512.0 MiB)`, `922080 bytes`. */
function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (Number.isInteger(mib)) return `${mib} MiB`;
  return mib >= 1 ? `${bytes} bytes (about ${mib.toFixed(1)} MiB)` : `${bytes} bytes`;
}

/** What a frame's header declares, for {@link checkDecodedSize}. @internal */
export interface DeclaredSize {
  /** `PNG` or `JPEG`. */
  readonly format: string;
  readonly width: number;
  readonly height: number;
  /** What one pixel is made of, e.g. `at 24 bits per pixel` or `with 3 components`. */
  readonly pixel: string;
  /** Bytes the frame decodes to. */
  readonly decodedBytes: number;
}

/**
 * Throws `IMAGE_TOO_LARGE` when a frame's declared size is over the limits, before anything is
 * inflated or allocated for it.
 *
 * @internal
 */
export function checkDecodedSize(declared: DeclaredSize, limit: number): void {
  const { format, width, height, pixel, decodedBytes } = declared;
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new FrameDecodeError(
      'IMAGE_TOO_LARGE',
      `The ${format} frame is ${width}x${height} pixels; frames may be at most ${MAX_IMAGE_SIDE} pixels ` +
        'on a side. Scale the camera stream down before sending it.',
    );
  }
  if (decodedBytes > limit) {
    throw new FrameDecodeError(
      'IMAGE_TOO_LARGE',
      `The ${format} frame is ${width}x${height} pixels ${pixel}, ${formatBytes(decodedBytes)} decoded, ` +
        `over the limit of ${formatBytes(limit)}. Send smaller frames (scale the camera stream down), ` +
        'or raise maxDecodedBytes (an option of createChangeDetector and of the decode functions).',
    );
  }
}
