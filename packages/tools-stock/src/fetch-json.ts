import type { SchedulerLike } from 'rxjs';

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

/**
 * A {@link fetchJson} request that took longer than its timeout.
 *
 * @internal
 * @example
 * ```ts
 * if (error instanceof FetchTimeoutError) console.log('too slow');
 * ```
 */
export class FetchTimeoutError extends Error {
  constructor(timeoutMs: number, cause: unknown) {
    super(`The request took longer than ${timeoutMs} ms.`, { cause });
    this.name = 'FetchTimeoutError';
  }
}

/**
 * The outcome of {@link fetchJson}.
 *
 * @internal
 * @example
 * ```ts
 * const response: JsonResponse = { status: 200, ok: true, body: { c: 1 } };
 * ```
 */
export interface JsonResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly body: unknown;
}

/**
 * GETs a URL and parses its JSON body, aborting after `timeoutMs` (timer on `scheduler`) or when
 * `signal` aborts. A body that is not JSON gives `body: undefined`.
 *
 * @internal
 * @example
 * ```ts
 * const { status, body } = await fetchJson(fetch, 'https://example.com/quote', { timeoutMs: 5000, scheduler: asyncScheduler });
 * ```
 */
export async function fetchJson(
  fetchImpl: FetchLike,
  url: string,
  options: { readonly timeoutMs: number; readonly scheduler: SchedulerLike; readonly signal?: AbortSignal },
): Promise<JsonResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const abort = (): void => controller.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  if (options.signal?.aborted) controller.abort();
  const timer = options.scheduler.schedule(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const response = await fetchImpl(url, {
      signal: controller.signal,
      headers: { accept: 'application/json' },
    });
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    return { status: response.status, ok: response.ok, body };
  } catch (error) {
    if (timedOut) throw new FetchTimeoutError(options.timeoutMs, error);
    throw error;
  } finally {
    timer.unsubscribe();
    options.signal?.removeEventListener('abort', abort);
  }
}
