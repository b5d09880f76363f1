import * as zlib from 'node:zlib';
import { silentLogger, type VideoFrame } from '@livetools/core';
import { createTestScheduler } from '@livetools/core/testing';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { frameDecodeErrorCodes } from '../test/support/decode/expect-decode-error.js';
import { type HostileClass, type HostileFrame, hostileFrames } from '../test/support/hostile-frames.js';
import { createChangeDetector } from './change-detector.js';
import { FrameDecodeError } from './decode/frame-decode-error.js';
import { DEFAULT_MAX_DECODED_BYTES } from './decode/limits.js';
import type { FrameAnalysisSession, FrameAnalyzer } from './frame-analyzer.js';
import { watchFrames } from './watch-frames.js';

// Every inflation on this thread goes through this spy, so each frame's inflated bytes are counted.
vi.mock('node:zlib', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:zlib')>();
  return { ...actual, inflateSync: vi.fn(actual.inflateSync) };
});
const inflateSpy = vi.mocked(zlib.inflateSync);

/** What analysing one frame came to. */
type Outcome =
  | { readonly kind: 'decoded' }
  | { readonly kind: 'typed'; readonly code: string; readonly message: string }
  | { readonly kind: 'lost'; readonly detail: string };

function classify(error: unknown): Outcome {
  if (FrameDecodeError.isInstance(error) && frameDecodeErrorCodes.includes(error.code)) {
    return { kind: 'typed', code: error.code, message: error.message };
  }
  return { kind: 'lost', detail: error instanceof Error ? `${error.name}: ${error.message}` : typeof error };
}

async function outcomeOf(session: FrameAnalysisSession, frame: HostileFrame, time: number): Promise<Outcome> {
  try {
    await session.analyze({ data: frame.data, mimeType: frame.mimeType, time } as VideoFrame);
    return { kind: 'decoded' };
  } catch (error) {
    return classify(error);
  }
}

function openSession(analyzer: FrameAnalyzer, scheduler = createTestScheduler()): FrameAnalysisSession {
  return analyzer.open({ signal: new AbortController().signal, logger: silentLogger, scheduler });
}

/** Whether an outcome is the answer the catalogue calls correct. */
function answeredClearly(frame: HostileFrame, outcome: Outcome): boolean {
  if (outcome.kind === 'lost') return false;
  if (frame.answer === 'decoded') return outcome.kind === 'decoded';
  if (frame.answer === 'error')
    return outcome.kind === 'typed' && (frame.code === undefined || outcome.code === frame.code);
  return true;
}

interface Tally {
  tried: number;
  answeredClearly: number;
  lost: number;
}

function tally(frames: readonly HostileFrame[], outcomes: readonly Outcome[]): Record<HostileClass, Tally> {
  const table = {} as Record<HostileClass, Tally>;
  frames.forEach((frame, i) => {
    const row = table[frame.kind] ?? { tried: 0, answeredClearly: 0, lost: 0 };
    table[frame.kind] = row;
    const outcome = outcomes[i]!;
    row.tried++;
    if (answeredClearly(frame, outcome)) row.answeredClearly++;
    if (outcome.kind === 'lost') row.lost++;
  });
  return table;
}

/** The table with every frame answered clearly and none lost. */
function allClear(table: Record<HostileClass, Tally>): Record<HostileClass, Tally> {
  const clear = {} as Record<HostileClass, Tally>;
  for (const [kind, row] of Object.entries(table) as [HostileClass, Tally][]) {
    clear[kind] = { tried: row.tried, answeredClearly: row.tried, lost: 0 };
  }
  return clear;
}

/** Each wrong answer, for a readable failure. */
function wrongAnswers(frames: readonly HostileFrame[], outcomes: readonly Outcome[]) {
  return frames.flatMap((frame, i) =>
    answeredClearly(frame, outcomes[i]!)
      ? []
      : [{ name: frame.name, expected: frame.answer, code: frame.code, got: outcomes[i] }],
  );
}

let frames: HostileFrame[];
beforeAll(async () => {
  frames = await hostileFrames();
});

describe('hostile frames', () => {
  const pooled = createChangeDetector({ workers: 1 });
  let mainThread: Outcome[] = [];

  it('each gets a typed FrameDecodeError or a valid decode on the main thread, inflating at most the limit', async () => {
    const session = openSession(createChangeDetector());
    const outcomes: Outcome[] = [];
    const overCap: string[] = [];
    for (const [i, frame] of frames.entries()) {
      inflateSpy.mockClear();
      outcomes.push(await outcomeOf(session, frame, i));
      // Count the bytes: what zlib was allowed to produce for this frame, and what it returned.
      const caps = inflateSpy.mock.calls.map(
        (call) => (call[1] as zlib.ZlibOptions).maxOutputLength ?? Infinity,
      );
      const returned = inflateSpy.mock.results.map((r) =>
        r.type === 'return' ? (r.value as Buffer).length : 0,
      );
      const allowed = caps.reduce((sum, cap) => sum + cap, 0);
      if (allowed > DEFAULT_MAX_DECODED_BYTES || returned.some((n, k) => n > caps[k]!)) {
        overCap.push(`${frame.name}: caps ${caps.join(', ')}, returned ${returned.join(', ')}`);
      }
      // A frame refused from its header is never inflated at all.
      if (frame.code === 'IMAGE_TOO_LARGE' && caps.length > 0) overCap.push(`${frame.name}: inflated`);
    }
    mainThread = outcomes;
    console.log('hostile frames, main thread:', tally(frames, outcomes));
    expect(wrongAnswers(frames, outcomes)).toEqual([]);
    expect(overCap).toEqual([]);
    expect(tally(frames, outcomes)).toEqual(allClear(tally(frames, outcomes)));
  });

  it('each gets the same answer when decoded in the worker pool', async () => {
    const session = openSession(pooled);
    const outcomes: Outcome[] = [];
    for (const [i, frame] of frames.entries()) outcomes.push(await outcomeOf(session, frame, i));
    console.log('hostile frames, worker pool:', tally(frames, outcomes));
    expect(wrongAnswers(frames, outcomes)).toEqual([]);
    expect(outcomes).toEqual(mainThread);
  });

  describe.each([
    ['on the main thread', () => createChangeDetector()],
    ['in the worker pool', () => pooled],
  ])('in a watch %s', (_where, analyzer) => {
    it('are each reported, and the frame after each one is analysed: nothing behind a bad frame is lost', async () => {
      const good = frames.find((f) => f.kind === 'wrong MIME type')!;
      // good, hostile, good, hostile, ..., good: one frame per look, so none is passed over.
      const sequence = [good, ...frames.flatMap((frame) => [frame, good])];
      const clock = createTestScheduler();
      const inner = openSession(analyzer(), clock);
      const outcomes: Outcome[] = [];
      let settled: Promise<void> = Promise.resolve();
      const counting: FrameAnalysisSession = {
        analyze: (frame) => {
          const result = Promise.resolve().then(() => inner.analyze(frame));
          settled = result.then(
            () => void outcomes.push({ kind: 'decoded' }),
            (error: unknown) => void outcomes.push(classify(error)),
          );
          return result;
        },
      };
      const video$ = new Subject<VideoFrame>();
      const reports: { event: string; description: string; skipped: number; analyzed: number }[] = [];
      const subscription = watchFrames(video$, counting, {
        intervalMs: 100,
        noVideoMs: 1e12,
        scheduler: clock,
      }).subscribe((r) =>
        reports.push({ ...r.observation, skipped: r.skippedFrames, analyzed: r.analyzedFrames }),
      );
      for (const [i, frame] of sequence.entries()) {
        video$.next({ data: frame.data, mimeType: frame.mimeType, time: i } as VideoFrame);
        await settled;
        // Let watchFrames take the settled analysis, then move to the next look.
        await new Promise<void>((resolve) => setImmediate(resolve));
        clock.maxFrames = (i + 1) * 100;
        clock.flush();
      }
      subscription.unsubscribe();

      expect(outcomes).toHaveLength(sequence.length);
      const errors = outcomes.flatMap((o) => (o.kind === 'typed' ? [o.message] : []));
      const reportedErrors = reports.filter((r) => r.event === 'analysis_error').map((r) => r.description);
      expect(reportedErrors).toEqual(errors.map((message) => `The frame could not be analysed: ${message}`));
      // Every good frame after a hostile one was analysed and decoded.
      expect(outcomes.filter((_, i) => sequence[i] === good).every((o) => o.kind === 'decoded')).toBe(true);
      expect(outcomes.filter((o) => o.kind === 'lost')).toEqual([]);
      expect(reports.reduce((sum, r) => sum + r.skipped, 0)).toBe(0);
    });
  });

  afterAll(() => inflateSpy.mockRestore());
});
