/**
 * Test JPEGs of a textured scene: what the JPEG decoder's tests encode and decode.
 */
import { renderScene } from '../frames.js';
import { encodeTestJpeg, type TestJpegOptions } from './jpeg-test-encoder.js';

/** A textured room with sensor noise and three coloured objects, scaled to the frame. */
export function scene(width: number, height: number, seed = 1): Uint8Array {
  const box = (x: number, y: number, w: number, h: number, color: [number, number, number]) => ({
    x: Math.round(x * width),
    y: Math.round(y * height),
    width: Math.max(1, Math.round(w * width)),
    height: Math.max(1, Math.round(h * height)),
    color,
  });
  return renderScene({
    width,
    height,
    noise: 8,
    seed,
    shapes: [
      box(0.1, 0.15, 0.2, 0.4, [200, 40, 40]),
      box(0.45, 0.4, 0.25, 0.2, [30, 60, 180]),
      box(0.8, 0.7, 0.12, 0.15, [240, 240, 30]),
    ],
  });
}

/** The scene at `width` x `height`, and its JPEG from the test encoder. */
export function testJpeg(width: number, height: number, options: Partial<TestJpegOptions> = {}) {
  const rgb = scene(width, height);
  return { rgb, bytes: encodeTestJpeg({ width, height, rgb, ...options }) };
}
