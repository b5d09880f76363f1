import type { FrameAnalysisSession, FrameAnalyzer, FrameObservation } from './frame-analyzer.js';
import {
  type Answer,
  defaultQuestion,
  normalizeAnswer,
  prompt,
  readAnswer,
} from './gemini-analyzer-answer.js';
import { Backoff, retryDelayOf } from './gemini-analyzer-backoff.js';
import { type SendOptions, sendRequest } from './gemini-analyzer-client.js';
import { classify, VisionAnalysisError } from './gemini-analyzer-errors.js';
import { defaultModel, type GeminiAnalyzerOptions, resolveSettings } from './gemini-analyzer-options.js';

/** True for the refusals the session backs off from: 429 and 503. */
const isThrottled = (error: VisionAnalysisError): boolean =>
  error.code === 'RATE_LIMITED' || error.code === 'UNAVAILABLE';

/**
 * A frame analyzer that asks Gemini a question about the newest frame (`ai.models.generateContent`
 * with the frame as `inlineData`, at `MEDIA_RESOLUTION_LOW` by default), e.g. "How many people are
 * visible?", and reports when the answer changes. The model is asked for JSON
 * `{ answer, description }` (a plain-text reply is taken as the answer).
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
 *   call's `signal` aborted or `close` was called, `analyze` rejects with `ABORTED` and sends nothing;
 * - after a 429 (`RATE_LIMITED`) or 503 (`UNAVAILABLE`) the session backs off (see `backoff`):
 *   until the wait is over, `analyze` sends nothing and rejects with the same error, so the watch
 *   reports the refusal once. The first answer after it ends the wait; when it is the same as the
 *   last one reported, it is reported `SILENT` as `analysis_resumed`, so that the model knows the
 *   watch sees again.
 *
 * Each request gets a fresh timeout (`timeoutMs`) and is aborted when the call's `signal` aborts
 * or the session closes. The SDK's own retries (`httpOptions.retryOptions`) are left to the app.
 *
 * @param options - The `GoogleGenAI` client, the model and the question.
 * @returns An analyzer for `createVideoTools`.
 * @throws RangeError when `timeoutMs` or a `backoff` delay is not a positive number.
 * @throws LivetoolsError `INVALID_OPTION` for an unknown `mediaResolution`, or a `config` whose
 * `thinkingConfig` has both `thinkingLevel` and `thinkingBudget`.
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
  const settings = resolveSettings(options);
  const { model, timeoutMs, maxDelayMs } = settings;
  const context = { model, defaultModel, maxDelayMs };
  const isSameAnswer =
    options.isSameAnswer ?? ((previous, next) => normalizeAnswer(previous) === normalizeAnswer(next));

  const open: FrameAnalyzer['open'] = (request): FrameAnalysisSession => {
    const question =
      typeof options.question === 'string'
        ? options.question
        : (options.question ?? defaultQuestion)(request);
    const scheduler = options.scheduler ?? request.scheduler;
    const ended = new AbortController();
    const end = () => ended.abort();
    request.signal.addEventListener('abort', end, { once: true });
    if (request.signal.aborted) end();
    const backoff = new Backoff(settings.initialDelayMs, maxDelayMs);
    let busy = false;
    let lastAnswer: string | undefined;

    const aborted = () =>
      new VisionAnalysisError(
        'ABORTED',
        'The vision request was cancelled because the call ended; nothing to do.',
      );
    const send: SendOptions = {
      ai: options.ai,
      model,
      text: prompt(question),
      config: settings.config,
      timeoutMs,
      scheduler,
      ended: ended.signal,
      aborted,
      timedOut: () =>
        new VisionAnalysisError(
          'TIMEOUT',
          `Gemini did not answer within ${timeoutMs} ms: raise timeoutMs, send smaller frames, or use a faster model.`,
        ),
      classify: (error) => classify(error, context),
    };

    const observe = ({ answer, description }: Answer, resumed: boolean): FrameObservation | undefined => {
      const previousAnswer = lastAnswer;
      if (previousAnswer !== undefined && isSameAnswer(previousAnswer, answer)) {
        if (!resumed) return undefined;
        return {
          event: 'analysis_resumed',
          description: `Gemini answers again; the answer to "${question}" is still ${previousAnswer}.`,
          changeScore: 0,
          notable: false,
          details: { answer: previousAnswer, question },
        };
      }
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

    /** Sends the frame and reads the answer; records a 429 or 503 for the backoff. */
    const ask = async (frame: Parameters<FrameAnalysisSession['analyze']>[0]): Promise<Answer> => {
      try {
        return readAnswer(await sendRequest(send, frame), model);
      } catch (error) {
        const failure = VisionAnalysisError.isInstance(error) ? error : classify(error, context);
        if (isThrottled(failure)) {
          const waitMs = backoff.refused(scheduler.now(), failure, retryDelayOf(failure));
          request.logger.warn('Gemini refused the vision request; the watch waits before the next one.', {
            analyzer: 'gemini-vision',
            status: failure.status,
            waitMs,
          });
        }
        throw failure;
      }
    };

    return {
      analyze: async (frame) => {
        if (ended.signal.aborted) throw aborted();
        if (busy) {
          request.logger.debug('Gemini vision request still in flight; the newer frame is not sent.', {
            analyzer: 'gemini-vision',
          });
          return undefined;
        }
        const waiting = backoff.waiting(scheduler.now());
        if (waiting !== undefined) throw waiting;
        busy = true;
        try {
          const answer = await ask(frame);
          request.logger.debug('Gemini vision answer', { answer: answer.answer, question });
          return observe(answer, backoff.answered());
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
