// Camera-like 640x480 JPEG frames, encoded once with sharp (a devDependency of tools-video, resolved
// from there). A textured, lit scene with a dark object that sits still, slides across and rests
// again, so that the local change detector sees motion start and stop now and then.
import { createRequire } from 'node:module';

export const WIDTH = 640;
export const HEIGHT = 480;

/** Object positions (left edge, px) of the encoded frames. */
const POSITIONS = [120, 200, 280, 360];

/**
 * Where the object is during each second of a 20-second cycle (indices into the frames): still for
 * 10 s, sliding for 2 s, still for 8 s, then back (a jump). Each session runs it from its own phase.
 */
export const CYCLE = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3];

/** Encodes the frames; resolves with `{ frames: Buffer[], sizes }`. */
export async function encodeFrames({ quality = 75 } = {}) {
  const require = createRequire(new URL('../../packages/tools-video/package.json', import.meta.url));
  const sharp = require('sharp');
  const frames = [];
  for (const left of POSITIONS) {
    const raw = scene(left);
    frames.push(
      await sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
        .jpeg({ quality })
        .toBuffer(),
    );
  }
  return { frames, sizes: frames.map((f) => f.length) };
}

function scene(left) {
  const raw = Buffer.alloc(WIDTH * HEIGHT * 3);
  let seed = 12345;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const noise = (seed >> 16) & 15; // sensor noise, the same in every frame
      const o = (y * WIDTH + x) * 3;
      // a wall with a lit gradient and a window, a floor
      let r = 150 + (x * 60) / WIDTH;
      let g = 140 + (y * 40) / HEIGHT;
      let b = 120;
      if (x > 420 && x < 600 && y > 40 && y < 200) [r, g, b] = [200, 220, 240];
      if (y > 360) [r, g, b] = [110 + ((x >> 4) & 1) * 20, 80, 60];
      if (x >= left && x < left + 90 && y >= 180 && y < 380) [r, g, b] = [30, 30, 60];
      raw[o] = Math.min(255, r + noise);
      raw[o + 1] = Math.min(255, g + noise);
      raw[o + 2] = Math.min(255, b + noise);
    }
  }
  return raw;
}
