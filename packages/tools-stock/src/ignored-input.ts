import type { Logger } from '@livetools/core';
import type { QuoteSourceStats } from './quote-source.js';

/**
 * Counts (and logs at debug level) the provider input a source refused: quotes whose values are
 * out of range or of the wrong type, and messages it could not read.
 *
 * @internal
 */
export interface IgnoredInput {
  /** Counts one refused quote or tick, and logs why. */
  quote(source: string, reason: string, data?: Record<string, unknown>): void;
  /** Counts one unreadable message, and logs why. */
  message(source: string, reason: string, data?: Record<string, unknown>): void;
  /** The counts so far. */
  stats(): QuoteSourceStats;
}

/**
 * Creates an {@link IgnoredInput} that logs to `logger` (nothing when it is undefined).
 *
 * @internal
 * @example
 * ```ts
 * const ignored = createIgnoredInput(logger);
 * ignored.quote('finnhub', 'price 0 is not a positive number', { symbol: 'AAPL' });
 * ```
 */
export function createIgnoredInput(logger: Logger | undefined): IgnoredInput {
  let quotes = 0;
  let messages = 0;
  return {
    quote(source, reason, data) {
      quotes += 1;
      logger?.debug(`${source}: ignored a quote: ${reason}`, { source, ignoredQuotes: quotes, ...data });
    },
    message(source, reason, data) {
      messages += 1;
      logger?.debug(`${source}: ignored a message: ${reason}`, {
        source,
        ignoredMessages: messages,
        ...data,
      });
    },
    stats: () => ({ ignoredQuotes: quotes, ignoredMessages: messages }),
  };
}

/**
 * The sum of two sets of counts.
 *
 * @internal
 */
export function addStats(a: QuoteSourceStats, b: QuoteSourceStats | undefined): QuoteSourceStats {
  if (!b) return a;
  return {
    ignoredQuotes: a.ignoredQuotes + b.ignoredQuotes,
    ignoredMessages: a.ignoredMessages + b.ignoredMessages,
  };
}
