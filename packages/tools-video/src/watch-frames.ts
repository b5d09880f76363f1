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
}

/** Options of {@link watchFrames}. */
export interface WatchFramesOptions {
  /** Milliseconds between two looks at the newest frame. */
  readonly intervalMs: number;
  /** Report `no_video` after this many milliseconds without a frame. */
  readonly noVideoMs: number;
  /** The scheduler for every timer (virtual time in tests). */
  readonly scheduler: SchedulerLike;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

/**
 * Looks at the newest frame of `video$` every `intervalMs` and reports what the analysis session
 * says changed. Frames are never queued: a frame that arrives while another is waiting replaces
 * it (and is counted as skipped), and a look that finds the previous analysis still running is
 * passed over. An analysis that fails is reported as `analysis_error` (once per run of equal
 * errors) and watching goes on.
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
    let waiting: VideoFrame | undefined;
    let busy = false;
    let skipped = 0;
    let analyzed = 0;
    let lastFrameAt = scheduler.now();
    let noVideoReported = false;
    let lastError: string | undefined;

    const report = (observation: FrameObservation, frameTime: number): void => {
      subscriber.next({ observation, frameTime, skippedFrames: skipped, analyzedFrames: analyzed });
      skipped = 0;
      analyzed = 0;
    };

    const settle = (
      frame: VideoFrame,
      outcome: { ok: true; value: FrameObservation | undefined } | { ok: false; error: unknown },
    ): void => {
      busy = false;
      if (subscriber.closed) return;
      if (!outcome.ok) {
        const message = errorMessage(outcome.error);
        if (message === lastError) return;
        lastError = message;
        report(
          {
            event: 'analysis_error',
            description: `The frame could not be analysed: ${message}`,
            changeScore: 0,
          },
          frame.time,
        );
        return;
      }
      lastError = undefined;
      if (outcome.value !== undefined) report(outcome.value, frame.time);
    };

    const look = (): void => {
      if (busy) return;
      const frame = waiting;
      if (frame === undefined) {
        if (!noVideoReported && scheduler.now() - lastFrameAt >= noVideoMs) {
          noVideoReported = true;
          report(
            {
              event: 'no_video',
              description: `No camera frames have arrived for ${Math.round(noVideoMs / 1000)} s; the camera may be off or not shared.`,
              changeScore: 0,
            },
            scheduler.now(),
          );
        }
        return;
      }
      waiting = undefined;
      busy = true;
      analyzed++;
      let result: ReturnType<FrameAnalysisSession['analyze']>;
      try {
        result = session.analyze(frame);
      } catch (error) {
        settle(frame, { ok: false, error });
        return;
      }
      if (isPromiseLike<FrameObservation | undefined>(result)) {
        result.then(
          (value) => settle(frame, { ok: true, value }),
          (error: unknown) => settle(frame, { ok: false, error }),
        );
      } else {
        settle(frame, { ok: true, value: result });
      }
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
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    const looks = scheduler.schedule(function tick() {
      look();
      this.schedule(undefined, intervalMs);
    }, 0);
    return () => {
      looks.unsubscribe();
      frames.unsubscribe();
      waiting = undefined;
      session.close?.();
    };
  });
}
