import { errorMarker, hasErrorMarker, markError } from '@livetools/core';
import { QuoteSourceError, type QuoteSourceErrorCode } from '@livetools/tools-stock';
import { NoRespondersError, RequestError } from '@nats-io/nats-core';

/**
 * What went wrong between an agent process, NATS and the quote relay:
 *
 * - `NATS_UNREACHABLE`: no NATS server answered at the configured URLs (error code `PROVIDER_ERROR`).
 * - `NO_RELAY`: NATS is up but no quote relay serving the source answered in time (`PROVIDER_ERROR`).
 * - `RELAY_ERROR`: the relay's upstream source failed for the symbol; the error `code` is the
 *   upstream's own (`UNKNOWN_SYMBOL`, `REJECTED_API_KEY`, ...).
 * - `CLOSED`: the source or relay was closed (`PROVIDER_ERROR`).
 *
 * @example
 * ```ts
 * const reason: NatsFailure = 'NO_RELAY';
 * ```
 */
export type NatsFailure = 'NATS_UNREACHABLE' | 'NO_RELAY' | 'RELAY_ERROR' | 'CLOSED';

const natsQuoteErrorMarker = errorMarker('NatsQuoteError');

/**
 * The error of the NATS quote source and of the relay: a {@link QuoteSourceError} (so the stock
 * tools treat it like any provider's) with a `failure` that says which part of the fleet failed.
 *
 * @example
 * ```ts
 * try {
 *   await source.quote('AAPL');
 * } catch (error) {
 *   if (NatsQuoteError.isInstance(error) && error.failure === 'NO_RELAY') console.log('start livetools-quote-relay');
 * }
 * ```
 */
export class NatsQuoteError extends QuoteSourceError {
  /** Which part of the fleet failed. */
  readonly failure: NatsFailure;

  /**
   * @param failure - Which part of the fleet failed.
   * @param code - The {@link QuoteSourceError} code the stock tools see.
   * @param message - What happened and what to do.
   * @param details - Source, symbol and cause.
   */
  constructor(
    failure: NatsFailure,
    code: QuoteSourceErrorCode,
    message: string,
    details: { readonly source?: string; readonly symbol?: string; readonly cause?: unknown } = {},
  ) {
    super(code, message, details);
    this.name = 'NatsQuoteError';
    markError(this, natsQuoteErrorMarker);
    this.failure = failure;
  }

  /** True when `error` is a `NatsQuoteError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is NatsQuoteError {
    return hasErrorMarker(error, natsQuoteErrorMarker);
  }
}

/** `a, b` for messages. @internal */
export function describeServers(servers: string | readonly string[]): string {
  return typeof servers === 'string' ? servers : servers.join(', ');
}

/** The message of an unknown thrown value, never throwing itself. @internal */
export function messageOf(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
    return typeof error === 'string' ? error : (JSON.stringify(error) ?? typeof error);
  } catch {
    return typeof error;
  }
}

/**
 * The `NATS_UNREACHABLE` error of a failed first connection.
 *
 * @internal
 */
export function natsUnreachableError(
  servers: string | readonly string[],
  cause: unknown,
  source?: string,
): NatsQuoteError {
  return new NatsQuoteError(
    'NATS_UNREACHABLE',
    'PROVIDER_ERROR',
    `Cannot reach NATS at ${describeServers(servers)} (${messageOf(cause)}). Start nats-server or set NATS_URL / servers to a reachable server.`,
    { cause, ...(source === undefined ? {} : { source }) },
  );
}

/**
 * True when a NATS request failed because nobody listens on its subject (the server says so at
 * once), as opposed to a timeout or a lost connection.
 *
 * @internal
 */
export function isNoResponders(error: unknown): boolean {
  return error instanceof NoRespondersError || (error instanceof RequestError && error.isNoResponders());
}
