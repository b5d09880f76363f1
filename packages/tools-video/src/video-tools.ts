import {
  checkResultMedia,
  type DuplicatePolicy,
  defineStreamingTool,
  type Logger,
  type ParametersSchema,
  type ResultMedia,
  type ScheduledEmission,
  type Scheduling,
  type StreamingTool,
  withMedia,
  withScheduling,
} from '@livetools/core';
import { map, takeUntil, timer } from 'rxjs';
import { z } from 'zod';
import { createChangeDetector } from './change-detector.js';
import type { FrameAnalyzer } from './frame-analyzer.js';
import { type FrameReport, watchFrames } from './watch-frames.js';

/** Defaults applied when the model leaves an argument out. */
export interface VideoToolDefaults {
  /** The least number of seconds between two looks at the camera. Default 1. */
  readonly intervalSeconds?: number;
  /** Longest a watch may run, in seconds, when the model gives no duration. Default: until stopped. */
  readonly maxDurationSeconds?: number;
  /** Seconds without any frame before the model is told the camera seems off. Default 5. */
  readonly noVideoSeconds?: number;
  /**
   * Seconds an analysis may take before the model is told it has stalled (`analysis_error`, once
   * per analysis; watching resumes when it settles). Default 60: well above the Gemini
   * analyzer's own request timeout (10 s).
   */
  readonly analysisTimeoutSeconds?: number;
  /** Interrupt the model at once when a change is seen, unless the model says otherwise. Default false. */
  readonly interrupt?: boolean;
}

/** Options of {@link createVideoTools}. */
export interface VideoToolsOptions extends VideoToolDefaults {
  /** What looks at the frames. Default: {@link createChangeDetector} (local, no network). */
  readonly analyzer?: FrameAnalyzer;
  /** What happens when the model starts a second watch while one runs. Default `allow`. */
  readonly onDuplicate?: DuplicatePolicy;
  /**
   * Attach the frame a change report is about to the report, as an image the model sees
   * (`FunctionResponse.parts`). Only reports the model should react to carry one (not the first
   * look sent `SILENT`, nor `no_video`, `video_resumed`, `analysis_error`). Useful when frames go to
   * the tool only (`video: { to: 'tools' }`): the model then sees exactly the frames that matter.
   * Each snapshot adds the image to the model's context (tokens, cost); set `false` to send text
   * reports only. A session whose delivery cannot carry media (`client-content`, `realtime-text`)
   * gets text reports only, whatever this says. Default `true`.
   */
  readonly snapshots?: boolean;
}

/** What `monitor_video_stream` sends to the model for each report. */
export interface VideoReportOutput {
  /** What happened: the analyzer's event (`motion_started`, `answer_changed`...), or `no_video`, `video_resumed`, `analysis_error`. */
  readonly event: string;
  /** One sentence about it. */
  readonly description: string;
  /** How large the change is, from 0 to 1. */
  readonly changeScore: number;
  /** When the analysed frame was sent, ISO 8601; `'unknown'` for a frame time no date can hold. */
  readonly frameTime: string;
  /** Frames replaced by a newer one before a look could take them, since the last report. */
  readonly skippedFrames: number;
  /** Frames analysed since the last report, this one included. */
  readonly analyzedFrames: number;
  /** The analyzer's name. */
  readonly analyzer: string;
  /** What the model asked to watch for, repeated so it can judge the report against it. */
  readonly watchFor?: string;
  /** The analyzer's extra facts (a region, an answer, a brightness). */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * `attached` when the analysed frame goes with this report as an image; otherwise why it could
   * not (a frame that is not valid media). Absent when no snapshot was meant for this report.
   */
  readonly snapshot?: string;
}

/** The video tools bound to one analyzer: usable as `tools: videoTools` or by name. */
export interface VideoTools extends ReadonlyArray<StreamingTool> {
  /** `monitor_video_stream`: watches the user's camera and reports changes (with a snapshot when enabled). */
  readonly monitorVideoStream: StreamingTool<ParametersSchema, ScheduledEmission<VideoReportOutput>>;
}

const monitorParameters = z.object({
  watchFor: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe(
      "What to watch for, in the user's words (e.g. 'someone at the door'); leave out to report any change.",
    ),
  intervalSeconds: z
    .number()
    .min(0.1)
    .max(60)
    .optional()
    .describe('The least number of seconds between two looks at the camera.'),
  durationSeconds: z
    .number()
    .positive()
    .max(24 * 3600)
    .optional()
    .describe('Stop watching after this many seconds.'),
  interrupt: z
    .boolean()
    .optional()
    .describe(
      'Speak up at once when a change is seen (true), or wait until the conversation is idle (false).',
    ),
});

function checkSeconds(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isFinite(value) || value < min)) {
    throw new RangeError(`${name} must be a number of seconds of at least ${min}, got ${value}.`);
  }
}

/** A frame time as ISO 8601, or `'unknown'` when it is not a time a date can hold (never throws). */
function isoTime(time: unknown): string {
  if (typeof time !== 'number' || !Number.isFinite(time) || Math.abs(time) > 8.64e15) return 'unknown';
  return new Date(time).toISOString();
}

function toOutput(report: FrameReport, analyzer: string, watchFor: string | undefined): VideoReportOutput {
  const { observation } = report;
  return {
    event: observation.event,
    description: observation.description,
    changeScore: observation.changeScore,
    frameTime: isoTime(report.frameTime),
    skippedFrames: report.skippedFrames,
    analyzedFrames: report.analyzedFrames,
    analyzer,
    ...(watchFor === undefined ? {} : { watchFor }),
    ...(observation.details === undefined ? {} : { details: observation.details }),
  };
}

/**
 * The report as an emission, with the analysed frame attached when it is a notable change and
 * snapshots are on. The frame came from outside: it is checked first, so that a frame that is not
 * valid media costs the report its image, never the report itself.
 */
function reportEmission(
  report: FrameReport,
  output: VideoReportOutput,
  scheduling: Scheduling,
  attach: boolean,
  logger: Logger,
): ScheduledEmission<VideoReportOutput> {
  const frame = report.frame;
  if (!attach || frame === undefined || report.observation.notable === false) {
    return withScheduling(output, scheduling);
  }
  const media: ResultMedia[] = [{ mimeType: frame.mimeType, data: frame.data }];
  const problem = checkResultMedia(media, 'monitor_video_stream');
  if (problem !== undefined) {
    logger.warn('the analysed frame cannot go with the report as an image; the report goes without it', {
      path: problem.path,
      problem: problem.problem,
    });
    // Fixed words for the model: nothing of the frame's own (outside) text goes into its context.
    const what = problem.path.endsWith('.mimeType') ? 'media type' : 'data';
    return withScheduling(
      { ...output, snapshot: `not attached: the frame's ${what} is not valid media` },
      scheduling,
    );
  }
  return withMedia({ ...output, snapshot: 'attached' }, media, { scheduling });
}

/**
 * Creates `monitor_video_stream` bound to a frame analyzer.
 *
 * The tool reads the video frames the application sends to the session (`ctx.input.video$`),
 * looks at most once every `intervalSeconds` (at a frame as it arrives when a look is due, else at
 * the newest one waiting; frames are never queued), and sends a result each time
 * the analyzer reports a change: `WHEN_IDLE` by default, `INTERRUPT` when asked to interrupt, and
 * `SILENT` for context the model need not react to (the first look, frames resuming). It tells
 * the model when no frames arrive, reports analysis errors without stopping, and ends after
 * `durationSeconds` or when stopped from any source. Each change report carries the frame it is
 * about as an image (`snapshots`, on by default).
 *
 * @param options - The analyzer and the defaults.
 * @returns The tools, as an array with the tool also reachable by name.
 * @throws RangeError when a default is out of range.
 *
 * @example
 * ```ts
 * import { createLiveAgent } from '@livetools/core';
 * import { createGeminiAnalyzer, createVideoTools } from '@livetools/tools-video';
 *
 * const tools = createVideoTools({ analyzer: createGeminiAnalyzer({ ai }), intervalSeconds: 2 });
 * const agent = createLiveAgent({ ai, model, tools });
 * // The application sends camera frames with session.sendVideoFrame(...); the tool sees them (see
 * // the agent's `video` option to keep them from the model, or cap the model's rate).
 * ```
 */
export function createVideoTools(options: VideoToolsOptions = {}): VideoTools {
  const analyzer = options.analyzer ?? createChangeDetector();
  const defaultInterval = options.intervalSeconds ?? 1;
  const noVideoSeconds = options.noVideoSeconds ?? 5;
  checkSeconds('intervalSeconds', options.intervalSeconds, 0.1);
  checkSeconds('maxDurationSeconds', options.maxDurationSeconds, 0.1);
  checkSeconds('noVideoSeconds', options.noVideoSeconds, 0.1);
  checkSeconds('analysisTimeoutSeconds', options.analysisTimeoutSeconds, 0.1);
  const analysisTimeoutSeconds = options.analysisTimeoutSeconds ?? 60;
  const maxSeconds = options.maxDurationSeconds;
  const snapshots = options.snapshots !== false;

  const monitorVideoStream = defineStreamingTool({
    name: 'monitor_video_stream',
    description:
      "Watches the user's camera stream and keeps reporting what changes, until stopped with stop_streaming. " +
      `${analyzer.capabilities ?? ''} Looks at the camera at most once every intervalSeconds (default ${defaultInterval}). ` +
      'Each report has an event, a one-sentence description and a change score from 0 to 1' +
      (snapshots ? ', and a change report comes with the camera frame it is about as an image.' : '.'),
    parameters: monitorParameters,
    onDuplicate: options.onDuplicate ?? 'allow',
    execute: (args, ctx) => {
      const session = analyzer.open({
        signal: ctx.signal,
        logger: ctx.logger,
        scheduler: ctx.scheduler,
        ...(args.watchFor === undefined ? {} : { watchFor: args.watchFor }),
      });
      const interrupt = args.interrupt ?? options.interrupt ?? false;
      // No snapshot where the session's delivery cannot carry media: it would only be left out.
      const attach = snapshots && ctx.mediaInResults !== false;
      const reports$ = watchFrames(ctx.input.video$, session, {
        intervalMs: (args.intervalSeconds ?? defaultInterval) * 1000,
        noVideoMs: noVideoSeconds * 1000,
        analysisTimeoutMs: analysisTimeoutSeconds * 1000,
        scheduler: ctx.scheduler,
      }).pipe(
        map((report) => {
          const scheduling: Scheduling =
            report.observation.notable === false ? 'SILENT' : interrupt ? 'INTERRUPT' : 'WHEN_IDLE';
          const output = toOutput(report, analyzer.name, args.watchFor);
          return reportEmission(report, output, scheduling, attach, ctx.logger);
        }),
      );
      const seconds = args.durationSeconds ?? maxSeconds;
      return seconds === undefined
        ? reports$
        : reports$.pipe(takeUntil(timer(seconds * 1000, ctx.scheduler)));
    },
  });

  return Object.assign([monitorVideoStream] as const, { monitorVideoStream });
}

/**
 * The video tools on the local change detector (no key, no network): `monitor_video_stream`
 * reporting motion, lights and scene changes.
 *
 * @example
 * ```ts
 * import { videoTools } from '@livetools/tools-video';
 * const agent = createLiveAgent({ ai, model, tools: [...stockTools, ...videoTools] });
 * ```
 */
export const videoTools: VideoTools = createVideoTools();
