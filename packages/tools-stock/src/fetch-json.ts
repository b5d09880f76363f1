import type { SchedulerLike } from 'rxjs';
import { QuoteSourceError } from './quote-source-error.js';
import { scheduleAfter } from './schedule-after.js';

/**
 * The part of `fetch` the REST snapshots use; the global `fetch` satisfies it. Inject another in tests.
 *
 * @example
 * ```ts
 * const fetchLike: FetchLike = fetch;
 * ```
 */
export type FetchLike = (
  url: string,
  init?: { readonly signal?: AbortSignal; readonly headers?: Record<string, string> },
) => Promise<FetchResponseLike>;

/** The part of a `fetch` response that the providers read. */
export interface FetchResponseLike {
  /** True for a 2xx status. */
  readonly ok: boolean;
  /** The HTTP status. */
  readonly status: number;
  /** Parses the body as JSON. */
  json(): Promise<unknown>;
}

/**
 * The REST endpoint a provider uses for one-shot quotes and for the first price of a watch.
 *
 * @example
 * ```ts
 * const rest: RestOptions = { baseUrl: 'http://127.0.0.1:8080', fetch };
 * ```
 */
export interface RestOptions {
  /** Base URL of the provider's REST API (the provider's public endpoint by default). */
  readonly baseUrl?: string;
  /** `fetch` implementation. Default: the global `fetch`. */
  readonly fetch?: FetchLike;
}

/** The most a provider's JSON answer may be: a quote is a few hundred bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

/** An answer larger than {@link MAX_BODY_BYTES}: read no further. */
class BodyTooLargeError extends Error {
  constructor() {
    super(`its answer is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB, more than any quote`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * The JSON body of `response`, or `undefined` when it is not JSON or cannot be read. A body that
 * is a stream (the global `fetch`'s) is read up to {@link MAX_BODY_BYTES}, and a larger one
 * throws {@link BodyTooLargeError}: an answer without end is not buffered whole. A response of an
 * injected `fetch` without a stream is read through its `json()`.
 */
async function readJson(response: FetchResponseLike): Promise<unknown> {
  const stream: unknown = (response as { body?: unknown }).body;
  if (typeof (stream as { getReader?: unknown } | null | undefined)?.getReader !== 'function') {
    try {
      return await response.json();
    } catch {
      return undefined;
    }
  }
  const reader = (stream as ReadableStream<unknown>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!(value instanceof Uint8Array)) throw new TypeError('a body chunk that is not bytes');
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    if (error instanceof BodyTooLargeError) throw error;
    return undefined;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/** A {@link fetchJson} request that took longer than its timeout. */
class FetchTimeoutError extends Error {
  constructor(timeoutMs: number, cause: unknown) {
    super(`The request took longer than ${timeoutMs} ms.`, { cause });
    this.name = 'FetchTimeoutError';
  }
}

/** The outcome of {@link fetchJson}. */
interface JsonResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly body: unknown;
}

/**
 * A provider's REST price request, as {@link fetchQuoteJson} names it in its errors.
 *
 * @internal
 */
export interface QuoteRequest {
  /** Source name, copied into the error details: `coinbase`. */
  readonly source: string;
  /** Provider name as written in messages: `Coinbase`. */
  readonly provider: string;
  /** What the request is called in messages: `ticker` gives "the Coinbase ticker request". */
  readonly request: string;
  /** The symbol asked for. */
  readonly symbol: string;
  /** Bound on the request, in ms. */
  readonly timeoutMs: number;
  /** Scheduler of the timeout. */
  readonly scheduler: SchedulerLike;
  /** Aborts the request early. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * GETs a provider's price JSON (see {@link fetchJson}), turning a timeout into `NO_QUOTE_TIMEOUT`
 * and any other failure to get an answer into `PROVIDER_ERROR`.
 *
 * @internal
 * @example
 * ```ts
 * const { status, body } = await fetchQuoteJson(fetch, 'https://example.com/quote?symbol=AAPL', {
 *   source: 'example', provider: 'Example', request: 'quote', symbol: 'AAPL', timeoutMs: 5000, scheduler: asyncScheduler,
 * });
 * ```
 */
export async function fetchQuoteJson(
  fetchImpl: FetchLike,
  url: string,
  request: QuoteRequest,
): Promise<JsonResponse> {
  const { source, provider, symbol, timeoutMs } = request;
  try {
    return await fetchJson(fetchImpl, url, request);
  } catch (error) {
    const timedOut = error instanceof FetchTimeoutError;
    throw new QuoteSourceError(
      timedOut ? 'NO_QUOTE_TIMEOUT' : 'PROVIDER_ERROR',
      timedOut
        ? `No price for ${symbol} from ${provider} within ${timeoutMs} ms. Try again later.`
        : `The ${provider} ${request.request} request for ${symbol} failed (${error instanceof Error ? error.message : typeof error === 'string' ? error : 'no error message'}). Check the network, then try again.`,
      { source, symbol, cause: error },
    );
  }
}

/**
 * GETs a URL and parses its JSON body, aborting after `timeoutMs` (timer on `scheduler`) or when
 * `signal` aborts. A body that is not JSON gives `body: undefined`.
 */
async function fetchJson(
  fetchImpl: FetchLike,
  url: string,
  options: {
    readonly timeoutMs: number;
    readonly scheduler: SchedulerLike;
    readonly signal?: AbortSignal | undefined;
  },
): Promise<JsonResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const abort = (): void => controller.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  if (options.signal?.aborted) controller.abort();
  const timer = scheduleAfter(options.scheduler, options.timeoutMs, () => {
    timedOut = true;
    controller.abort();
  });
  try {
    const response = await fetchImpl(url, {
      signal: controller.signal,
      headers: { accept: 'application/json' },
    });
    const body = await readJson(response);
    return { status: response.status, ok: response.ok, body };
  } catch (error) {
    if (timedOut) throw new FetchTimeoutError(options.timeoutMs, error);
    throw error;
  } finally {
    timer.unsubscribe();
    options.signal?.removeEventListener('abort', abort);
  }
}
