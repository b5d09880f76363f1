import type { Logger, VideoFrame } from '@livetools/core';
import type { SchedulerLike } from 'rxjs';

/** What one `monitor_video_stream` call asks its analyzer to watch. */
export interface AnalysisRequest {
  /** What the model asked to watch for, in its own words; absent when it asked for any change. */
  readonly watchFor?: string;
  /** Aborted when the call ends; pass it to network requests. */
  readonly signal: AbortSignal;
  /** The call's logger. */
  readonly logger: Logger;
  /** The session's scheduler: use it for every timer (timeouts, backoff) so tests run in virtual time. */
  readonly scheduler: SchedulerLike;
}

/**
 * Something an analyzer noticed in a frame, reported to the model as one streamed result.
 */
export interface FrameObservation {
  /**
   * A short machine-readable name of what happened, e.g. `motion_started`, `lights_off`,
   * `scene_change` or `answer_changed`.
   */
  readonly event: string;
  /** One sentence for the model, e.g. "Motion started on the left of the picture." */
  readonly description: string;
  /** How large the change is, from 0 (none) to 1 (everything changed). */
  readonly changeScore: number;
  /**
   * `false` for observations the model should have in context without reacting to them (the
   * first look at the scene, for example): they are sent `SILENT`. Default `true`.
   */
  readonly notable?: boolean;
  /** Extra JSON-serialisable facts for the model (a count, an answer, a region). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * One call's analysis state. `monitor_video_stream` calls {@link FrameAnalysisSession.analyze}
 * with one frame at a time and never before the previous analysis settled, so a session needs
 * no locking of its own.
 */
export interface FrameAnalysisSession {
  /**
   * Looks at the newest frame. Resolves to an observation when the result changed since the last
   * one reported, or to `undefined` when there is nothing new to say. A rejection is reported to
   * the model as an `analysis_error` result and the call keeps watching.
   */
  analyze(frame: VideoFrame): FrameObservation | undefined | Promise<FrameObservation | undefined>;
  /** Releases what the session holds. Called once when the call ends, for any reason. */
  close?(): void;
}

/**
 * Turns frames into observations. One analyzer serves every call; each call opens its own
 * {@link FrameAnalysisSession}.
 *
 * @example
 * ```ts
 * import type { FrameAnalyzer } from '@livetools/tools-video';
 *
 * // Reports every frame's size in bytes when it changes by more than 10%.
 * const sizeWatcher: FrameAnalyzer = {
 *   name: 'frame-size',
 *   open: () => {
 *     let last = 0;
 *     return {
 *       analyze: (frame) => {
 *         const size = frame.data.length;
 *         if (last !== 0 && Math.abs(size - last) / last < 0.1) return undefined;
 *         const changeScore = last === 0 ? 0 : Math.min(1, Math.abs(size - last) / last);
 *         last = size;
 *         return { event: 'size_changed', description: `Frames are now ${size} bytes.`, changeScore };
 *       },
 *     };
 *   },
 * };
 * ```
 */
export interface FrameAnalyzer {
  /** A short name shown in results and logs, e.g. `local-change-detector`. */
  readonly name: string;
  /** A sentence for the tool's description saying what this analyzer can see. */
  readonly capabilities?: string;
  /** Starts one call's analysis. */
  open(request: AnalysisRequest): FrameAnalysisSession;
}
