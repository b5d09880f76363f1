import { decodeLumaThumbnail } from './decode/index.js';
import type { FrameAnalyzer } from './frame-analyzer.js';
import { SceneTracker, type Sensitivity, sensitivityLevel } from './scene-tracker.js';

/** Options of {@link createChangeDetector}. */
export interface ChangeDetectorOptions {
  /**
   * How readily changes are reported: `low`, `medium` (default), `high`, or a number from 0 (only
   * large, obvious changes) to 1 (small movements too).
   */
  readonly sensitivity?: Sensitivity;
}

function base64Bytes(data: string): Uint8Array {
  return Buffer.from(data, 'base64');
}

/**
 * The local change detector: decodes each JPEG or PNG frame into a small grayscale thumbnail
 * (JPEGs are read at 1/8 scale straight from their DC coefficients, so a 640x480 frame costs
 * about a millisecond) and reports motion starting and stopping, lights going on or off, and
 * scene changes. It needs no network and no key, and ignores `watchFor` (the model still
 * receives it with every result, so it can judge what it hears against the user's request).
 *
 * @param options - Sensitivity.
 * @returns An analyzer for {@link createVideoTools}.
 * @throws RangeError when the sensitivity is not a preset or a number from 0 to 1.
 *
 * @example
 * ```ts
 * import { createChangeDetector, createVideoTools } from '@livetools/tools-video';
 *
 * const tools = createVideoTools({ analyzer: createChangeDetector({ sensitivity: 'high' }) });
 * ```
 */
export function createChangeDetector(options: ChangeDetectorOptions = {}): FrameAnalyzer {
  const sensitivity = options.sensitivity ?? 'medium';
  sensitivityLevel(sensitivity);
  return {
    name: 'local-change-detector',
    capabilities:
      'It runs locally and reports motion starting and stopping (with where in the picture), ' +
      'lights going on or off, and scene changes; it cannot recognise objects or people.',
    open: () => {
      const tracker = new SceneTracker(sensitivity);
      return {
        analyze: (frame) => tracker.observe(decodeLumaThumbnail(base64Bytes(frame.data), frame.mimeType)),
      };
    },
  };
}
