import { decodeFrameData } from './decode/decode-frame-data.js';
import { decodedByteLimit, type FrameDecodeOptions } from './decode/limits.js';
import { DecodePool } from './decode-pool.js';
import type { FrameAnalyzer } from './frame-analyzer.js';
import { SceneTracker, type Sensitivity, sensitivityLevel } from './scene-tracker.js';

/** Options of {@link createChangeDetector}. */
export interface ChangeDetectorOptions extends FrameDecodeOptions {
  /**
   * How readily changes are reported: `low`, `medium` (default), `high`, or a number from 0 (only
   * large, obvious changes) to 1 (small movements too).
   */
  readonly sensitivity?: Sensitivity;
  /**
   * How many `node:worker_threads` workers decode frames, shared by every call of this detector
   * (default `0`: decode on the main thread). Decoding a 640x480 JPEG costs about half a
   * millisecond of CPU; with many calls watching at once, workers keep that off the event loop so
   * other tools' results go out sooner, and a hostile frame (as large as `maxDecodedBytes` lets
   * through) costs a worker's time, not the event loop's. Servers that run several sessions in one
   * process should use at least 1. The workers start on the first frame, never keep the process
   * alive, and a crashed one is replaced; decode errors are the same `FrameDecodeError`s.
   */
  readonly workers?: number;
}

const maxWorkers = 64;

/**
 * The local change detector: decodes each JPEG or PNG frame into a small grayscale thumbnail
 * (JPEGs are read at 1/8 scale straight from their DC coefficients, so a 640x480 frame costs
 * about a millisecond) and reports motion starting and stopping, lights going on or off, and
 * scene changes. It needs no network and no key, and ignores `watchFor` (the model still
 * receives it with every result, so it can judge what it hears against the user's request).
 *
 * Frames are refused before they are decoded when their header declares more than
 * `maxDecodedBytes` (default 64 MiB, a 4096x4096 RGBA frame): the analysis fails with a
 * `FrameDecodeError` (`IMAGE_TOO_LARGE`), reported to the model as `analysis_error`, and the
 * watch goes on with the next frame.
 *
 * @param options - Sensitivity, how many worker threads decode frames, and the decoded-size limit.
 * @returns An analyzer for {@link createVideoTools}.
 * @throws RangeError when the sensitivity is not a preset or a number from 0 to 1, `workers`
 *   is not a whole number from 0 to 64, or `maxDecodedBytes` not a whole number from 1 to 2^31-1.
 *
 * @example
 * ```ts
 * import { createChangeDetector, createVideoTools } from '@livetools/tools-video';
 *
 * const tools = createVideoTools({ analyzer: createChangeDetector({ sensitivity: 'high' }) });
 * // A server with many sessions in one process: decode on worker threads.
 * const busy = createVideoTools({ analyzer: createChangeDetector({ workers: 2 }) });
 * // Frames up to 8192x8192 RGBA (the default refuses more than 64 MiB decoded).
 * const large = createChangeDetector({ maxDecodedBytes: 8192 * 8192 * 4 + 8192 });
 * ```
 */
export function createChangeDetector(options: ChangeDetectorOptions = {}): FrameAnalyzer {
  const sensitivity = options.sensitivity ?? 'medium';
  sensitivityLevel(sensitivity);
  const limits: FrameDecodeOptions = { maxDecodedBytes: decodedByteLimit(options) };
  const workers = options.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0 || workers > maxWorkers) {
    throw new RangeError(`workers must be a whole number from 0 to ${maxWorkers}; got ${workers}.`);
  }
  let pool: DecodePool | undefined;
  return {
    name: 'local-change-detector',
    capabilities:
      'It runs locally and reports motion starting and stopping (with where in the picture), ' +
      'lights going on or off, and scene changes; it cannot recognise objects or people.',
    open: () => {
      const tracker = new SceneTracker(sensitivity);
      if (workers > 0) {
        pool ??= new DecodePool(workers);
        const shared = pool;
        return {
          analyze: async (frame) => tracker.observe(await shared.decode(frame.data, frame.mimeType, limits)),
        };
      }
      return {
        analyze: (frame) => tracker.observe(decodeFrameData(frame.data, frame.mimeType, limits)),
      };
    },
  };
}
