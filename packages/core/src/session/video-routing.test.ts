import { map, type SchedulerLike, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LivetoolsError } from '../errors.js';
import { createTestScheduler } from '../testing/create-test-scheduler.js';
import {
  checkVideoRouting,
  type SendVideoOptions,
  type VideoRoute,
  VideoRouter,
  type VideoRoutingOptions,
} from './video-routing.js';

/** Routes one frame at each time (ms, virtual) and returns each frame's time and route. */
function run(
  options: VideoRoutingOptions | undefined,
  times: readonly number[],
  perFrame?: (i: number) => SendVideoOptions | undefined,
) {
  const scheduler = new VirtualTimeScheduler();
  const router = new VideoRouter(options, scheduler);
  const routes: { time: number; route: VideoRoute }[] = [];
  times.forEach((t, i) => {
    scheduler.schedule(() => {
      routes.push({ time: scheduler.now(), route: router.route(perFrame?.(i)) });
    }, t);
  });
  scheduler.flush();
  return {
    router,
    routes,
    model: routes.filter((r) => r.route.model).map((r) => r.time),
    tools: routes.filter((r) => r.route.tools).map((r) => r.time),
  };
}

/** A camera at `fps` for `seconds`, the first frame at 0. */
const camera = (fps: number, seconds: number) =>
  Array.from({ length: Math.round(fps * seconds) }, (_, i) => Math.round((i * 1000) / fps));

function invalid(run: () => unknown): LivetoolsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LivetoolsError);
    expect((error as LivetoolsError).code).toBe('INVALID_OPTION');
    return error as LivetoolsError;
  }
  throw new Error('expected an INVALID_OPTION error');
}

describe('VideoRouter', () => {
  it('sends every frame to both sides by default, uncapped (the behaviour before routing)', () => {
    const { router, model, tools } = run(undefined, [0, 0, 1, 2, 3]);
    expect(model).toEqual([0, 0, 1, 2, 3]);
    expect(tools).toEqual([0, 0, 1, 2, 3]);
    expect(router.stats()).toEqual({ frames: 5, toModel: 5, toTools: 5, modelCapped: 0, toolCapped: 0 });
  });

  it("to: 'tools' keeps every frame from the model, and the model's cap plays no part", () => {
    const { router, model, tools } = run({ to: 'tools', maxModelFps: 1 }, camera(10, 2));
    expect(model).toEqual([]);
    expect(tools).toHaveLength(20);
    // not meant for the model: not counted as capped either
    expect(router.stats()).toEqual({ frames: 20, toModel: 0, toTools: 20, modelCapped: 0, toolCapped: 0 });
  });

  it("to: 'model' keeps every frame from the tools", () => {
    const { router, model, tools } = run({ to: 'model' }, camera(5, 1));
    expect(tools).toEqual([]);
    expect(model).toEqual([0, 200, 400, 600, 800]);
    expect(router.stats()).toMatchObject({ toModel: 5, toTools: 0, toolCapped: 0 });
  });

  it('caps the model at maxModelFps while the tools get every frame, and counts the frames it kept from the model', () => {
    const { router, model, tools } = run({ maxModelFps: 1 }, camera(10, 5));
    expect(tools).toHaveLength(50);
    // one a second; the second one comes a quarter interval early at most
    expect(model).toEqual([0, 800, 1800, 2800, 3800, 4800]);
    expect(router.stats()).toEqual({ frames: 50, toModel: 6, toTools: 50, modelCapped: 44, toolCapped: 0 });
  });

  it('caps the tools separately from the model', () => {
    const { router, model, tools } = run({ maxModelFps: 0.5, maxToolFps: 4 }, camera(20, 4));
    expect(model).toEqual([0, 1500, 3500]);
    expect(tools).toEqual([
      0, 200, 450, 700, 950, 1200, 1450, 1700, 1950, 2200, 2450, 2700, 2950, 3200, 3450, 3700, 3950,
    ]);
    const stats = router.stats();
    expect(stats.frames).toBe(80);
    expect(stats.toModel + stats.modelCapped).toBe(80);
    expect(stats.toTools + stats.toolCapped).toBe(80);
    expect(stats).toMatchObject({ toModel: 3, toTools: 17 });
  });

  it('passes every frame of a jittery camera at exactly the cap', () => {
    // 2 fps (one every 500 ms), each frame up to 60 ms early or late
    const jitter = [0, 60, -60, 60, -50, 40, -60, 0, 55, -25];
    const times = jitter.map((j, i) => 1000 + i * 500 + j);
    const { router, model } = run({ maxModelFps: 2 }, times);
    expect(model).toEqual(times);
    expect(router.stats().modelCapped).toBe(0);
  });

  it('never goes over the cap in the long run: n seconds hold at most n * fps + 2 frames, even in bursts', () => {
    // bursts of 30 frames at one instant every 700 ms, then a pause, then a 60 fps camera
    const times = [
      ...Array.from({ length: 20 }, (_, i) => Array<number>(30).fill(i * 700)).flat(),
      ...camera(60, 30).map((t) => t + 30_000),
    ];
    const fps = 1.5;
    const { model } = run({ maxModelFps: fps }, times);
    for (let i = 0; i < model.length; i++) {
      for (let j = i + 1; j < model.length; j++) {
        const seconds = ((model[j] ?? 0) - (model[i] ?? 0)) / 1000;
        expect(j - i + 1).toBeLessThanOrEqual(Math.floor(seconds * fps) + 2);
      }
    }
    // and it does not starve either: fps frames a second over the 13.3 s of bursts and the 30 s of camera
    expect(model.length).toBeGreaterThanOrEqual(Math.floor(13.3 * fps) + Math.floor(30 * fps));
  });

  it('starts afresh after a pause: no burst of saved-up frames', () => {
    const { model } = run({ maxModelFps: 1 }, [0, 60_000, 60_010, 60_100, 60_500, 60_760, 61_000]);
    expect(model).toEqual([0, 60_000, 60_760]);
  });

  it('a clock set back (the default scheduler reads the wall clock) does not hold frames until it catches up', () => {
    let time = 1_000_000;
    const clock = { now: () => time, schedule: new VirtualTimeScheduler().schedule } as SchedulerLike;
    const router = new VideoRouter({ maxModelFps: 1 }, clock);
    const at = (t: number) => {
      time = t;
      return router.route().model;
    };
    expect([at(1_000_000), at(1_000_500), at(1_001_000)]).toEqual([true, false, true]);
    // set back an hour: frames keep their rate from the new time on
    expect([at(-2_600_000), at(-2_599_900), at(-2_599_000), at(-2_598_000)]).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect(router.stats()).toMatchObject({ toModel: 5, modelCapped: 2 });
  });

  it('a per-frame `to` overrides the default for that frame only, and the caps still apply to it', () => {
    const { router, routes } = run({ to: 'tools', maxModelFps: 1 }, [0, 100, 200, 1000, 1100], (i) =>
      i === 0 || i === 1 ? { to: 'model' } : i === 3 ? { to: 'both' } : undefined,
    );
    expect(routes.map((r) => r.route)).toEqual([
      { model: true, tools: false },
      { model: false, tools: false }, // over the model's cap: goes nowhere, counted
      { model: false, tools: true },
      { model: true, tools: true },
      { model: false, tools: true },
    ]);
    expect(router.stats()).toEqual({ frames: 5, toModel: 2, toTools: 3, modelCapped: 1, toolCapped: 0 });
    // an empty override keeps the default
    expect(run({ to: 'tools' }, [0], () => ({})).routes[0]?.route).toEqual({ model: false, tools: true });
  });

  it('refuses a bad per-frame override with INVALID_OPTION and counts nothing for it', () => {
    const router = new VideoRouter({ maxModelFps: 1 }, new VirtualTimeScheduler());
    const bad: unknown[] = [{ to: 'camera' }, { to: 1 }, { to: null }, 'tools', 7, null];
    for (const options of bad) {
      const error = invalid(() => router.route(options as SendVideoOptions));
      expect(error.message).toMatch(/^sendVideoFrame: options/);
    }
    expect(invalid(() => router.route({ to: 'camera' } as never)).message).toBe(
      `sendVideoFrame: options.to must be 'tools', 'model' or 'both', got "camera".`,
    );
    expect(router.stats().frames).toBe(0);
    // the refused frames took no slot of the cap
    expect(router.route()).toEqual({ model: true, tools: true });
  });

  it('reads the time from the scheduler it was given (TestScheduler)', () => {
    const testScheduler = createTestScheduler(expect);
    testScheduler.run(({ cold, expectObservable }) => {
      const router = new VideoRouter({ maxModelFps: 2 }, testScheduler);
      // a at 0, b at 100, c at 300, d at 400, e at 700: one every 500 ms, 125 ms early at most
      const frames = cold('a 99ms b 199ms c 99ms d 299ms e|');
      const marked = frames.pipe(map((v) => (router.route().model ? v : v.toUpperCase())));
      expectObservable(marked).toBe('a 99ms B 199ms C 99ms d 299ms E|');
    });
  });
});

describe('checkVideoRouting', () => {
  it('takes nothing, an empty object and every well-formed option', () => {
    for (const options of [
      undefined,
      {},
      { to: 'tools' },
      { to: 'model', maxModelFps: 0.1 },
      { to: 'both', maxModelFps: 1, maxToolFps: 30 },
      { maxToolFps: 1e-3 },
      { to: undefined, maxModelFps: undefined },
    ]) {
      expect(() => checkVideoRouting(options)).not.toThrow();
    }
  });

  it('refuses a bad option with an INVALID_OPTION error that names the field and says what to do', () => {
    const cases: [unknown, string][] = [
      [null, "createLiveAgent: video must be an object such as { to: 'tools' }, got null."],
      ['tools', `createLiveAgent: video must be an object such as { to: 'tools' }, got "tools".`],
      [[], "createLiveAgent: video must be an object such as { to: 'tools' }, got an array."],
      [{ to: 'camera' }, `createLiveAgent: video.to must be 'tools', 'model' or 'both', got "camera".`],
      [
        { maxFps: 2 },
        'createLiveAgent: video has no option "maxFps"; its options are to, maxModelFps and maxToolFps.',
      ],
      [
        { maxModelFps: 0 },
        "createLiveAgent: video.maxModelFps must be a positive number of frames per second (0.5 is one every two seconds), got 0. To send the model no frames, set video.to: 'tools'.",
      ],
      [
        { maxToolFps: -1 },
        'createLiveAgent: video.maxToolFps must be a positive number of frames per second (0.5 is one every two seconds), got -1. Leave it out for no cap.',
      ],
    ];
    for (const [options, message] of cases)
      expect(invalid(() => checkVideoRouting(options)).message).toBe(message);
    for (const fps of [Number.NaN, Number.POSITIVE_INFINITY, '2', null, 1n, {}]) {
      expect(invalid(() => checkVideoRouting({ maxModelFps: fps })).message).toMatch(
        /^createLiveAgent: video\.maxModelFps must be a positive number/,
      );
      expect(invalid(() => checkVideoRouting({ maxToolFps: fps })).message).toMatch(
        /^createLiveAgent: video\.maxToolFps must be a positive number/,
      );
    }
    // a long string is cut in the message
    expect(invalid(() => checkVideoRouting({ to: 'x'.repeat(10_000) })).message.length).toBeLessThan(150);
  });
});
