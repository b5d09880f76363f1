import { FrameDecodeError } from './frame-decode-error.js';

/** The widest or tallest frame the decoders accept, in pixels. @internal */
const MAX_IMAGE_SIDE = 16384;

/** The largest frame the decoders accept, in pixels (64 megapixels). @internal */
const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

/**
 * Throws `IMAGE_TOO_LARGE` when a frame's declared size is beyond the limits, before anything is
 * allocated for it.
 *
 * @internal
 */
export function checkImageSize(width: number, height: number, format: string): void {
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new FrameDecodeError(
      'IMAGE_TOO_LARGE',
      `The ${format} frame is ${width}x${height} pixels; frames may be at most ${MAX_IMAGE_SIDE} pixels ` +
        'on a side and 64 megapixels in all. Scale the camera stream down before sending it.',
    );
  }
}
