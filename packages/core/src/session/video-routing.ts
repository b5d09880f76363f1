import type { SchedulerLike } from 'rxjs';
import { LivetoolsError } from '../errors.js';

/**
 * Where a video frame goes: to the tools (`ctx.input.video$`), to the model (`realtimeInput.video`),
 * or to both.
 */
export type VideoDestination = 'tools' | 'model' | 'both';

/**
 * Where the frames of `session.sendVideoFrame` go, and how many per second each side gets at most
 * (the `video` option of `createLiveAgent`).
 *
 * On Gemini 3.x Live models every frame the model receives counts toward its context and cost,
 * while a tool that watches the camera (`monitor_video_stream`) may want every frame: send the
 * frames to the tools and few or none to the model.
 *
 * A cap spaces frames `1 / fps` seconds apart on average: a frame may come up to a quarter of that
 * interval early (so a camera sending at the cap loses no frame to a jitter of up to a quarter
 * interval between two frames), but the long-run
 * rate never exceeds the cap (`n` seconds hold at most `n * fps + 2` frames). A frame over a cap is
 * not sent to that side and is counted (`session.metrics().video`); it is not held for later.
 *
 * @example
 * ```ts
 * // every frame to the watching tools, one every two seconds to the model
 * const video: VideoRoutingOptions = { to: 'both', maxModelFps: 0.5 };
 * ```
 */
export interface VideoRoutingOptions {
  /** Where frames go unless `sendVideoFrame` says otherwise. Default `'both'`. */
  readonly to?: VideoDestination;
  /**
   * The most frames per second the model receives: a positive number (`0.5` is one every two
   * seconds). Default: no cap. To send the model none, set `to: 'tools'`.
   */
  readonly maxModelFps?: number;
  /** The most frames per second the tools receive: a positive number. Default: no cap. */
  readonly maxToolFps?: number;
}

/**
 * Per-frame options of `session.sendVideoFrame`.
 *
 * @example
 * ```ts
 * session.sendVideoFrame(jpeg, 'image/jpeg', { to: 'model' }); // this one for the model only
 * ```
 */
export interface SendVideoOptions {
  /**
   * Where this frame goes, instead of the session's `video.to`. The caps still apply (and the
   * frame counts toward them).
   */
  readonly to?: VideoDestination;
}

/**
 * Where one frame goes, as {@link VideoRouter.route} decided: both `false` when it goes nowhere
 * (its destinations were over their caps).
 */
export interface VideoRoute {
  /** Send it to the model as realtime input. */
  readonly model: boolean;
  /** Publish it to the tools on `ctx.input.video$`. */
  readonly tools: boolean;
}

/**
 * What happened to the video frames of a session so far (`session.metrics().video`). Every frame
 * given to `sendVideoFrame` is in `frames`; a frame meant for a side is either sent to it or
 * counted as capped there.
 *
 * @example
 * ```ts
 * const { frames, toModel, modelCapped } = session.metrics().video;
 * console.log(`${toModel} of ${frames} frames reached the model, ${modelCapped} over its cap`);
 * ```
 */
export interface VideoRoutingStats {
  /** Frames given to `sendVideoFrame` (on an open session). */
  readonly frames: number;
  /** Frames sent to the model (not written while the session is reconnecting: stale video is of no use later). */
  readonly toModel: number;
  /** Frames published to the tools. */
  readonly toTools: number;
  /** Frames meant for the model and not sent to it: over `maxModelFps`. */
  readonly modelCapped: number;
  /** Frames meant for the tools and not published to them: over `maxToolFps`. */
  readonly toolCapped: number;
}

const DESTINATIONS: readonly VideoDestination[] = ['tools', 'model', 'both'];
const KEYS = new Set(['to', 'maxModelFps', 'maxToolFps']);

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${value}`;
  return value === null ? 'null' : typeof value;
}

function checkDestination(where: string, value: unknown): void {
  if (
    value === undefined ||
    (typeof value === 'string' && (DESTINATIONS as readonly string[]).includes(value))
  )
    return;
  throw new LivetoolsError(
    'INVALID_OPTION',
    `${where}.to must be 'tools', 'model' or 'both', got ${describe(value)}.`,
  );
}

function checkFps(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return;
  const hint =
    value === 0 && name.endsWith('maxModelFps')
      ? " To send the model no frames, set video.to: 'tools'."
      : ' Leave it out for no cap.';
  throw new LivetoolsError(
    'INVALID_OPTION',
    `${name} must be a positive number of frames per second (0.5 is one every two seconds), got ${describe(value)}.${hint}`,
  );
}

/**
 * @internal
 * Checks the `video` option of `createLiveAgent`. Throws an `INVALID_OPTION` {@link LivetoolsError}
 * that names the field: not an object, an unknown key (a typo would otherwise be ignored), a `to`
 * other than `'tools'`, `'model'` or `'both'`, or a cap that is not a positive finite number.
 */
export function checkVideoRouting(value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LivetoolsError(
      'INVALID_OPTION',
      `createLiveAgent: video must be an object such as { to: 'tools' }, got ${Array.isArray(value) ? 'an array' : describe(value)}.`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!KEYS.has(key))
      throw new LivetoolsError(
        'INVALID_OPTION',
        `createLiveAgent: video has no option ${describe(key)}; its options are to, maxModelFps and maxToolFps.`,
      );
  }
  const options = value as Record<string, unknown>;
  checkDestination('createLiveAgent: video', options.to);
  checkFps('createLiveAgent: video.maxModelFps', options.maxModelFps);
  checkFps('createLiveAgent: video.maxToolFps', options.maxToolFps);
}

/**
 * A rate cap on one side: a frame passes when it is at most a quarter of an interval early on the
 * schedule of one frame per interval (the generic cell rate algorithm). Frames at the cap with
 * some jitter all pass; in the long run the rate stays at or below the cap.
 */
class RateCap {
  readonly #interval: number;
  readonly #tolerance: number;
  /** When the next frame is due on the schedule. */
  #due = Number.NEGATIVE_INFINITY;

  constructor(fps: number) {
    this.#interval = 1000 / fps;
    this.#tolerance = this.#interval / 4;
  }

  /** Whether a frame at `now` passes; a passing frame takes its slot. */
  take(now: number): boolean {
    // The next slot is never more than an interval and a quarter ahead on a clock that only moves
    // forward: further ahead, the clock was set back (the default scheduler reads the wall clock),
    // and the schedule starts afresh instead of holding every frame until the clock catches up.
    if (this.#due - now > 2 * this.#interval) this.#due = now;
    if (now < this.#due - this.#tolerance) return false;
    this.#due = Math.max(this.#due, now) + this.#interval;
    return true;
  }
}

/**
 * @internal
 * Decides, frame by frame and on the session scheduler's clock, where each video frame goes, and
 * counts what it decided (see {@link VideoRoutingStats}). The options must have passed
 * {@link checkVideoRouting}; a per-frame override is checked here.
 */
export class VideoRouter {
  readonly #to: VideoDestination;
  readonly #modelCap: RateCap | undefined;
  readonly #toolCap: RateCap | undefined;
  #frames = 0;
  #toModel = 0;
  #toTools = 0;
  #modelCapped = 0;
  #toolCapped = 0;

  readonly #scheduler: SchedulerLike;

  constructor(options: VideoRoutingOptions | undefined, scheduler: SchedulerLike) {
    this.#scheduler = scheduler;
    this.#to = options?.to ?? 'both';
    this.#modelCap = options?.maxModelFps === undefined ? undefined : new RateCap(options.maxModelFps);
    this.#toolCap = options?.maxToolFps === undefined ? undefined : new RateCap(options.maxToolFps);
  }

  /**
   * Where the next frame goes, now. Throws an `INVALID_OPTION` {@link LivetoolsError} (and counts
   * nothing) when `options` is not a {@link SendVideoOptions}.
   */
  route(options?: SendVideoOptions): VideoRoute {
    let to = this.#to;
    if (options !== undefined) {
      if (typeof options !== 'object' || options === null)
        throw new LivetoolsError(
          'INVALID_OPTION',
          `sendVideoFrame: options must be an object such as { to: 'tools' }, got ${describe(options)}.`,
        );
      checkDestination('sendVideoFrame: options', options.to);
      to = options.to ?? to;
    }
    this.#frames += 1;
    const now = this.#scheduler.now();
    let model = false;
    let tools = false;
    if (to !== 'tools') {
      model = this.#modelCap === undefined || this.#modelCap.take(now);
      if (model) this.#toModel += 1;
      else this.#modelCapped += 1;
    }
    if (to !== 'model') {
      tools = this.#toolCap === undefined || this.#toolCap.take(now);
      if (tools) this.#toTools += 1;
      else this.#toolCapped += 1;
    }
    return { model, tools };
  }

  /** A snapshot of the counts so far. */
  stats(): VideoRoutingStats {
    return {
      frames: this.#frames,
      toModel: this.#toModel,
      toTools: this.#toTools,
      modelCapped: this.#modelCapped,
      toolCapped: this.#toolCapped,
    };
  }
}
