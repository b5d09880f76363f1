import { Worker } from 'node:worker_threads';
import { silentLogger } from '@livetools/core';
import { asyncScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { zeroPng } from '../test/support/decode/bombs.js';
import { sceneFrame } from '../test/support/frames.js';
import { createChangeDetector } from './change-detector.js';
import { FrameDecodeError } from './decode/frame-decode-error.js';
import { decodeLumaThumbnail } from './decode/index.js';
import { DecodePool, startDecodeWorker } from './decode-pool.js';

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
    const thumbnails = await Promise.all(frames.map((f) => pool.decode(f.data, f.mimeType, {})));
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
    await expect(pool.decode(f.data, f.mimeType, {})).rejects.toThrow(
      'The frame decode worker exited with code 3; the frame was not analysed.',
    );
    const again = await pool.decode(f.data, f.mimeType, {});
    expect(again.width).toBe(80);
    expect(started).toHaveLength(2);
  });
});

describe('the decode worker pool with hostile frames', () => {
  it('refuses data that is not a string with INVALID_BASE64 before posting it', async () => {
    const pool = new DecodePool(1);
    const error = await pool.decode(42, 'image/jpeg', {}).catch((e: unknown) => e);
    expect(FrameDecodeError.isInstance(error) && error.code).toBe('INVALID_BASE64');
  });

  it("applies the change detector's maxDecodedBytes in the worker", async () => {
    const detector = createChangeDetector({ workers: 1, maxDecodedBytes: 640 * 480 * 3 - 1 });
    const session = detector.open({
      signal: new AbortController().signal,
      logger: silentLogger,
      scheduler: asyncScheduler,
    });
    const error = await Promise.resolve(session.analyze(await frame(1))).catch((e: unknown) => e);
    expect(FrameDecodeError.isInstance(error) && error.code).toBe('IMAGE_TOO_LARGE');
    expect((error as Error).message).toContain('over the limit of 921599 bytes');
  });

  it('decodes a large frame in a worker while the event loop keeps turning', async () => {
    // 2048x2048 RGBA of zeros: 16 MiB to inflate and average (the default limit allows 64 MiB).
    const png = zeroPng({ width: 2048, height: 2048, bitDepth: 8, colorType: 6 });
    const data = Buffer.from(png).toString('base64');
    const open = (workers: number) =>
      createChangeDetector({ workers }).open({
        signal: new AbortController().signal,
        logger: silentLogger,
        scheduler: asyncScheduler,
      });
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    // On the main thread the whole decode runs inside analyze(): no turn of the loop can happen.
    const onMain = open(0).analyze({ data, mimeType: 'image/png', time: 0 });
    expect(typeof (onMain as { then?: unknown } | undefined)?.then).toBe('undefined');
    const before = turns;
    const inPool = await open(1).analyze({ data, mimeType: 'image/png', time: 0 });
    spinning = false;
    expect(inPool?.event).toBe('watching');
    expect(turns - before).toBeGreaterThan(1);
  });
});
