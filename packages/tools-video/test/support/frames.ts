import type { VideoFrame } from '@livetools/core';
import sharp from 'sharp';
import { seededRandom } from './decode/jpeg-structure.js';

/** A filled rectangle drawn on a scene. */
export interface SceneShape {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** RGB, 0..255 each. */
  readonly color: readonly [number, number, number];
}

/** What {@link renderScene} draws. */
export interface SceneSpec {
  readonly width: number;
  readonly height: number;
  /**
   * The backdrop: a textured room-like pattern (`room`, the default), a different pattern
   * (`outdoor`) or a flat colour.
   */
  readonly backdrop?: 'room' | 'outdoor' | readonly [number, number, number];
  /** Multiplies every pixel (1 = as drawn; 0.2 = lights dimmed). */
  readonly brightness?: number;
  readonly shapes?: readonly SceneShape[];
  /** Amplitude of per-pixel sensor noise, 0..255 (default 0). */
  readonly noise?: number;
  /** Seed of the noise, so a frame can be drawn again identically. */
  readonly seed?: number;
}

function backdropColor(spec: SceneSpec, x: number, y: number): [number, number, number] {
  const backdrop = spec.backdrop ?? 'room';
  if (Array.isArray(backdrop)) return [backdrop[0], backdrop[1], backdrop[2]];
  const u = x / spec.width;
  const v = y / spec.height;
  if (backdrop === 'room') {
    // A wall with a gradient, a darker floor and a window-like bright panel.
    if (v > 0.7) return [90 + 20 * u, 70, 50];
    if (u > 0.65 && u < 0.9 && v > 0.1 && v < 0.45) return [210, 220, 230];
    return [150 + 40 * v, 140 + 30 * u, 120];
  }
  // Sky over grass, with a band of trees.
  if (v < 0.4) return [110 + 60 * v, 160 + 40 * v, 230];
  if (v < 0.55) return [40 + 30 * Math.sin(u * 40), 90 + 20 * Math.sin(u * 23), 40];
  return [70, 150 - 40 * v, 60];
}

/** Draws a scene as packed RGB bytes. */
export function renderScene(spec: SceneSpec): Uint8Array {
  const { width, height } = spec;
  const brightness = spec.brightness ?? 1;
  const noise = spec.noise ?? 0;
  const random = seededRandom(spec.seed ?? 1);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let color = backdropColor(spec, x, y);
      for (const shape of spec.shapes ?? []) {
        if (x >= shape.x && x < shape.x + shape.width && y >= shape.y && y < shape.y + shape.height) {
          color = [shape.color[0], shape.color[1], shape.color[2]];
        }
      }
      const offset = (y * width + x) * 3;
      const jitter = noise === 0 ? 0 : (random() - 0.5) * 2 * noise;
      for (let c = 0; c < 3; c++) {
        rgb[offset + c] = Math.max(0, Math.min(255, Math.round((color[c] ?? 0) * brightness + jitter)));
      }
    }
  }
  return rgb;
}

/** How {@link encodeImage} encodes. */
export type EncodeSpec =
  | {
      readonly format: 'jpeg';
      readonly quality?: number;
      /** Default `4:2:0`, as cameras and browsers send. */
      readonly chromaSubsampling?: '4:2:0' | '4:4:4';
      readonly progressive?: boolean;
    }
  | {
      readonly format: 'png';
      /** Palette PNG instead of truecolour. */
      readonly palette?: boolean;
      readonly progressive?: boolean;
    }
  | { readonly format: 'gray-jpeg'; readonly quality?: number };

/** Encodes packed RGB bytes as JPEG or PNG with libvips. */
export async function encodeImage(
  rgb: Uint8Array,
  width: number,
  height: number,
  spec: EncodeSpec = { format: 'jpeg' },
): Promise<Buffer> {
  const image = sharp(rgb, { raw: { width, height, channels: 3 } });
  switch (spec.format) {
    case 'jpeg':
      return image
        .jpeg({
          quality: spec.quality ?? 80,
          chromaSubsampling: spec.chromaSubsampling ?? '4:2:0',
          progressive: spec.progressive ?? false,
          mozjpeg: false,
        })
        .toBuffer();
    case 'gray-jpeg':
      return image
        .greyscale()
        .jpeg({ quality: spec.quality ?? 80, mozjpeg: false })
        .toBuffer();
    case 'png':
      return image.png({ palette: spec.palette ?? false, progressive: spec.progressive ?? false }).toBuffer();
  }
}

/** Renders and encodes a scene, and wraps it as the video frame a session would publish. */
export async function sceneFrame(
  scene: SceneSpec,
  time: number,
  encode: EncodeSpec = { format: 'jpeg' },
): Promise<VideoFrame> {
  const bytes = await encodeImage(renderScene(scene), scene.width, scene.height, encode);
  return {
    data: bytes.toString('base64'),
    mimeType: encode.format === 'png' ? 'image/png' : 'image/jpeg',
    time,
  };
}
