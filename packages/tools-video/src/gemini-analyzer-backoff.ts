/**
 * The Gemini vision analyzer's backoff after 429 (`RESOURCE_EXHAUSTED`) and 503 (`UNAVAILABLE`):
 * how long one call's session sends nothing.
 *
 * @packageDocumentation
 */

import { apiErrorBody, messageOf, type VisionAnalysisError } from './gemini-analyzer-errors.js';

/** The longest wait a `RetryInfo` may ask for: a larger one is taken as one hour. */
const maxRetryDelayMs = 3_600_000;

/**
 * The wait a 429 or 503 asks for in its `google.rpc.RetryInfo` detail (`retryDelay: "37s"`), in
 * milliseconds, at most {@link maxRetryDelayMs}; `undefined` when there is none that can be read.
 */
export function retryDelayOf(error: VisionAnalysisError): number | undefined {
  const details = apiErrorBody(messageOf(error.cause)).details ?? [];
  for (const detail of details) {
    if (typeof detail !== 'object' || detail === null) continue;
    const { '@type': type, retryDelay } = detail as Record<string, unknown>;
    if (typeof type !== 'string' || !type.endsWith('google.rpc.RetryInfo')) continue;
    const match = typeof retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(retryDelay) : null;
    if (match?.[1] === undefined) return undefined;
    // Digits only, so never NaN; a number too large for a double is Infinity, and capped.
    return Math.min(Math.ceil(Number(match[1]) * 1000), maxRetryDelayMs);
  }
  return undefined;
}

/**
 * One session's backoff, on the session's clock (`scheduler.now()`, virtual time in tests).
 * After the n-th refusal in a row it waits `initialDelayMs * 2^(n-1)`, at most `maxDelayMs`, or the
 * server's `retryDelay` when that is longer; an answer ends the run. No jitter: each session backs
 * off on its own, and the server's `retryDelay` already spreads clients out.
 *
 * @internal
 */
export class Backoff {
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  #refusals = 0;
  #until = Number.NEGATIVE_INFINITY;
  #error: VisionAnalysisError | undefined;

  constructor(initialDelayMs: number, maxDelayMs: number) {
    this.#initialDelayMs = initialDelayMs;
    this.#maxDelayMs = maxDelayMs;
  }

  /** The refusal to report again while the wait runs at `now`; `undefined` when a request may go. */
  waiting(now: number): VisionAnalysisError | undefined {
    return now < this.#until ? this.#error : undefined;
  }

  /**
   * Records a refusal at `now` and returns the wait before the next request, in milliseconds.
   *
   * @param retryDelayMs - The wait the server asked for, if it said.
   */
  refused(now: number, error: VisionAnalysisError, retryDelayMs: number | undefined): number {
    this.#refusals++;
    const step = Math.min(this.#initialDelayMs * 2 ** Math.min(this.#refusals - 1, 30), this.#maxDelayMs);
    const wait = Math.max(step, retryDelayMs ?? 0);
    this.#until = now + wait;
    this.#error = error;
    return wait;
  }

  /** Records an answer; true when it ends a run of refusals. */
  answered(): boolean {
    const wasBackingOff = this.#refusals > 0;
    this.#refusals = 0;
    this.#until = Number.NEGATIVE_INFINITY;
    this.#error = undefined;
    return wasBackingOff;
  }
}
