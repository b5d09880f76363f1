import sharp from 'sharp';
import type { LumaThumbnail } from '../../../src/decode/luma-thumbnail.js';

/** Per-pixel luma (0.299 R + 0.587 G + 0.114 B) of packed RGB. */
export function lumaOfRgb(rgb: Uint8Array, width: number, height: number): Float64Array {
  const luma = new Float64Array(width * height);
  for (let i = 0; i < luma.length; i++) {
    luma[i] = 0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!;
  }
  return luma;
}

/**
 * Mean of each 8x8 block of a plane. `edges: 'present'` averages only the pixels inside the
 * image (what PNG thumbnails hold); `'replicated'` extends the image by repeating its last row and
 * column, as JPEG encoders pad partial blocks, so it is what a JPEG block's DC encodes.
 */
export function blockMeans(
  plane: ArrayLike<number>,
  width: number,
  height: number,
  edges: 'present' | 'replicated' = 'present',
): Float64Array {
  const tw = Math.ceil(width / 8);
  const th = Math.ceil(height / 8);
  const means = new Float64Array(tw * th);
  for (let by = 0; by < th; by++) {
    for (let bx = 0; bx < tw; bx++) {
      let sum = 0;
      let count = 0;
      for (let y = 8 * by; y < 8 * by + 8; y++) {
        if (y >= height && edges === 'present') break;
        for (let x = 8 * bx; x < 8 * bx + 8; x++) {
          if (x >= width && edges === 'present') break;
          sum += plane[Math.min(y, height - 1) * width + Math.min(x, width - 1)]!;
          count++;
        }
      }
      means[by * tw + bx] = sum / count;
    }
  }
  return means;
}

/** How far a thumbnail is from a reference, in luma levels. */
export interface ThumbnailError {
  readonly meanAbsError: number;
  readonly maxError: number;
}

/** Compares a thumbnail with reference block means (after checking their sizes agree). */
export function thumbnailError(thumbnail: LumaThumbnail, reference: ArrayLike<number>): ThumbnailError {
  if (
    thumbnail.pixels.length !== reference.length ||
    thumbnail.width * thumbnail.height !== reference.length
  ) {
    throw new Error(`thumbnail has ${thumbnail.pixels.length} pixels, reference ${reference.length}`);
  }
  let sum = 0;
  let max = 0;
  for (let i = 0; i < reference.length; i++) {
    const error = Math.abs(thumbnail.pixels[i]! - reference[i]!);
    sum += error;
    if (error > max) max = error;
  }
  return { meanAbsError: sum / reference.length, maxError: max };
}

/**
 * Decodes an image with sharp (libvips) to its luma plane (0..255, alpha ignored): the reference
 * for lossy encodings and for conversions whose weights differ from ours. libvips reduces 16-bit
 * images to 8 bits by dropping the low byte, so for them it is up to one level low.
 */
export async function sharpLuma(
  bytes: Uint8Array,
): Promise<{ luma: Float64Array; width: number; height: number }> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const luma = new Float64Array(width * height);
  for (let i = 0; i < luma.length; i++) {
    const p = i * channels;
    luma[i] = channels >= 3 ? 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]! : data[p]!;
  }
  return { luma, width, height };
}
