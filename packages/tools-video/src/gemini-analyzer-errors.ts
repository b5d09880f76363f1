/**
 * The Gemini vision analyzer's errors: {@link VisionAnalysisError}, and how what `generateContent`
 * threw (an HTTP error of the SDK, a network failure) becomes one.
 *
 * @packageDocumentation
 */

import { errorMarker, hasErrorMarker, markError } from '@livetools/core';

/**
 * Stable codes of a {@link VisionAnalysisError}.
 *
 * @example
 * ```ts
 * const retryLater: readonly VisionAnalysisErrorCode[] = ['RATE_LIMITED', 'UNAVAILABLE', 'SERVER_ERROR', 'TIMEOUT'];
 * ```
 */
export type VisionAnalysisErrorCode =
  /** HTTP 429 `RESOURCE_EXHAUSTED`: too many requests for the key's quota. The watch backs off. */
  | 'RATE_LIMITED'
  /** HTTP 503 `UNAVAILABLE`: Gemini is overloaded or down for a while. The watch backs off. */
  | 'UNAVAILABLE'
  /** No answer within `timeoutMs`. */
  | 'TIMEOUT'
  /** The call ended (or the session closed) before the answer came. */
  | 'ABORTED'
  /** The API key was refused (HTTP 400 `API_KEY_INVALID`, 401, 403). */
  | 'AUTH'
  /**
   * HTTP 400 `FAILED_PRECONDITION`: the API cannot serve this key from where it is called (the
   * region is not supported, or the free tier is not offered there and the project needs billing).
   */
  | 'FAILED_PRECONDITION'
  /** The model does not exist or cannot generate content (HTTP 404). */
  | 'MODEL_NOT_FOUND'
  /** The API refused the request (another HTTP 4xx). */
  | 'BAD_REQUEST'
  /** The API failed (another HTTP 5xx). */
  | 'SERVER_ERROR'
  /** The frame or the answer was blocked by safety or policy filters. */
  | 'BLOCKED'
  /** The model answered nothing. */
  | 'EMPTY_RESPONSE'
  /** The response could not be read (not JSON, cut off, or malformed). */
  | 'BAD_RESPONSE'
  /** Anything else, such as a network failure. */
  | 'REQUEST_FAILED';

const visionAnalysisMarker = errorMarker('VisionAnalysisError');

/**
 * A Gemini vision request failed. The message says what happened and what to do, and is the same
 * for the same failure (no ids or timings in it), so `monitor_video_stream` reports a run of equal
 * failures once. The SDK's error, if any, is the `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await session.analyze(frame);
 * } catch (error) {
 *   if (VisionAnalysisError.isInstance(error) && error.code === 'RATE_LIMITED') console.warn(error.message);
 * }
 * ```
 */
export class VisionAnalysisError extends Error {
  /** A stable, machine-readable code. */
  readonly code: VisionAnalysisErrorCode;
  /** The HTTP status of the failed request, when there was one. */
  readonly status: number | undefined;

  constructor(
    code: VisionAnalysisErrorCode,
    message: string,
    options: { readonly status?: number; readonly cause?: unknown } = {},
  ) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'VisionAnalysisError';
    this.code = code;
    this.status = options.status;
    markError(this, visionAnalysisMarker);
  }

  /** True when `error` is a `VisionAnalysisError`, even one created by another copy of the package. */
  static isInstance(error: unknown): error is VisionAnalysisError {
    return hasErrorMarker(error, visionAnalysisMarker);
  }
}

/** What the analyzer's messages need to know about its own settings. */
export interface ErrorContext {
  /** The model asked. */
  readonly model: string;
  /** The analyzer's default model, the one a "model not found" message suggests. */
  readonly defaultModel: string;
  /** The longest backoff step, named in the rate-limit messages. */
  readonly maxDelayMs: number;
}

/** The error's message, or a fixed text when it has none that can be read (never throws). */
export function messageOf(error: unknown): string {
  try {
    if (error instanceof Error) return typeof error.message === 'string' ? error.message : '';
    if (typeof error === 'string') return error;
    if (typeof error === 'number' || typeof error === 'boolean') return `${error}`;
  } catch {
    // a throwing getter or a revoked Proxy
  }
  return 'an error that cannot be described';
}

/** The fields of an API error body the analyzer reads. */
export interface ApiErrorBody {
  /** `error.message`: the API's explanation. */
  readonly message?: string;
  /** `error.status`: the gRPC status name, e.g. `RESOURCE_EXHAUSTED`. */
  readonly status?: string;
  /** `error.details`: typed details such as `google.rpc.RetryInfo`. */
  readonly details?: readonly unknown[];
}

/** The `{ error: { message, status, details } }` body the SDK puts in an API error's message. */
export function apiErrorBody(message: string): ApiErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return {};
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return {};
  const { message: said, status, details } = error as Record<string, unknown>;
  return {
    ...(typeof said === 'string' ? { message: said } : {}),
    ...(typeof status === 'string' ? { status } : {}),
    ...(Array.isArray(details) ? { details } : {}),
  };
}

/** The message of a 429 or 503: what the watch does about it, and what the user can do. */
function backoffMessage(what: string, label: string, todo: string, maxDelayMs: number): string {
  return (
    `${what} (${label}). The watch asks less often: it waits longer after each refusal (up to ` +
    `${Math.round(maxDelayMs / 1000)} s, or as long as Gemini asks) and goes back to every ` +
    `intervalSeconds after an answer. ${todo}`
  );
}

function modelNotFoundMessage(label: string, context: ErrorContext): string {
  const { model, defaultModel } = context;
  const list = 'ai.models.list() lists the models the key can use (those with generateContent).';
  return model === defaultModel
    ? `Gemini has no model "${model}" for generateContent (${label}), the analyzer's default: ` +
        `this key or API version may not offer it. Set the model option to a vision-capable model; ${list}`
    : `Gemini has no model "${model}" for generateContent (${label}): the name may be misspelt, or the ` +
        `model shut down. Set the model option to a current vision-capable model such as ${defaultModel} ` +
        `(the default); ${list}`;
}

/** Turns the HTTP error `generateContent` threw into a {@link VisionAnalysisError}. */
function classifyHttp(error: unknown, status: number, context: ErrorContext): VisionAnalysisError {
  const raw = messageOf(error);
  const body = apiErrorBody(raw);
  const label = `${status}${body.status ? ` ${body.status}` : ''}`;
  const said = body.message ?? raw;
  const options = { status, cause: error };
  if (status === 429) {
    const todo =
      'If it keeps happening, lower the frame rate (intervalSeconds), or use a key or model with a higher quota.';
    const message = backoffMessage(
      'Gemini rate-limited the vision requests',
      label,
      todo,
      context.maxDelayMs,
    );
    return new VisionAnalysisError('RATE_LIMITED', message, options);
  }
  if (status === 503) {
    const todo = 'Nothing to do unless it lasts; then try another model.';
    const message = backoffMessage('Gemini is overloaded or unavailable', label, todo, context.maxDelayMs);
    return new VisionAnalysisError('UNAVAILABLE', message, options);
  }
  if (body.status === 'FAILED_PRECONDITION') {
    return new VisionAnalysisError(
      'FAILED_PRECONDITION',
      `Gemini cannot serve this request from here (${label}: ${said}): the Gemini API is not available in ` +
        "the caller's region, or the free tier is not offered there and the key's project needs billing. " +
        'Enable billing for the project in Google AI Studio, or call the API from a supported region.',
      options,
    );
  }
  if (status === 401 || status === 403 || /API key|API_KEY/i.test(said) || /API_KEY_INVALID/.test(raw)) {
    return new VisionAnalysisError(
      'AUTH',
      `Gemini refused the API key (${label}: ${said}): check the key the GoogleGenAI client was created with.`,
      options,
    );
  }
  if (status === 404) {
    return new VisionAnalysisError('MODEL_NOT_FOUND', modelNotFoundMessage(label, context), options);
  }
  if (status >= 500) {
    return new VisionAnalysisError(
      'SERVER_ERROR',
      `Gemini failed to answer (${label}); the call keeps watching and asks again about the next frame.`,
      options,
    );
  }
  return new VisionAnalysisError(
    'BAD_REQUEST',
    `Gemini refused the vision request (${label}: ${said}): check the model, the config option and the frame's mimeType.`,
    options,
  );
}

/** Turns what `generateContent` threw into a {@link VisionAnalysisError}; never throws. */
export function classify(error: unknown, context: ErrorContext): VisionAnalysisError {
  if (VisionAnalysisError.isInstance(error)) return error;
  let status: unknown;
  let unreadable = false;
  try {
    status = (error as { status?: unknown } | null)?.status;
    unreadable = error instanceof SyntaxError;
  } catch {
    status = undefined; // a revoked Proxy, a throwing getter: described as a failure below
  }
  if (typeof status === 'number') return classifyHttp(error, status, context);
  const raw = messageOf(error);
  if (unreadable) {
    return new VisionAnalysisError(
      'BAD_RESPONSE',
      `Gemini's response could not be read (${raw}); if it keeps happening, check httpOptions.baseUrl and any proxy.`,
      { cause: error },
    );
  }
  return new VisionAnalysisError(
    'REQUEST_FAILED',
    `The vision request failed (${raw}): check the network connection.`,
    { cause: error },
  );
}
