/**
 * `@livetools/tools-video`: streaming tools that watch the user's camera stream.
 * `monitor_video_stream` looks at the newest frame the application sends to the live session and
 * reports changes, through a frame analyzer: the local change detector (motion, lights, scene
 * changes; no network) or a Gemini vision analyzer (answers a question about the picture).
 *
 * @packageDocumentation
 */

export { type ChangeDetectorOptions, createChangeDetector } from './change-detector.js';
export {
  DEFAULT_MAX_DECODED_BYTES,
  decodeJpegThumbnail,
  decodeLumaThumbnail,
  decodePngThumbnail,
  FrameDecodeError,
  type FrameDecodeErrorCode,
  type FrameDecodeOptions,
  type LumaThumbnail,
} from './decode/index.js';
export type {
  AnalysisRequest,
  FrameAnalysisSession,
  FrameAnalyzer,
  FrameObservation,
} from './frame-analyzer.js';
export { createGeminiAnalyzer } from './gemini-analyzer.js';
export { normalizeAnswer } from './gemini-analyzer-answer.js';
export type {
  GeminiVisionClient,
  GeminiVisionPart,
  GeminiVisionRequest,
  GeminiVisionResponse,
} from './gemini-analyzer-client.js';
export { VisionAnalysisError, type VisionAnalysisErrorCode } from './gemini-analyzer-errors.js';
export type {
  GeminiAnalyzerOptions,
  GeminiBackoffOptions,
  GeminiMediaResolution,
} from './gemini-analyzer-options.js';
export type { Sensitivity } from './scene-tracker.js';
export { toolPackage } from './tool-package.js';
export {
  createVideoTools,
  type VideoReportOutput,
  type VideoToolDefaults,
  type VideoTools,
  type VideoToolsOptions,
  videoTools,
} from './video-tools.js';
