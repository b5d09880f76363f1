/**
 * A grayscale image at 1/8 of its source's size: one pixel per 8x8 block of the source, holding
 * the block's mean luma (0.299 R + 0.587 G + 0.114 B), 0..255.
 *
 * Edge blocks of a source whose size is not a multiple of 8 still make one pixel each.
 */
export interface LumaThumbnail {
  /** `ceil(sourceWidth / 8)`. */
  readonly width: number;
  /** `ceil(sourceHeight / 8)`. */
  readonly height: number;
  /** Row-major luma values, `width * height` of them. */
  readonly pixels: Uint8Array;
  /** Width of the decoded frame, in pixels. */
  readonly sourceWidth: number;
  /** Height of the decoded frame, in pixels. */
  readonly sourceHeight: number;
}
