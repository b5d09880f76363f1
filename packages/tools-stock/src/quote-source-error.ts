import { errorMarker, hasErrorMarker, markError } from '@livetools/core';

const marker = errorMarker('QuoteSourceError');

/**
 * Stable codes of every error a quote source reports.
 *
 * - `UNKNOWN_SYMBOL`: the symbol is malformed or the provider does not know it.
 * - `MISSING_API_KEY`: the provider needs a key and none was given.
 * - `REJECTED_API_KEY`: the provider refused the key (HTTP 401/403, an error message, or closing
 *   every connection right after it opens).
 * - `NO_QUOTE_TIMEOUT`: no price arrived within the bounded wait.
 * - `PROVIDER_ERROR`: anything else the provider reported, or the connection could not be restored.
 * - `BAD_REQUEST`: the provider called a request malformed (e.g. HTTP 400): a bug or an unsupported
 *   value in what was sent, not an unknown symbol.
 * - `SYMBOL_LIMIT`: the plan's limit of symbols per connection is reached (e.g. Alpaca's 30).
 * - `CONNECTION_LIMIT`: another connection already uses the key and the plan allows one (e.g.
 *   Alpaca's 406): close the other client.
 * - `NO_ACCESS`: the key is valid but its plan does not cover this symbol (e.g. Finnhub's "You don't
 *   have access to this resource." for a non-US stock on a free key); other symbols go on.
 *
 * @example
 * ```ts
 * const code: QuoteSourceErrorCode = 'UNKNOWN_SYMBOL';
 * ```
 */
export type QuoteSourceErrorCode =
  | 'UNKNOWN_SYMBOL'
  | 'MISSING_API_KEY'
  | 'REJECTED_API_KEY'
  | 'NO_QUOTE_TIMEOUT'
  | 'PROVIDER_ERROR'
  | 'BAD_REQUEST'
  | 'SYMBOL_LIMIT'
  | 'CONNECTION_LIMIT'
  | 'NO_ACCESS';

/**
 * Details attached to a {@link QuoteSourceError}.
 *
 * @example
 * ```ts
 * const details: QuoteSourceErrorDetails = { source: 'finnhub', symbol: 'AAPL' };
 * ```
 */
export interface QuoteSourceErrorDetails {
  /** Name of the source that failed. */
  readonly source?: string;
  /** The symbol concerned, when the error is about one symbol. */
  readonly symbol?: string;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * The error every quote source fails with: a stable `code`, a message that says what to do, and a
 * marker so {@link QuoteSourceError.isInstance} recognises it across duplicate package copies.
 *
 * @example
 * ```ts
 * try {
 *   await source.quote('NOPE!');
 * } catch (error) {
 *   if (QuoteSourceError.isInstance(error) && error.code === 'UNKNOWN_SYMBOL') console.log(error.message);
 * }
 * ```
 */
export class QuoteSourceError extends Error {
  /** A stable, machine-readable code. */
  readonly code: QuoteSourceErrorCode;
  /** Name of the source that failed, when known. */
  readonly source: string | undefined;
  /** The symbol concerned, when the error is about one symbol. */
  readonly symbol: string | undefined;

  constructor(code: QuoteSourceErrorCode, message: string, details: QuoteSourceErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'QuoteSourceError';
    this.code = code;
    this.source = details.source;
    this.symbol = details.symbol;
    markError(this, marker);
  }

  /** True when `error` is a quote source error, even one created by another copy of the package. */
  static isInstance(error: unknown): error is QuoteSourceError {
    return hasErrorMarker(error, marker);
  }
}

/**
 * The error of a symbol that had no price within `timeoutMs`, with the default wording.
 *
 * @internal
 * @example
 * ```ts
 * throw noQuoteTimeoutError('simulated', 'AAPL', 10_000);
 * ```
 */
export function noQuoteTimeoutError(source: string, symbol: string, timeoutMs: number): QuoteSourceError {
  return new QuoteSourceError(
    'NO_QUOTE_TIMEOUT',
    `No price for ${symbol} from ${source} within ${timeoutMs} ms. Check the symbol, or try again later.`,
    { source, symbol },
  );
}
