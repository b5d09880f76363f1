import { defineToolPackage } from '@livetools/core';
import { videoTools } from './video-tools.js';

/**
 * The manifest of `@livetools/tools-video`: `monitor_video_stream` on the local change detector
 * ({@link videoTools}), which needs the session's `video` input, its documented defaults and the
 * `@livetools/core` versions it was built for. Take the tools with `toolsOf`, which checks that
 * the running core is one of those; use `createVideoTools` for another analyzer.
 *
 * @example
 * ```ts
 * import { createLiveAgent, toolsOf } from '@livetools/core';
 * import { toolPackage } from '@livetools/tools-video';
 *
 * const agent = createLiveAgent({ ai, model, tools: toolsOf(toolPackage) });
 * // toolPackage.inputs.monitor_video_stream is ['video']: send camera frames to the session.
 * ```
 */
export const toolPackage = defineToolPackage({
  name: '@livetools/tools-video',
  // Kept in step with package.json by tool-package.test.ts.
  version: '0.1.0',
  core: '^0.1.0',
  tools: videoTools,
  inputs: { monitor_video_stream: ['video'] },
  defaults: {
    /** What looks at the frames: the local change detector (no network). */
    analyzer: 'change-detector',
    /** The least number of seconds between two looks at the camera. */
    intervalSeconds: 1,
    /** Seconds without any frame before the model is told the camera seems off. */
    noVideoSeconds: 5,
    /** Whether a change interrupts the model rather than waiting until it is idle. */
    interrupt: false,
    /** How long a watch runs, in seconds: `null` for until stopped. */
    durationSeconds: null,
  },
});
