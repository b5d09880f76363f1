/**
 * `@livetools/quotes-nats`: a fleet of livetools agent processes sharing one market feed over
 * NATS. Run one quote relay (`livetools-quote-relay`, or {@link startQuoteRelay}) next to NATS
 * with JetStream; give each agent process {@link createNatsQuoteSource} as its quote source.
 *
 * @packageDocumentation
 */

export { type NatsFailure, NatsQuoteError } from './errors.js';
export {
  createNatsQuoteSource,
  DEFAULT_SNAPSHOT_TIMEOUT_MS,
  type NatsQuoteSource,
  type NatsQuoteSourceOptions,
  type NatsQuoteSourceStats,
} from './nats-quote-source.js';
export {
  DEFAULT_BUCKET,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_PROCESSES,
  DEFAULT_MAX_SYMBOLS,
  DEFAULT_OPEN_TIMEOUT_MS,
  DEFAULT_SUBJECT_PREFIX,
  type QuoteRelay,
  type QuoteRelayOptions,
  type QuoteRelayStats,
  startQuoteRelay,
} from './quote-relay.js';
export { decodeToken, encodeToken } from './subjects.js';

/**
 * The package's version, kept in step with `package.json`.
 *
 * @example
 * ```ts
 * console.log(`@livetools/quotes-nats ${version}`);
 * ```
 */
export const version = '0.1.0';
