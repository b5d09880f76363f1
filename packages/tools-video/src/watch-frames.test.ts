import type { VideoFrame } from '@livetools/core';
import { createTestScheduler } from '@livetools/core/testing';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { FrameAnalysisSession, FrameObservation } from './frame-analyzer.js';
import { type FrameReport, watchFrames } from './watch-frames.js';

/** A virtual clock that advances only when told to. */
function clock() {
  const scheduler = createTestScheduler(expect);
  return {
    scheduler,
    /** Runs every timer due up to `time` (virtual milliseconds). */
    advanceTo(time: number) {
      scheduler.maxFrames = time;
      scheduler.flush();
    },
    at(time: number, work: () => void) {
      scheduler.schedule(work, time - scheduler.now());
    },
  };
}

const frame = (time: number): VideoFrame => ({ data: String(time), mimeType: 'image/jpeg', time });

const changed = (frameData: string): FrameObservation => ({
  event: 'changed',
  description: `saw ${frameData}`,
  changeScore: 0.5,
});

/** Microtasks run (settling promised analyses) without moving virtual time. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function watch(
  session: FrameAnalysisSession,
  options: { intervalMs?: number; noVideoMs?: number; analysisTimeoutMs?: number } = {},
) {
  const time = clock();
  const video$ = new Subject<VideoFrame>();
  const reports: FrameReport[] = [];
  const subscription = watchFrames(video$, session, {
    intervalMs: options.intervalMs ?? 1000,
    noVideoMs: options.noVideoMs ?? 60_000,
    ...(options.analysisTimeoutMs === undefined ? {} : { analysisTimeoutMs: options.analysisTimeoutMs }),
    scheduler: time.scheduler,
  }).subscribe((report) => reports.push(report));
  return { ...time, video$, reports, subscription };
}

describe('watchFrames', () => {
  it('analyses the first frame at once, then only the newest frame at each due look, and counts the ones passed over', () => {
    const seen: number[] = [];
    const w = watch({
      analyze: (f) => {
        seen.push(f.time);
        return changed(f.data);
      },
    });
    for (let t = 50; t < 3000; t += 100) w.at(t, () => w.video$.next(frame(t)));
    w.advanceTo(3000);
    // The first frame (50) is analysed as it arrives; the next looks are due at 1050 and 2050,
    // and the frames between wait, each replacing the one before it.
    expect(seen).toEqual([50, 1050, 2050]);
    expect(w.reports.map((r) => [r.frameTime, r.skippedFrames, r.analyzedFrames])).toEqual([
      [50, 0, 1],
      [1050, 9, 1],
      [2050, 9, 1],
    ]);
    w.subscription.unsubscribe();
  });

  it('analyses a camera at the look rate frame by frame as each arrives, holding none', () => {
    const seenAt: [number, number][] = [];
    const w = watch({
      analyze: (f) => {
        seenAt.push([f.time, w.scheduler.now()]);
        return undefined;
      },
    });
    // one frame a second at phase 300, then one a millisecond early (jitter), then on time again
    for (const t of [300, 1300, 2300, 3299, 4300]) w.at(t, () => w.video$.next(frame(t)));
    w.advanceTo(5000);
    expect(seenAt).toEqual([
      [300, 300],
      [1300, 1300],
      [2300, 2300],
      [3299, 3300], // early by 1 ms: it waits until the look is due
      [4300, 4300],
    ]);
    w.subscription.unsubscribe();
  });

  it('accumulates skipped and analysed counts across looks that report nothing', () => {
    let looks = 0;
    const w = watch({ analyze: () => (++looks === 3 ? changed('third') : undefined) });
    for (let t = 100; t < 3000; t += 250) w.at(t, () => w.video$.next(frame(t)));
    w.advanceTo(3000);
    expect(looks).toBe(3);
    expect(w.reports).toHaveLength(1);
    // looks at 100, 1100 and 2100; of the 9 frames in between, 6 were replaced before a look
    // (350, 600, 850 and 1350, 1600, 1850) and 2350..2850 still wait for the look due at 3100
    expect(w.reports[0]).toMatchObject({ frameTime: 2100, skippedFrames: 6, analyzedFrames: 3 });
    w.subscription.unsubscribe();
  });

  it('holds at most one frame while a slow analysis runs, however fast frames arrive', async () => {
    const pending: ((o: FrameObservation | undefined) => void)[] = [];
    const analysed: number[] = [];
    const w = watch(
      {
        analyze: (f) => {
          analysed.push(f.time);
          return new Promise((resolve) => pending.push(resolve));
        },
      },
      { intervalMs: 100 },
    );
    w.video$.next(frame(1));
    w.advanceTo(0);
    expect(analysed).toEqual([1]);
    // 100,000 frames while the first analysis is still running: none are queued.
    for (let i = 2; i <= 100_001; i++) w.video$.next(frame(i));
    w.advanceTo(1000);
    expect(analysed).toEqual([1]);
    pending[0]?.(changed('1'));
    await settle();
    // frames 2..100,000 were each replaced by the next one before any look could take them
    expect(w.reports.map((r) => [r.frameTime, r.skippedFrames])).toEqual([[1, 99_999]]);
    // the look was due long ago, so the newest frame is taken as soon as the analysis settles
    expect(w.scheduler.now()).toBe(1000);
    expect(analysed).toEqual([1, 100_001]);
    w.advanceTo(1100);
    expect(analysed).toEqual([1, 100_001]);
    pending[1]?.(changed('100001'));
    await settle();
    expect(w.reports.map((r) => [r.frameTime, r.skippedFrames, r.analyzedFrames])).toEqual([
      [1, 99_999, 1],
      [100_001, 0, 1],
    ]);
    w.subscription.unsubscribe();
  });

  it('reports an analysis error once per run of equal errors and keeps watching', async () => {
    const outcomes: (() => FrameObservation | undefined)[] = [
      () => {
        throw new Error('bad frame');
      },
      () => {
        throw new Error('bad frame');
      },
      () => {
        throw new Error('other problem');
      },
      () => changed('ok'),
      () => {
        throw new Error('other problem');
      },
    ];
    let i = 0;
    const w = watch({ analyze: async () => (outcomes[i++] ?? (() => undefined))() });
    for (let t = 500; t < 5000; t += 1000) w.at(t, () => w.video$.next(frame(t)));
    for (let t = 1000; t <= 5000; t += 1000) {
      w.advanceTo(t);
      await settle();
    }
    expect(i).toBe(5);
    expect(w.reports.map((r) => [r.observation.event, r.observation.description])).toEqual([
      ['analysis_error', 'The frame could not be analysed: bad frame'],
      ['analysis_error', 'The frame could not be analysed: other problem'],
      ['changed', 'saw ok'],
      ['analysis_error', 'The frame could not be analysed: other problem'],
    ]);
    expect(w.subscription.closed).toBe(false);
    w.subscription.unsubscribe();
  });

  it('treats a synchronous throw like a rejection', () => {
    const w = watch({
      analyze: () => {
        throw new TypeError('not an image');
      },
    });
    w.video$.next(frame(1));
    w.advanceTo(0);
    expect(w.reports.map((r) => r.observation.event)).toEqual(['analysis_error']);
    w.video$.next(frame(2));
    w.advanceTo(1000);
    expect(w.reports).toHaveLength(1);
    w.subscription.unsubscribe();
  });

  it('reports an analyzer result that is not an observation, and a thenable whose then throws, and the watch goes on', async () => {
    const results: unknown[] = [
      null,
      7,
      {
        // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what is tested
        then() {
          throw new Error('then boom');
        },
      },
      {
        // calls back, then throws: settled once
        // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what is tested
        then(resolve: (value: FrameObservation) => void) {
          resolve(changed('late'));
          throw new Error('after resolving');
        },
      },
      changed('fine'),
    ];
    let i = 0;
    const w = watch({ analyze: () => results[i++] as FrameObservation });
    for (let t = 0; t < 5000; t += 1000) w.at(t, () => w.video$.next(frame(t)));
    w.advanceTo(5000);
    await settle();
    expect(i).toBe(5);
    expect(w.reports.map((r) => r.observation.description)).toEqual([
      'The frame could not be analysed: the analysis gave null, not an observation (an object) or undefined',
      'The frame could not be analysed: the analysis gave number, not an observation (an object) or undefined',
      'The frame could not be analysed: then boom',
      'saw late',
      'saw fine',
    ]);
    expect(w.subscription.closed).toBe(false);
    w.subscription.unsubscribe();
  });

  it('tells when an analysis has not settled after analysisTimeoutMs, once, and goes on when it settles', async () => {
    let finish: (value: FrameObservation) => void = () => {};
    let calls = 0;
    const w = watch(
      {
        analyze: () => {
          calls += 1;
          return calls === 1
            ? new Promise<FrameObservation>((resolve) => {
                finish = resolve;
              })
            : changed('next');
        },
      },
      { analysisTimeoutMs: 5000 },
    );
    w.video$.next(frame(0));
    w.advanceTo(0);
    for (let t = 1000; t <= 12_000; t += 1000) w.at(t, () => w.video$.next(frame(t)));
    w.advanceTo(12_000);
    expect(calls).toBe(1); // no second analysis while the first runs
    expect(w.reports.map((r) => [r.observation.event, r.observation.description])).toEqual([
      ['analysis_error', 'The frame analysis has not finished after 5 s; watching resumes when it does.'],
    ]);
    finish(changed('late'));
    await settle();
    // the frame waiting since is analysed at once: watching goes on
    expect(w.reports.map((r) => r.observation.description).slice(1)).toEqual(['saw late', 'saw next']);
    expect(w.reports.at(-1)?.frameTime).toBe(12_000);
    w.subscription.unsubscribe();
  });

  it('an analyzer that throws something String() cannot describe is reported, and the watch goes on', () => {
    const unprintable = Object.create(null) as object; // no toString, no valueOf
    const throwingMessage = new Error('x');
    Object.defineProperty(throwingMessage, 'message', {
      get() {
        throw new Error('getter boom');
      },
    });
    // (the same error twice in a row is reported once: hence a different one between them)
    const outcomes: unknown[] = [unprintable, Object.assign(new Error(), { message: 42 }), throwingMessage];
    let i = 0;
    const w = watch({
      analyze: () => {
        throw outcomes[i++];
      },
    });
    for (let t = 0; t < 3000; t += 1000) w.at(t, () => w.video$.next(frame(t)));
    w.advanceTo(3000);
    expect(i).toBe(3);
    expect(w.reports.map((r) => r.observation.description)).toEqual([
      'The frame could not be analysed: an error that cannot be described',
      'The frame could not be analysed: 42',
      'The frame could not be analysed: an error that cannot be described',
    ]);
    expect(w.subscription.closed).toBe(false);
    w.subscription.unsubscribe();
  });

  it('says when no frames arrive, once, and when they come back', () => {
    const w = watch({ analyze: () => undefined }, { noVideoMs: 5000 });
    w.advanceTo(4000);
    expect(w.reports).toEqual([]);
    w.advanceTo(5000);
    expect(w.reports.map((r) => [r.observation.event, r.frameTime])).toEqual([['no_video', 5000]]);
    w.advanceTo(20_000);
    expect(w.reports).toHaveLength(1);
    w.at(20_500, () => w.video$.next(frame(20_500)));
    w.advanceTo(25_000);
    expect(w.reports.map((r) => [r.observation.event, r.observation.notable])).toEqual([
      ['no_video', undefined],
      ['video_resumed', false],
    ]);
    w.advanceTo(40_000);
    // frames stopped again at 20,500: reported again after 5 s without one
    expect(w.reports.map((r) => [r.observation.event, r.frameTime])).toEqual([
      ['no_video', 5000],
      ['video_resumed', 20_500],
      ['no_video', 26_000],
    ]);
    w.subscription.unsubscribe();
  });

  it('closes the analysis session, stops reading frames and ignores a late result when unsubscribed', async () => {
    let closed = 0;
    let resolveLate: ((o: FrameObservation | undefined) => void) | undefined;
    const w = watch({
      analyze: () =>
        new Promise((resolve) => {
          resolveLate = resolve;
        }),
      close: () => closed++,
    });
    w.video$.next(frame(1));
    w.advanceTo(0);
    expect(w.video$.observed).toBe(true);
    w.subscription.unsubscribe();
    expect(closed).toBe(1);
    expect(w.video$.observed).toBe(false);
    resolveLate?.(changed('late'));
    await settle();
    expect(w.reports).toEqual([]);
    // no timer is left behind
    expect(w.scheduler.actions).toHaveLength(0);
  });

  it('completes when the video stream completes (the session ended)', () => {
    let closed = 0;
    const w = watch({ analyze: () => undefined, close: () => closed++ });
    let completed = false;
    w.subscription.add(() => {
      completed = true;
    });
    w.video$.complete();
    expect(completed).toBe(true);
    expect(closed).toBe(1);
  });
});
