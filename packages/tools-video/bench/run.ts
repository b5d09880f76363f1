// Benchmarks of @livetools/tools-video (run `npm run bench` at the root, or in this package). They
// print figures; nothing here asserts a time. The analyzers come from the built package (dist);
// frames are drawn and encoded here (libvips, 4:2:0 baseline JPEG at quality 80, as browsers send).
import { performance } from 'node:perf_hooks';
import { silentLogger, type VideoFrame } from '@livetools/core';
import jpeg from 'jpeg-js';
import sharp from 'sharp';
import { createChangeDetector, decodeLumaThumbnail } from '../dist/index.js';
import { encodeImage, renderScene } from '../test/support/frames.js';

const width = 640;
const height = 480;
const FRAMES = 60;
const ROUNDS = 10;

const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** A minute-like camera sequence: a noisy room, someone walking across, the lights dimming. */
async function cameraFrames(): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const rgb = renderScene({
      width,
      height,
      noise: 8,
      seed: i + 1,
      brightness: i > 45 ? 0.4 : 1,
      shapes:
        i > 10 && i < 40
          ? [{ x: 20 + (i - 10) * 18, y: 160, width: 110, height: 260, color: [40, 60, 160] }]
          : [],
    });
    const bytes = await encodeImage(rgb, width, height, {
      format: 'jpeg',
      quality: 80,
      chromaSubsampling: '4:2:0',
    });
    frames.push({ data: bytes.toString('base64'), mimeType: 'image/jpeg', time: i * 1000 });
  }
  return frames;
}

async function timeEach(
  frames: readonly VideoFrame[],
  work: (frame: VideoFrame) => unknown,
): Promise<number[]> {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const frame of frames) {
      const t0 = performance.now();
      await work(frame);
      times.push(performance.now() - t0);
    }
  }
  return times.sort((a, b) => a - b);
}

function row(name: string, times: readonly number[], note = '') {
  const median = percentile(times, 50);
  const p99 = percentile(times, 99);
  console.log(
    `${name.padEnd(44)} median ${fmt(median, 3).padStart(7)} ms   p99 ${fmt(p99, 3).padStart(7)} ms   ` +
      `${fmt(1000 / median, 0).padStart(6)} frames/s per core${note}`,
  );
  return median;
}

const frames = await cameraFrames();
const bytes = frames.map((f) => Buffer.from(f.data, 'base64'));
const meanKiB = bytes.reduce((sum, b) => sum + b.length, 0) / bytes.length / 1024;
console.log(
  `${FRAMES} frames of ${width}x${height} JPEG (4:2:0, q80, mean ${fmt(meanKiB, 1)} KiB), ${ROUNDS} rounds each\n`,
);

// warm-up, so every figure below is for optimised code
const warm = createChangeDetector().open({ signal: new AbortController().signal, logger: silentLogger });
for (let i = 0; i < 3; i++) for (const f of frames) warm.analyze(f);

const session = createChangeDetector().open({ signal: new AbortController().signal, logger: silentLogger });
const analysis = row(
  'local change detector (base64 → event)',
  await timeEach(frames, (f) => session.analyze(f)),
  '  ← target < 5 ms median',
);
const decode = row(
  '  of which: 1/8-scale luma decode',
  await timeEach(frames, (f) => decodeLumaThumbnail(Buffer.from(f.data, 'base64'))),
);
console.log('\nbaselines, same frames:');
const full = row(
  'jpeg-js full decode (pure JS)',
  await timeEach(frames.slice(0, 20), (f) => jpeg.decode(Buffer.from(f.data, 'base64'), { useTArray: true })),
);
const native = row(
  'sharp/libvips decode + shrink to 80x60 (native)',
  await timeEach(frames, (f) =>
    sharp(Buffer.from(f.data, 'base64')).greyscale().resize(80, 60).raw().toBuffer(),
  ),
);
console.log(
  `\nratios: decode is ${fmt(full / decode, 1)}x faster than a full pure-JS decode and ` +
    `${fmt(native / decode, 1)}x the speed of libvips; the detector adds ${fmt(analysis - decode, 3)} ms per frame.`,
);
