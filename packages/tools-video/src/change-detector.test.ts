import { silentLogger, type VideoFrame } from '@livetools/core';
import { asyncScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type EncodeSpec, type SceneShape, type SceneSpec, sceneFrame } from '../test/support/frames.js';
import { createChangeDetector } from './change-detector.js';
import { FrameDecodeError } from './decode/index.js';
import type { FrameObservation } from './frame-analyzer.js';
import type { Sensitivity } from './scene-tracker.js';

const width = 640;
const height = 480;
const person: SceneShape['color'] = [40, 60, 160];

/** A scene at frame `i`: sensor noise that differs every frame, as a real camera's does. */
const scene = (i: number, spec: Partial<SceneSpec> = {}): SceneSpec => ({
  width,
  height,
  noise: 6,
  seed: i + 1,
  ...spec,
});

async function observe(
  scenes: readonly SceneSpec[],
  options: { sensitivity?: Sensitivity; encode?: EncodeSpec; workers?: number } = {},
): Promise<(FrameObservation & { index: number })[]> {
  const detector = createChangeDetector({
    ...(options.sensitivity === undefined ? {} : { sensitivity: options.sensitivity }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  });
  const session = detector.open({
    signal: new AbortController().signal,
    logger: silentLogger,
    scheduler: asyncScheduler,
  });
  const seen: (FrameObservation & { index: number })[] = [];
  for (const [index, spec] of scenes.entries()) {
    const observation = await session.analyze(await sceneFrame(spec, index * 1000, options.encode));
    if (observation) seen.push({ ...observation, index });
  }
  return seen;
}

const events = (seen: readonly { event: string; index: number }[]) =>
  seen.map((o) => `${o.index}:${o.event}`);

/** Someone walks in from the left for `steps` frames, then stands still. */
function walkIn(
  stillBefore: number,
  steps: number,
  stillAfter: number,
  size = { width: 90, height: 200 },
): SceneSpec[] {
  const scenes: SceneSpec[] = [];
  let i = 0;
  for (; i < stillBefore; i++) scenes.push(scene(i));
  for (let step = 1; step <= steps; step++, i++) {
    scenes.push(scene(i, { shapes: [{ x: 20 + step * 40, y: 200, ...size, color: person }] }));
  }
  for (let k = 0; k < stillAfter; k++, i++) {
    scenes.push(scene(i, { shapes: [{ x: 20 + steps * 40, y: 200, ...size, color: person }] }));
  }
  return scenes;
}

describe('the local change detector', () => {
  it('says nothing about a still scene with sensor noise after its first look', async () => {
    const seen = await observe(Array.from({ length: 15 }, (_, i) => scene(i)));
    expect(events(seen)).toEqual(['0:watching']);
    expect(seen[0]).toMatchObject({ notable: false, changeScore: 0 });
    expect(seen[0]?.description).toBe('Watching the camera; the picture is well lit.');
  });

  it('reports motion starting where it happens, and stopping once the scene is calm', async () => {
    const seen = await observe(walkIn(3, 5, 4));
    expect(events(seen)).toEqual(['0:watching', '3:motion_started', '9:motion_stopped']);
    const started = seen[1];
    expect(started?.description).toMatch(
      /^Motion started on the (bottom )?left of the picture \(\d+% of it changed\)\.$/,
    );
    expect(started?.changeScore).toBeGreaterThan(0.01);
    expect(started?.changeScore).toBeLessThan(0.2);
    const stopped = seen[2];
    // the person now stands where the wall was: part of the picture differs from before
    expect(stopped?.description).toMatch(/^Motion stopped; \d+% of the picture differs from before/);
    expect(stopped?.changeScore).toBeGreaterThan(0.02);
  });

  it('reports lights going off and on without calling it motion', async () => {
    const scenes = [
      scene(0),
      scene(1),
      scene(2, { brightness: 0.25 }),
      scene(3, { brightness: 0.25 }),
      scene(4, { brightness: 0.25 }),
      scene(5),
      scene(6),
    ];
    const seen = await observe(scenes);
    expect(events(seen)).toEqual(['0:watching', '2:lights_off', '5:lights_on']);
    // Brightness is the mean luma of the thumbnail over 255, to three places, compared with the
    // last reported picture. The drawn frames average 0.5332 of full scale lit and 0.1333 at a
    // quarter of the light; their JPEGs' block means (the DC coefficients) read 0.534 and 0.134.
    expect(seen[1]?.description).toContain('much darker');
    expect(seen[1]?.details).toEqual({ previousBrightness: 0.534, brightness: 0.134 });
    expect(seen[2]?.description).toContain('much brighter');
    expect(seen[2]?.details).toEqual({ previousBrightness: 0.134, brightness: 0.534 });
  });

  it('reports slow dimming once it adds up', async () => {
    const scenes = Array.from({ length: 12 }, (_, i) => scene(i, { brightness: 1 - i * 0.04 }));
    const seen = await observe(scenes);
    expect(events(seen).filter((e) => !e.endsWith('watching'))).toHaveLength(1);
    expect(seen[1]?.event).toBe('lights_off');
  });

  it('reports a scene cut once, then nothing while the new scene is still', async () => {
    const scenes = [
      scene(0),
      scene(1),
      scene(2, { backdrop: 'outdoor' }),
      scene(3, { backdrop: 'outdoor' }),
      scene(4, { backdrop: 'outdoor' }),
    ];
    const seen = await observe(scenes);
    expect(events(seen)).toEqual(['0:watching', '2:scene_change']);
    expect(seen[1]?.changeScore).toBeGreaterThan(0.45);
    expect(seen[1]?.description).toMatch(/^The scene changed \(\d+% of the picture is different\)\.$/);
  });

  it('reports a covered lens', async () => {
    const scenes = [
      scene(0),
      scene(1),
      scene(2, { backdrop: [8, 8, 8], noise: 1 }),
      scene(3, { backdrop: [8, 8, 8], noise: 1 }),
    ];
    const seen = await observe(scenes);
    expect(events(seen)).toEqual(['0:watching', '2:lights_off']);
    expect(seen[1]?.description).toContain('now dark');
  });

  it('works the same on PNG frames', async () => {
    const seen = await observe(walkIn(2, 4, 3), { encode: { format: 'png' } });
    expect(events(seen)).toEqual(['0:watching', '2:motion_started', '7:motion_stopped']);
  });

  it('works on progressive and 4:4:4 JPEGs', async () => {
    for (const encode of [
      { format: 'jpeg', progressive: true },
      { format: 'jpeg', chromaSubsampling: '4:4:4', quality: 60 },
    ] as const) {
      const seen = await observe(walkIn(2, 4, 3), { encode });
      expect(events(seen)).toEqual(['0:watching', '2:motion_started', '7:motion_stopped']);
    }
  });

  it('follows the sensitivity: a small movement is motion when high, nothing when low', async () => {
    const small = walkIn(2, 3, 3, { width: 24, height: 24 });
    // a 24x24 square appearing at frame 2 is too small even for 'high'; its first move is not
    expect(events(await observe(small, { sensitivity: 'high' }))).toEqual([
      '0:watching',
      '3:motion_started',
      '6:motion_stopped',
    ]);
    expect(events(await observe(small, { sensitivity: 'low' }))).toEqual(['0:watching']);
    expect(events(await observe(small, { sensitivity: 'medium' }))).toEqual(['0:watching']);
  });

  it('refuses a bad sensitivity when created', () => {
    expect(() => createChangeDetector({ sensitivity: 2 })).toThrow(
      /sensitivity must be a number from 0 to 1, got 2/,
    );
    expect(() => createChangeDetector({ sensitivity: 'extreme' as 'low' })).toThrow(
      /'low', 'medium', 'high'/,
    );
  });

  it('rejects a frame that is not an image with a decode error, and goes on with the next', async () => {
    const session = createChangeDetector().open({
      signal: new AbortController().signal,
      logger: silentLogger,
      scheduler: asyncScheduler,
    });
    const bad: VideoFrame = {
      data: Buffer.from('GIF89a....').toString('base64'),
      mimeType: 'image/gif',
      time: 0,
    };
    expect(() => session.analyze(bad)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }));
    expect(await session.analyze(await sceneFrame(scene(0), 1))).toMatchObject({ event: 'watching' });
  });

  it('refuses a bad worker count when created', () => {
    for (const workers of [-1, 1.5, 65, Number.NaN]) {
      expect(() => createChangeDetector({ workers })).toThrow(RangeError);
    }
  });

  it('refuses a bad maxDecodedBytes when created, saying what is allowed', () => {
    for (const maxDecodedBytes of [0, -5, 1.5, Number.NaN, 2 ** 31]) {
      expect(() => createChangeDetector({ maxDecodedBytes })).toThrow(
        /^maxDecodedBytes must be a whole number of bytes from 1 to 2147483647; got /,
      );
    }
  });

  it('refuses a frame over its maxDecodedBytes with IMAGE_TOO_LARGE, naming the option', async () => {
    const session = createChangeDetector({ maxDecodedBytes: 1000 }).open({
      signal: new AbortController().signal,
      logger: silentLogger,
      scheduler: asyncScheduler,
    });
    const frame = await sceneFrame(scene(0), 1);
    expect(() => session.analyze(frame)).toThrow(
      expect.objectContaining({
        code: 'IMAGE_TOO_LARGE',
        message: expect.stringContaining('maxDecodedBytes'),
      }),
    );
  });
});

describe('the local change detector with decode workers', () => {
  it('reports the same observations as on the main thread', async () => {
    const scenes = walkIn(2, 4, 3);
    const onMain = await observe(scenes);
    const onWorkers = await observe(scenes, { workers: 2 });
    expect(events(onWorkers)).toEqual(events(onMain));
    expect(onWorkers).toEqual(onMain);
    expect(events(onMain)).toContain('2:motion_started');
  });

  it('rejects undecodable frames with the same FrameDecodeError codes, and goes on with the next', async () => {
    const session = createChangeDetector({ workers: 1 }).open({
      signal: new AbortController().signal,
      logger: silentLogger,
      scheduler: asyncScheduler,
    });
    const gif: VideoFrame = {
      data: Buffer.from('GIF89a....').toString('base64'),
      mimeType: 'image/gif',
      time: 0,
    };
    const good = await sceneFrame(scene(0), 1);
    const truncated: VideoFrame = {
      ...good,
      data: Buffer.from(good.data, 'base64').subarray(0, 600).toString('base64'),
    };
    const gifError = await Promise.resolve(session.analyze(gif)).catch((e: unknown) => e);
    expect(FrameDecodeError.isInstance(gifError)).toBe(true);
    expect(gifError).toMatchObject({ name: 'FrameDecodeError', code: 'UNSUPPORTED_FORMAT' });
    expect((gifError as Error).message).toMatch(/only JPEG and PNG/);
    await expect(session.analyze(truncated)).rejects.toMatchObject({ code: 'TRUNCATED_IMAGE' });
    expect(await session.analyze(good)).toMatchObject({ event: 'watching' });
  });
});
