/**
 * The Gemini vision analyzer's side of `ai.models.generateContent`: the request and response
 * shapes (typed structurally, so that `@google/genai` stays the application's), how one request is
 * built, and how it is sent with a timeout and cancellation.
 *
 * @packageDocumentation
 */

import type { VideoFrame } from '@livetools/core';
import type { SchedulerLike } from 'rxjs';
import { answerSchema } from './gemini-analyzer-answer.js';

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
 *   config: {
 *     mediaResolution: 'MEDIA_RESOLUTION_LOW',
 *     responseMimeType: 'application/json',
 *     responseJsonSchema: {},
 *     abortSignal: new AbortController().signal,
 *   },
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
  /**
   * `mediaResolution` (`MEDIA_RESOLUTION_LOW` unless the options say otherwise), the app's extra
   * `config` fields, then the analyzer's own (which win).
   */
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

/** What {@link sendRequest} needs besides the frame. @internal */
export interface SendOptions {
  /** The application's client. */
  readonly ai: GeminiVisionClient;
  /** The model asked. */
  readonly model: string;
  /** The text part: the prompt with the question. */
  readonly text: string;
  /** The config fields sent with every request (the app's, with the media resolution). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Milliseconds before the request is abandoned. */
  readonly timeoutMs: number;
  /** The scheduler of the timeout. */
  readonly scheduler: SchedulerLike;
  /** Aborted when the call ends or the session closes. */
  readonly ended: AbortSignal;
  /** The error a request stopped by `ended` rejects with. */
  readonly aborted: () => Error;
  /** The error a request stopped by the timeout rejects with. */
  readonly timedOut: () => Error;
  /** Turns what the client threw into the error to reject with. */
  readonly classify: (error: unknown) => Error;
}

/**
 * @internal
 * The request for one frame: the frame, then the prompt; the analyzer's config fields win.
 */
export function visionRequest(
  options: Pick<SendOptions, 'model' | 'text' | 'config'>,
  frame: VideoFrame,
  signal: AbortSignal,
): GeminiVisionRequest {
  return {
    model: options.model,
    contents: [
      {
        role: 'user',
        parts: [{ inlineData: { mimeType: frame.mimeType, data: frame.data } }, { text: options.text }],
      },
    ],
    config: {
      ...options.config,
      responseMimeType: 'application/json',
      responseJsonSchema: answerSchema,
      abortSignal: signal,
    },
  };
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
 * @internal
 * Sends one request for `frame`, with a fresh timeout on the scheduler, aborted when `ended`
 * aborts. Rejects with `timedOut()`, `aborted()` or `classify(error)`; resolves to the response.
 */
export async function sendRequest(options: SendOptions, frame: VideoFrame): Promise<GeminiVisionResponse> {
  if (options.ended.aborted) throw options.aborted();
  const controller = new AbortController();
  let expired = false;
  const stop = () => controller.abort();
  options.ended.addEventListener('abort', stop, { once: true });
  const timer = options.scheduler.schedule(() => {
    expired = true;
    controller.abort();
  }, options.timeoutMs);
  const reason = () => (expired ? options.timedOut() : options.aborted());
  try {
    let pending: Promise<GeminiVisionResponse>;
    try {
      pending = options.ai.models.generateContent(visionRequest(options, frame, controller.signal));
    } catch (error) {
      pending = Promise.reject(error);
    }
    return await untilAborted(pending, controller.signal, reason);
  } catch (error) {
    throw controller.signal.aborted ? reason() : options.classify(error);
  } finally {
    timer.unsubscribe();
    options.ended.removeEventListener('abort', stop);
  }
}
