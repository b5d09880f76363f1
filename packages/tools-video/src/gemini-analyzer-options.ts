/**
 * The options of `createGeminiAnalyzer`, and their checks and defaults.
 *
 * @packageDocumentation
 */

import { LivetoolsError } from '@livetools/core';
import type { SchedulerLike } from 'rxjs';
import type { AnalysisRequest } from './frame-analyzer.js';
import type { GeminiVisionClient } from './gemini-analyzer-client.js';

/**
 * The media resolution frames are sent at (`config.mediaResolution`): the most tokens the model
 * spends on one frame. `MEDIA_RESOLUTION_LOW` is the fewest tokens and the fastest answers, and
 * enough for counting people or telling whether a door is open; `MEDIUM` and `HIGH` help with
 * small text and fine detail. `'model-default'` sends no `mediaResolution`, so the model's own
 * default applies (on Gemini 3, a high resolution). The SDK's `MediaResolution` enum fits as is.
 *
 * @example
 * ```ts
 * const readSigns: GeminiMediaResolution = 'MEDIA_RESOLUTION_HIGH';
 * ```
 */
export type GeminiMediaResolution =
  | 'MEDIA_RESOLUTION_LOW'
  | 'MEDIA_RESOLUTION_MEDIUM'
  | 'MEDIA_RESOLUTION_HIGH'
  | 'model-default';

/**
 * How a session waits after Gemini refuses a request with 429 (`RESOURCE_EXHAUSTED`: the key's
 * quota) or 503 (`UNAVAILABLE`: overloaded). The n-th refusal in a row waits
 * `initialDelayMs * 2^(n-1)`, at most `maxDelayMs`, or as long as the error's `RetryInfo`
 * (`retryDelay`) asks when that is longer (up to one hour). Looks that come while it waits send
 * nothing. An answer ends the wait: the watch is back to one look every `intervalSeconds`.
 *
 * @example
 * ```ts
 * const patient: GeminiBackoffOptions = { initialDelayMs: 10_000, maxDelayMs: 120_000 };
 * ```
 */
export interface GeminiBackoffOptions {
  /** The wait after the first refusal, in milliseconds (default 5000). */
  readonly initialDelayMs?: number;
  /** The longest wait the doubling reaches, in milliseconds (default 60000). */
  readonly maxDelayMs?: number;
}

/**
 * Options of `createGeminiAnalyzer`.
 *
 * @example
 * ```ts
 * const options: GeminiAnalyzerOptions = { ai, question: 'How many people are visible?', timeoutMs: 5000 };
 * ```
 */
export interface GeminiAnalyzerOptions {
  /** The application's `GoogleGenAI` instance (2.x or 3.x). */
  readonly ai: GeminiVisionClient;
  /**
   * A vision-capable `generateContent` model (default `'gemini-3.8-flash'`, the current stable Flash;
   * `'gemini-3.5-flash-lite'` costs less per frame). `ai.models.list()` lists the models a key can use.
   */
  readonly model?: string;
  /**
   * The question asked about every frame. A string is asked in every call; a function builds it
   * from the call's request. Default: built from the call's `watchFor` (e.g. "people in the room"),
   * else a question about the main subjects and what they are doing.
   */
  readonly question?: string | ((request: AnalysisRequest) => string);
  /** Milliseconds before one request is abandoned and reported as `TIMEOUT` (default 10000). */
  readonly timeoutMs?: number;
  /**
   * Whether two answers mean the same (default: equal after `normalizeAnswer`). An answer the
   * same as the last reported one is not reported again.
   */
  readonly isSameAnswer?: (previous: string, next: string) => boolean;
  /**
   * Whether the first answer of a call is `notable` (default `true`): the model asked the question
   * for the user, so the starting state (e.g. the starting count) is the first thing to tell them.
   * `false` sends it `SILENT`: in the model's context without a reaction.
   */
  readonly announceFirstAnswer?: boolean;
  /**
   * The media resolution frames are sent at (default `'MEDIA_RESOLUTION_LOW'`: fewest tokens,
   * fastest answers). Wins over `config.mediaResolution`.
   */
  readonly mediaResolution?: GeminiMediaResolution;
  /** The wait after 429 and 503 refusals (default: 5 s, doubling up to 60 s). */
  readonly backoff?: GeminiBackoffOptions;
  /**
   * Extra `GenerateContentConfig` fields sent with every request, e.g. `{ maxOutputTokens: 256 }`.
   * The analyzer's own `responseMimeType`, `responseJsonSchema` and `abortSignal` take precedence.
   *
   * On Gemini 3 models:
   * - leave `temperature` out: they are tuned for the default, 1.0, and a lower one can make them
   *   loop or answer worse;
   * - set thinking with `thinkingConfig: { thinkingLevel: 'LOW' }` (or `'MINIMAL'`) for faster
   *   answers; `thinkingBudget` is for 2.5 models. A config with both is refused when the analyzer
   *   is created (`LivetoolsError` `INVALID_OPTION`): Gemini rejects every request that has both.
   */
  readonly config?: Readonly<Record<string, unknown>>;
  /** The scheduler of the request timeouts and the backoff. Default: the call's scheduler (`AnalysisRequest.scheduler`). */
  readonly scheduler?: SchedulerLike;
}

/** The options, checked, with their defaults. @internal */
export interface AnalyzerSettings {
  /** The model asked. */
  readonly model: string;
  /** Milliseconds before a request is abandoned. */
  readonly timeoutMs: number;
  /** The backoff's first wait. */
  readonly initialDelayMs: number;
  /** The backoff's longest step. */
  readonly maxDelayMs: number;
  /** The config fields sent with every request: the media resolution and the app's `config`. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** The model asked when the options name none. */
export const defaultModel = 'gemini-3.8-flash';
const defaultTimeoutMs = 10_000;
const defaultMediaResolution = 'MEDIA_RESOLUTION_LOW';
const mediaResolutions: readonly string[] = [
  'MEDIA_RESOLUTION_LOW',
  'MEDIA_RESOLUTION_MEDIUM',
  'MEDIA_RESOLUTION_HIGH',
  'model-default',
];

function positiveMs(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}.`);
  }
  return value;
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : `a ${typeof value}`;
}

/** Refuses `thinkingLevel` with `thinkingBudget`: Gemini rejects a request with both. */
function checkThinking(config: Readonly<Record<string, unknown>> | undefined): void {
  const thinking = config?.thinkingConfig;
  if (typeof thinking !== 'object' || thinking === null) return;
  const { thinkingLevel, thinkingBudget } = thinking as Record<string, unknown>;
  if (thinkingLevel === undefined || thinkingBudget === undefined) return;
  throw new LivetoolsError(
    'INVALID_OPTION',
    'createGeminiAnalyzer: config.thinkingConfig sets both thinkingLevel and thinkingBudget, and Gemini ' +
      'rejects every request with both. Set one, not both: thinkingLevel on Gemini 3 models (e.g. ' +
      "{ thinkingLevel: 'LOW' } for faster answers), thinkingBudget only on 2.5 models.",
  );
}

/**
 * @internal
 * Checks the options and fills in the defaults.
 *
 * @throws RangeError when `timeoutMs` or a backoff delay is not a positive number, or
 * `backoff.maxDelayMs` is below `backoff.initialDelayMs`.
 * @throws LivetoolsError `INVALID_OPTION` for an unknown `mediaResolution`, or a
 * `config.thinkingConfig` with both `thinkingLevel` and `thinkingBudget`.
 */
export function resolveSettings(options: GeminiAnalyzerOptions): AnalyzerSettings {
  const timeoutMs = positiveMs('timeoutMs', options.timeoutMs ?? defaultTimeoutMs);
  const initialDelayMs = positiveMs('backoff.initialDelayMs', options.backoff?.initialDelayMs ?? 5000);
  const maxDelayMs = positiveMs(
    'backoff.maxDelayMs',
    options.backoff?.maxDelayMs ?? Math.max(60_000, initialDelayMs),
  );
  if (maxDelayMs < initialDelayMs) {
    throw new RangeError(
      `backoff.maxDelayMs (${maxDelayMs}) must be at least backoff.initialDelayMs (${initialDelayMs}).`,
    );
  }
  const mediaResolution: unknown = options.mediaResolution;
  if (mediaResolution !== undefined && !mediaResolutions.includes(mediaResolution as string)) {
    throw new LivetoolsError(
      'INVALID_OPTION',
      `createGeminiAnalyzer: mediaResolution must be 'MEDIA_RESOLUTION_LOW', 'MEDIA_RESOLUTION_MEDIUM', ` +
        `'MEDIA_RESOLUTION_HIGH' or 'model-default', got ${describeValue(mediaResolution)}.`,
    );
  }
  checkThinking(options.config);
  const config: Record<string, unknown> = { mediaResolution: defaultMediaResolution, ...options.config };
  if (mediaResolution === 'model-default') delete config.mediaResolution;
  else if (mediaResolution !== undefined) config.mediaResolution = mediaResolution;
  return { model: options.model ?? defaultModel, timeoutMs, initialDelayMs, maxDelayMs, config };
}
