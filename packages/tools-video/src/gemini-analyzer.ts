import type { VideoFrame } from '@livetools/core';
import type { SchedulerLike } from 'rxjs';
import type {
  AnalysisRequest,
  FrameAnalysisSession,
  FrameAnalyzer,
  FrameObservation,
} from './frame-analyzer.js';

/**
 * One part of a {@link GeminiVisionRequest}'s content: the frame or the question.
 *
 * @example
 * ```ts
 * const parts: GeminiVisionPart[] = [{ inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } }, { text: 'How many people?' }];
 * ```
 */
export type GeminiVisionPart =
  | {
      /** The question. */
      text: string;
    }
  | {
      /** The frame. */
      inlineData: {
        /** `image/jpeg` or `image/png`. */
        mimeType: string;
        /** The image bytes, base64. */
        data: string;
      };
    };

/**
 * What the analyzer passes to `ai.models.generateContent`: a subset of the SDK's
 * `GenerateContentParameters` that both `@google/genai` 2.x and 3.x accept.
 *
 * @example
 * ```ts
 * const request: GeminiVisionRequest = {
 *   model: 'gemini-3.8-flash',
 *   contents: [{ role: 'user', parts: [{ text: 'How many people are visible?' }] }],
 *   config: { responseMimeType: 'application/json', responseJsonSchema: {}, abortSignal: new AbortController().signal },
 * };
 * ```
 */
export interface GeminiVisionRequest {
  /** The model name, e.g. `gemini-3.8-flash`. */
  model: string;
  /** One user turn: the frame, then the prompt. */
  contents: {
    /** Always `user`. */
    role: 'user';
    /** The frame, then the prompt. */
    parts: GeminiVisionPart[];
  }[];
  /** The app's extra `config` fields, then the analyzer's own (which win). */
  config: {
    [key: string]: unknown;
    /** Always `application/json`: the analyzer asks for `{ answer, description }`. */
    responseMimeType: string;
    /** The JSON Schema of `{ answer, description }`. */
    responseJsonSchema: unknown;
    /** Aborted when the call ends, the session closes or the request times out. */
    abortSignal: AbortSignal;
  };
}

/**
 * The fields of the SDK's `GenerateContentResponse` the analyzer reads.
 *
 * @example
 * ```ts
 * const response: GeminiVisionResponse = {
 *   candidates: [{ content: { parts: [{ text: '{"answer":"2","description":"Two people."}' }] }, finishReason: 'STOP' }],
 * };
 * ```
 */
export interface GeminiVisionResponse {
  /** The candidates; the analyzer reads the first one. */
  readonly candidates?:
    | readonly {
        /** The model's turn. */
        readonly content?:
          | {
              /** Its parts; text parts marked `thought` are skipped. */
              readonly parts?:
                | readonly {
                    /** The text of the part. */
                    readonly text?: string | undefined;
                    /** True for the model's thoughts, which are not the answer. */
                    readonly thought?: boolean | undefined;
                  }[]
                | undefined;
            }
          | undefined;
        /** Why generation stopped: `STOP`, `MAX_TOKENS`, `SAFETY`... */
        readonly finishReason?: string | undefined;
      }[]
    | undefined;
  /** Set when the prompt (the frame or the question) was blocked. */
  readonly promptFeedback?:
    | {
        /** Why it was blocked, e.g. `SAFETY`. */
        readonly blockReason?: string | undefined;
        /** The explanation, when the API gives one. */
        readonly blockReasonMessage?: string | undefined;
      }
    | undefined;
}

/**
 * The part of a `GoogleGenAI` client the analyzer uses, typed structurally so that `@google/genai`
 * stays a peer of the application: a `GoogleGenAI` instance of the 2.x or 3.x SDK fits as is.
 *
 * @example
 * ```ts
 * import { GoogleGenAI } from '@google/genai';
 *
 * const ai: GeminiVisionClient = new GoogleGenAI({}); // reads GEMINI_API_KEY from the environment
 * ```
 */
export interface GeminiVisionClient {
  /** `ai.models`. */
  readonly models: {
    /** `ai.models.generateContent`. */
    generateContent(params: GeminiVisionRequest): Promise<GeminiVisionResponse>;
  };
}

/**
 * Options of {@link createGeminiAnalyzer}.
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
   * `'gemini-3.5-flash-lite'` costs less per frame).
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
   * Whether two answers mean the same (default: equal after {@link normalizeAnswer}). An answer the
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
   * Extra `GenerateContentConfig` fields sent with every request, e.g. `{ temperature: 0 }`, or
   * `{ thinkingConfig: { thinkingLevel: 'LOW' } }` for faster answers from 3.x Flash. The analyzer's
   * own `responseMimeType`, `responseJsonSchema` and `abortSignal` take precedence.
   */
  readonly config?: Readonly<Record<string, unknown>>;
  /** The scheduler of the request timeouts. Default: the call's scheduler (`AnalysisRequest.scheduler`). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Stable codes of a {@link VisionAnalysisError}.
 *
 * @example
 * ```ts
 * const retryLater: readonly VisionAnalysisErrorCode[] = ['RATE_LIMITED', 'SERVER_ERROR', 'TIMEOUT'];
 * ```
 */
export type VisionAnalysisErrorCode =
  /** HTTP 429: too many requests for the key's quota. */
  | 'RATE_LIMITED'
  /** No answer within `timeoutMs`. */
  | 'TIMEOUT'
  /** The call ended (or the session closed) before the answer came. */
  | 'ABORTED'
  /** The API key was refused (HTTP 400 `API_KEY_INVALID`, 401, 403). */
  | 'AUTH'
  /** The model does not exist or cannot generate content (HTTP 404). */
  | 'MODEL_NOT_FOUND'
  /** The API refused the request (another HTTP 4xx). */
  | 'BAD_REQUEST'
  /** The API failed (HTTP 5xx). */
  | 'SERVER_ERROR'
  /** The frame or the answer was blocked by safety or policy filters. */
  | 'BLOCKED'
  /** The model answered nothing. */
  | 'EMPTY_RESPONSE'
  /** The response could not be read (not JSON, or cut off). */
  | 'BAD_RESPONSE'
  /** Anything else, such as a network failure. */
  | 'REQUEST_FAILED';

const errorMarker = Symbol.for('livetools.video.visionAnalysisError');

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
    Object.defineProperty(this, errorMarker, { value: true });
  }

  /** True when `error` is a `VisionAnalysisError`, even one created by another copy of the package. */
  static isInstance(error: unknown): error is VisionAnalysisError {
    return (
      typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[errorMarker] === true
    );
  }
}

/**
 * The default comparison key of answers: trimmed, lower case, runs of white space collapsed to one
 * space, trailing punctuation removed. `"Two people."` and `" two  people"` are the same answer.
 *
 * @param answer - An answer as the model gave it.
 * @returns The answer's comparison key.
 *
 * @example
 * ```ts
 * normalizeAnswer('  Two   People. '); // 'two people'
 * ```
 */
export function normalizeAnswer(answer: string): string {
  return answer
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s.,;:!?…]+$/u, '');
}

const defaultModel = 'gemini-3.8-flash';
const defaultTimeoutMs = 10_000;

const answerSchema = {
  type: 'object',
  properties: {
    answer: {
      type: 'string',
      description:
        'The shortest answer to the question: a number, yes or no, or a few words. Use exactly the same ' +
        'words whenever the answer is the same.',
    },
    description: {
      type: 'string',
      description: 'One sentence saying what in the picture supports the answer.',
    },
  },
  required: ['answer', 'description'],
} as const;

/** Finish reasons after which an empty answer means the output was filtered. */
const blockingFinishReasons = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'LANGUAGE',
  'OTHER',
]);

function defaultQuestion(request: AnalysisRequest): string {
  const watchFor = request.watchFor?.trim();
  return watchFor
    ? `The user asked to watch for: "${watchFor}". What does this picture show about it?`
    : 'What are the main subjects in the picture and what are they doing?';
}

function prompt(question: string): string {
  return (
    `Question about this camera frame: ${question}\n` +
    'Reply with JSON: "answer" is the shortest answer (a number, yes or no, or a few words) and stays ' +
    'word for word the same while the situation does not change; "description" is one sentence about ' +
    'what you see that supports it.'
  );
}

interface Answer {
  readonly answer: string;
  readonly description: string;
}

/** Reads `{ answer, description }` from the model's reply, or takes a plain-text reply as the answer. */
function readAnswer(response: GeminiVisionResponse, model: string): Answer {
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason) {
    throw new VisionAnalysisError(
      'BLOCKED',
      `Gemini refused to look at the frame (${blockReason}${detail(response.promptFeedback?.blockReasonMessage)}). ` +
        'Nothing to do unless it keeps happening; then ask about something else.',
    );
  }
  const candidate = response.candidates?.[0];
  const finishReason = candidate?.finishReason;
  const text = (candidate?.content?.parts ?? [])
    .filter((part) => part.thought !== true && typeof part.text === 'string')
    .map((part) => part.text)
    .join('')
    .trim();
  if (text === '') {
    if (finishReason !== undefined && blockingFinishReasons.has(finishReason)) {
      throw new VisionAnalysisError(
        'BLOCKED',
        `Gemini's answer was blocked (finishReason ${finishReason}). Nothing to do unless it keeps ` +
          'happening; then ask about something else.',
      );
    }
    throw new VisionAnalysisError(
      'EMPTY_RESPONSE',
      `${model} returned no answer${finishReason ? ` (finishReason ${finishReason})` : ''}. ` +
        (finishReason === 'MAX_TOKENS'
          ? 'Raise maxOutputTokens in the config option, or lower the thinking budget.'
          : 'If it keeps happening, try another model.'),
    );
  }
  const parsed = parseJsonAnswer(text);
  if (parsed !== undefined) return parsed;
  if (finishReason === 'MAX_TOKENS') {
    throw new VisionAnalysisError(
      'BAD_RESPONSE',
      `${model}'s answer was cut off (finishReason MAX_TOKENS). Raise maxOutputTokens in the config option.`,
    );
  }
  const plain = text
    .replace(/^```\w*\s*|\s*```$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { answer: plain, description: plain };
}

function parseJsonAnswer(text: string): Answer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { answer, description } = value as { answer?: unknown; description?: unknown };
  if (typeof answer !== 'string' && typeof answer !== 'number' && typeof answer !== 'boolean')
    return undefined;
  const answerText = String(answer).trim();
  if (answerText === '') return undefined;
  return { answer: answerText, description: typeof description === 'string' ? description.trim() : '' };
}

function detail(message: string | undefined): string {
  return message ? `: ${message}` : '';
}

/** The `{ error: { message, status } }` body the SDK puts in an API error's message, if it is there. */
function apiErrorBody(message: string): { message?: string; status?: string } {
  try {
    const parsed = JSON.parse(message) as { error?: { message?: unknown; status?: unknown } };
    const error = parsed.error;
    return {
      ...(typeof error?.message === 'string' ? { message: error.message } : {}),
      ...(typeof error?.status === 'string' ? { status: error.status } : {}),
    };
  } catch {
    return {};
  }
}

/** Turns what `generateContent` threw into a {@link VisionAnalysisError}. */
function classify(error: unknown, model: string): VisionAnalysisError {
  if (VisionAnalysisError.isInstance(error)) return error;
  const status = (error as { status?: unknown } | null)?.status;
  const raw = error instanceof Error ? error.message : String(error);
  if (typeof status === 'number') {
    const body = apiErrorBody(raw);
    const label = `${status}${body.status ? ` ${body.status}` : ''}`;
    const said = body.message ?? raw;
    const options = { status, cause: error };
    if (status === 429) {
      return new VisionAnalysisError(
        'RATE_LIMITED',
        `Gemini rate-limited the vision requests (${label}): lower the frame rate (intervalSeconds), or use a key or model with a higher quota.`,
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
      return new VisionAnalysisError(
        'MODEL_NOT_FOUND',
        `Gemini has no model "${model}" for generateContent (${label}): set the model option to a vision-capable model such as ${defaultModel}.`,
        options,
      );
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
  if (error instanceof SyntaxError) {
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

/** Settles like `promise`, or rejects with `reason()` as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, reason: () => unknown): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A frame analyzer that asks Gemini a question about the newest frame (`ai.models.generateContent`
 * with the frame as `inlineData`), e.g. "How many people are visible?", and reports when the
 * answer changes. The model is asked for JSON `{ answer, description }` (a plain-text reply is
 * taken as the answer).
 *
 * Per call:
 * - the first answer is reported as `answer` (`changeScore` 0, `details: { answer, question }`),
 *   notable unless `announceFirstAnswer` is `false`;
 * - an answer that differs from the last reported one (see `isSameAnswer`) is reported as
 *   `answer_changed` (`changeScore` 1, `details: { answer, previousAnswer, question }`); an equal
 *   answer resolves to `undefined`, also after failures in between;
 * - at most one request is in flight: `analyze` called while one runs resolves to `undefined` at
 *   once without sending the newer frame (the next look sends the newest frame anyway);
 * - every failure (HTTP error, timeout, blocked or empty answer, unreadable response, the call's
 *   `signal` aborting) rejects with a {@link VisionAnalysisError}; the session stays usable, and
 *   `monitor_video_stream` reports a run of equal failures once, as `analysis_error`. Once the
 *   call's `signal` aborted or `close` was called, `analyze` rejects with `ABORTED` and sends nothing.
 *
 * Each request gets a fresh timeout (`timeoutMs`) and is aborted when the call's `signal` aborts
 * or the session closes. The SDK's own retries (`httpOptions.retryOptions`) are left to the app.
 *
 * @param options - The `GoogleGenAI` client, the model and the question.
 * @returns An analyzer for `createVideoTools`.
 * @throws RangeError when `timeoutMs` is not a positive number.
 *
 * @example
 * ```ts
 * import { GoogleGenAI } from '@google/genai';
 * import { createGeminiAnalyzer, createVideoTools } from '@livetools/tools-video';
 *
 * const ai = new GoogleGenAI({}); // reads GEMINI_API_KEY from the environment
 * const analyzer = createGeminiAnalyzer({ ai, question: 'How many people are visible?' });
 * const tools = createVideoTools({ analyzer, intervalSeconds: 2 });
 * ```
 */
export function createGeminiAnalyzer(options: GeminiAnalyzerOptions): FrameAnalyzer {
  const model = options.model ?? defaultModel;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}.`);
  }
  const isSameAnswer =
    options.isSameAnswer ?? ((previous, next) => normalizeAnswer(previous) === normalizeAnswer(next));
  const questionFor = (request: AnalysisRequest): string => {
    const question = options.question;
    if (typeof question === 'string') return question;
    return (question ?? defaultQuestion)(request);
  };

  const open = (request: AnalysisRequest): FrameAnalysisSession => {
    const question = questionFor(request);
    const scheduler = options.scheduler ?? request.scheduler;
    const text = prompt(question);
    const ended = new AbortController();
    const end = () => ended.abort();
    request.signal.addEventListener('abort', end, { once: true });
    if (request.signal.aborted) end();
    let busy = false;
    let lastAnswer: string | undefined;

    const ask = async (frame: VideoFrame): Promise<Answer> => {
      const aborted = () =>
        new VisionAnalysisError(
          'ABORTED',
          'The vision request was cancelled because the call ended; nothing to do.',
        );
      if (ended.signal.aborted) throw aborted();
      const controller = new AbortController();
      let timedOut = false;
      const stop = () => controller.abort();
      ended.signal.addEventListener('abort', stop, { once: true });
      const timer = scheduler.schedule(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const reason = () =>
        timedOut
          ? new VisionAnalysisError(
              'TIMEOUT',
              `Gemini did not answer within ${timeoutMs} ms: raise timeoutMs, send smaller frames, or use a faster model.`,
            )
          : aborted();
      try {
        const response = await untilAborted(
          options.ai.models.generateContent({
            model,
            contents: [
              {
                role: 'user',
                parts: [{ inlineData: { mimeType: frame.mimeType, data: frame.data } }, { text }],
              },
            ],
            config: {
              ...options.config,
              responseMimeType: 'application/json',
              responseJsonSchema: answerSchema,
              abortSignal: controller.signal,
            },
          }),
          controller.signal,
          reason,
        );
        return readAnswer(response, model);
      } catch (error) {
        throw controller.signal.aborted ? reason() : classify(error, model);
      } finally {
        timer.unsubscribe();
        ended.signal.removeEventListener('abort', stop);
      }
    };

    const observe = ({ answer, description }: Answer): FrameObservation | undefined => {
      const previousAnswer = lastAnswer;
      if (previousAnswer !== undefined && isSameAnswer(previousAnswer, answer)) return undefined;
      lastAnswer = answer;
      if (previousAnswer === undefined) {
        return {
          event: 'answer',
          description: description || `The answer to "${question}" is: ${answer}.`,
          changeScore: 0,
          notable: options.announceFirstAnswer ?? true,
          details: { answer, question },
        };
      }
      return {
        event: 'answer_changed',
        description:
          description || `The answer to "${question}" changed from ${previousAnswer} to ${answer}.`,
        changeScore: 1,
        details: { answer, previousAnswer, question },
      };
    };

    return {
      analyze: async (frame) => {
        if (busy) {
          request.logger.debug('Gemini vision request still in flight; the newer frame is not sent.', {
            analyzer: 'gemini-vision',
          });
          return undefined;
        }
        busy = true;
        try {
          const answer = await ask(frame);
          request.logger.debug('Gemini vision answer', { answer: answer.answer, question });
          return observe(answer);
        } finally {
          busy = false;
        }
      },
      close: () => {
        request.signal.removeEventListener('abort', end);
        end();
      },
    };
  };

  return {
    name: 'gemini-vision',
    capabilities:
      `It asks Gemini (${model}) ${
        typeof options.question === 'string'
          ? `"${options.question}"`
          : 'a question built from watchFor (for example how many people are visible, or whether a door is open)'
      } about the newest frame and reports when the answer changes; it recognises people, objects, text ` +
      'and activities.',
    open,
  };
}
