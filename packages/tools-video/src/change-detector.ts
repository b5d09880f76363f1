import { scratchBytes } from './decode/base64-scratch.js';
import { decodeLumaThumbnail } from './decode/index.js';
import { DecodePool } from './decode-pool.js';
import type { FrameAnalyzer } from './frame-analyzer.js';
import { SceneTracker, type Sensitivity, sensitivityLevel } from './scene-tracker.js';

/** Options of {@link createChangeDetector}. */
export interface ChangeDetectorOptions {
  /**
   * How readily changes are reported: `low`, `medium` (default), `high`, or a number from 0 (only
   * large, obvious changes) to 1 (small movements too).
   */
  readonly sensitivity?: Sensitivity;
  /**
   * How many `node:worker_threads` workers decode frames, shared by every call of this detector
   * (default `0`: decode on the main thread). Decoding a 640x480 JPEG costs about half a
   * millisecond of CPU; with many calls watching at once, workers keep that off the event loop so
   * other tools' results go out sooner. The workers start on the first frame, never keep the
   * process alive, and a crashed one is replaced; decode errors are the same `FrameDecodeError`s.
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
 * @param options - Sensitivity, and how many worker threads decode frames.
 * @returns An analyzer for {@link createVideoTools}.
 * @throws RangeError when the sensitivity is not a preset or a number from 0 to 1, or `workers`
 *   is not a whole number from 0 to 64.
 *
 * @example
 * ```ts
 * import { createChangeDetector, createVideoTools } from '@livetools/tools-video';
 *
 * const tools = createVideoTools({ analyzer: createChangeDetector({ sensitivity: 'high' }) });
 * // Many sessions in one process: decode on a worker thread.
 * const busy = createVideoTools({ analyzer: createChangeDetector({ workers: 1 }) });
 * ```
 */
export function createChangeDetector(options: ChangeDetectorOptions = {}): FrameAnalyzer {
  const sensitivity = options.sensitivity ?? 'medium';
  sensitivityLevel(sensitivity);
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
          analyze: async (frame) => tracker.observe(await shared.decode(frame.data, frame.mimeType)),
        };
      }
      return {
        analyze: (frame) => tracker.observe(decodeLumaThumbnail(scratchBytes(frame.data), frame.mimeType)),
      };
    },
  };
}
