/**
 * Fast luma thumbnails of JPEG and PNG video frames: one grayscale pixel per 8x8 block, for
 * detecting motion, lighting changes and scene cuts.
 *
 * @packageDocumentation
 */

export { decodeJpegThumbnail } from './decode-jpeg-thumbnail.js';
export { decodeLumaThumbnail } from './decode-luma-thumbnail.js';
export { decodePngThumbnail } from './decode-png-thumbnail.js';
export type { FrameDecodeErrorCode } from './frame-decode-error.js';
export { FrameDecodeError } from './frame-decode-error.js';
export { DEFAULT_MAX_DECODED_BYTES, type FrameDecodeOptions } from './limits.js';
export type { LumaThumbnail } from './luma-thumbnail.js';
