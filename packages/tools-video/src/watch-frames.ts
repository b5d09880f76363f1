import type { VideoFrame } from '@livetools/core';
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { FrameAnalysisSession, FrameObservation } from './frame-analyzer.js';

/** One thing {@link watchFrames} reports. */
export interface FrameReport {
  /** What was seen, or a report about the stream itself (`no_video`, `video_resumed`, `analysis_error`). */
  readonly observation: FrameObservation;
  /** When the analysed frame was sent (epoch ms); for stream reports, the time of the report. */
  readonly frameTime: number;
  /** Frames replaced by a newer one before they could be analysed, since the previous report. */
  readonly skippedFrames: number;
  /** Frames analysed since the previous report, this one included. */
  readonly analyzedFrames: number;
  /** The frame the analyzer reported on; absent for stream reports (`no_video`, `video_resumed`, `analysis_error`). */
  readonly frame?: VideoFrame;
}

/** Options of {@link watchFrames}. */
export interface WatchFramesOptions {
  /** The least time between two looks, in milliseconds. */
  readonly intervalMs: number;
  /** Report `no_video` after this many milliseconds without a frame. */
  readonly noVideoMs: number;
  /** The scheduler for every timer (virtual time in tests). */
  readonly scheduler: SchedulerLike;
  /**
   * After this many milliseconds without an answer, an analysis is reported as stalled
   * (`analysis_error`, once per analysis); watching resumes when it settles. Default: never.
   */
  readonly analysisTimeoutMs?: number;
}

/** The analyzer's error in words; never throws (it runs in a frame's or a promise's callback). */
function errorMessage(error: unknown): string {
  try {
    const message: unknown = error instanceof Error ? error.message : String(error);
    if (typeof message === 'string') return message;
    if (typeof message === 'number' || typeof message === 'boolean') return `${message}`;
  } catch {
    // an object without toString, a throwing getter or a revoked Proxy
  }
  return 'an error that cannot be described';
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

/** An analyzer's result that is neither an observation (an object) nor `undefined`, in words. */
function notAnObservation(value: unknown): string | undefined {
  if (value === undefined || (typeof value === 'object' && value !== null)) return undefined;
  const kind = value === null ? 'null' : typeof value;
  return `the analysis gave ${kind}, not an observation (an object) or undefined`;
}

/**
 * Analyses the frames of `video$` at most once every `intervalMs` and reports what the analysis
 * session says changed. When a look is due and no frame is waiting, the next frame to arrive is
 * analysed at once, so a camera at or below the look rate is analysed frame by frame with no
 * frame held in between. Frames are never queued: a frame that arrives before the next look is due,
 * or while an analysis runs, waits as the newest one, and replaces (and counts as skipped) any
 * frame already waiting; it is analysed when the look is due and the analysis before it has
 * settled. An analysis that fails is reported as `analysis_error` (once per run of equal errors)
 * and watching goes on.
 *
 * @internal
 */
export function watchFrames(
  video$: Observable<VideoFrame>,
  session: FrameAnalysisSession,
  options: WatchFramesOptions,
): Observable<FrameReport> {
  return new Observable<FrameReport>((subscriber) => {
    const { scheduler, intervalMs, noVideoMs } = options;
    const analysisTimeoutMs = options.analysisTimeoutMs ?? Number.POSITIVE_INFINITY;
    /** Reports the running analysis as stalled once it has taken `analysisTimeoutMs`. */
    let stallTimer: Subscription | undefined;
    let waiting: VideoFrame | undefined;
    let busy = false;
    let skipped = 0;
    let analyzed = 0;
    let lastFrameAt = scheduler.now();
    let noVideoReported = false;
    let lastError: string | undefined;
    let lastLookAt = Number.NEGATIVE_INFINITY;
    let dueTimer: Subscription | undefined;

    const report = (observation: FrameObservation, frameTime: number, frame?: VideoFrame): void => {
      subscriber.next(
        frame === undefined
          ? { observation, frameTime, skippedFrames: skipped, analyzedFrames: analyzed }
          : { observation, frameTime, skippedFrames: skipped, analyzedFrames: analyzed, frame },
      );
      skipped = 0;
      analyzed = 0;
    };

    const settle = (
      frame: VideoFrame,
      outcome: { ok: true; value: FrameObservation | undefined } | { ok: false; error: unknown },
    ): void => {
      busy = false;
      if (subscriber.closed) return;
      const wrong = outcome.ok ? notAnObservation(outcome.value) : undefined;
      if (wrong !== undefined) outcome = { ok: false, error: new TypeError(wrong) };
      if (outcome.ok) {
        lastError = undefined;
        if (outcome.value !== undefined) report(outcome.value, frame.time, frame);
      } else {
        const message = errorMessage(outcome.error);
        if (message !== lastError) {
          lastError = message;
          report(
            {
              event: 'analysis_error',
              description: `The frame could not be analysed: ${message}`,
              changeScore: 0,
            },
            frame.time,
          );
        }
      }
      // A frame that arrived during the analysis is looked at once the next look is due.
      lookWhenDue();
    };

    /** Reports `no_video` once the camera has been silent for `noVideoMs` (checked every `intervalMs`). */
    const checkNoVideo = (): void => {
      if (busy || waiting !== undefined || noVideoReported) return;
      if (scheduler.now() - lastFrameAt < noVideoMs) return;
      noVideoReported = true;
      report(
        {
          event: 'no_video',
          description: `No camera frames have arrived for ${Math.round(noVideoMs / 1000)} s; the camera may be off or not shared.`,
          changeScore: 0,
        },
        scheduler.now(),
      );
    };

    /** Looks at the waiting frame now if a look is due, or arms one timer for when it will be. */
    const lookWhenDue = (): void => {
      if (busy || waiting === undefined || dueTimer !== undefined || subscriber.closed) return;
      const wait = lastLookAt + intervalMs - scheduler.now();
      if (wait > 0) {
        dueTimer = scheduler.schedule(() => {
          dueTimer = undefined;
          lookWhenDue();
        }, wait);
        return;
      }
      const frame = waiting;
      waiting = undefined;
      busy = true;
      analyzed++;
      lastLookAt = scheduler.now();
      // Settled once: a thenable may call back twice, or call back and then throw.
      let settled = false;
      const once = (outcome: Parameters<typeof settle>[1]): void => {
        if (settled) return;
        settled = true;
        stallTimer?.unsubscribe();
        stallTimer = undefined;
        settle(frame, outcome);
      };
      let result: ReturnType<FrameAnalysisSession['analyze']>;
      try {
        result = session.analyze(frame);
        // A thenable's `then` (or reading it) may throw too: in a frame's callback, it would end
        // the watch or, from RxJS's error reporting, the process.
        if (isPromiseLike<FrameObservation | undefined>(result)) {
          result.then(
            (value) => once({ ok: true, value }),
            (error: unknown) => once({ ok: false, error }),
          );
          // An analysis that never settles would leave the watch silent: the model is told. No
          // other analysis starts meanwhile (an analyzer may keep state from one to the next).
          if (!settled && Number.isFinite(analysisTimeoutMs)) {
            stallTimer = scheduler.schedule(() => {
              stallTimer = undefined;
              if (settled || subscriber.closed) return;
              report(
                {
                  event: 'analysis_error',
                  description: `The frame analysis has not finished after ${Math.round(analysisTimeoutMs / 1000)} s; watching resumes when it does.`,
                  changeScore: 0,
                },
                scheduler.now(),
              );
            }, analysisTimeoutMs);
          }
          return;
        }
      } catch (error) {
        once({ ok: false, error });
        return;
      }
      once({ ok: true, value: result });
    };

    const frames: Subscription = video$.subscribe({
      next: (frame) => {
        if (waiting !== undefined) skipped++;
        waiting = frame;
        lastFrameAt = scheduler.now();
        if (noVideoReported) {
          noVideoReported = false;
          report(
            {
              event: 'video_resumed',
              description: 'Camera frames are arriving again.',
              changeScore: 0,
              notable: false,
            },
            frame.time,
          );
        }
        lookWhenDue();
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    const noVideoChecks = scheduler.schedule(function tick() {
      checkNoVideo();
      this.schedule(undefined, intervalMs);
    }, 0);
    return () => {
      noVideoChecks.unsubscribe();
      dueTimer?.unsubscribe();
      stallTimer?.unsubscribe();
      frames.unsubscribe();
      waiting = undefined;
      session.close?.();
    };
  });
}
