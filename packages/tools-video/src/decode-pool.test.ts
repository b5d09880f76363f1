import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { decodeLumaThumbnail } from './decode/index.js';
import { DecodePool, startDecodeWorker } from './decode-pool.js';
import { sceneFrame } from './test-support/frames.js';

const frame = (seed: number) => sceneFrame({ width: 640, height: 480, noise: 6, seed }, seed);

describe('the decode worker pool', () => {
  it('decodes in workers exactly as on the main thread, spreading requests over its workers', async () => {
    const started: Worker[] = [];
    const pool = new DecodePool(2, () => {
      const worker = startDecodeWorker();
      started.push(worker);
      return worker;
    });
    const frames = await Promise.all([1, 2, 3, 4].map(frame));
    const thumbnails = await Promise.all(frames.map((f) => pool.decode(f.data, f.mimeType)));
    for (const [i, f] of frames.entries()) {
      expect(thumbnails[i]).toEqual(decodeLumaThumbnail(Buffer.from(f.data, 'base64'), f.mimeType));
    }
    expect(thumbnails[0]).toMatchObject({ width: 80, height: 60, sourceWidth: 640, sourceHeight: 480 });
    expect(started).toHaveLength(2);
  });

  it('fails the requests a crashed worker held and replaces it', async () => {
    const started: Worker[] = [];
    const pool = new DecodePool(1, () => {
      // The first worker dies on its first request; the next ones are real.
      const worker =
        started.length === 0
          ? new Worker("require('node:worker_threads').parentPort.once('message', () => process.exit(3));", {
              eval: true,
            })
          : startDecodeWorker();
      started.push(worker);
      return worker;
    });
    const f = await frame(1);
    await expect(pool.decode(f.data, f.mimeType)).rejects.toThrow(
      'The frame decode worker exited with code 3; the frame was not analysed.',
    );
    const again = await pool.decode(f.data, f.mimeType);
    expect(again.width).toBe(80);
    expect(started).toHaveLength(2);
  });
});
