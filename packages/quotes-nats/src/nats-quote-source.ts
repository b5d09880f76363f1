import type { Logger } from '@livetools/core';
import {
  defineQuoteSource,
  type Quote,
  type QuoteFeedStatus,
  type QuoteSource,
  QuoteSourceError,
  type QuoteSourceStats,
  type QuoteStatusChange,
  type QuoteUpdate,
  quoteProblem,
} from '@livetools/tools-stock';
import { Observable, Subject } from 'rxjs';
import { describeServers, messageOf, NatsQuoteError } from './errors.js';
import { type FleetLink, openFleetLink } from './fleet-link.js';
import { DEFAULT_BUCKET, DEFAULT_LEASE_MS, DEFAULT_SUBJECT_PREFIX } from './quote-relay.js';
import { relaySubjects } from './subjects.js';
import { isAfter, type Ordered, parseRelayMessage } from './wire.js';

/** How far ahead of this process's clock a relay's epoch may be (clock skew): one day. */
const EPOCH_AHEAD_MS = 24 * 60 * 60 * 1000;

/**
 * Default bound, in ms, on a first watch's wait for a relay's answer; `quote()` waits one second
 * more for the price.
 *
 * @example
 * ```ts
 * const source = createNatsQuoteSource({ servers, source: 'simulated', snapshotTimeoutMs: DEFAULT_SNAPSHOT_TIMEOUT_MS * 2 });
 * ```
 */
export const DEFAULT_SNAPSHOT_TIMEOUT_MS = 5_000;
/** How much longer than `snapshotTimeoutMs` a one-shot `quote()` waits by default. */
const QUOTE_MARGIN_MS = 1_000;

/**
 * Options of {@link createNatsQuoteSource}.
 *
 * @example
 * ```ts
 * const options: NatsQuoteSourceOptions = { servers: 'nats://127.0.0.1:4222', source: 'simulated' };
 * ```
 */
export interface NatsQuoteSourceOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | readonly string[];
  /** Which upstream source of the relay to read, e.g. `simulated`, `finnhub`, `coinbase`. */
  readonly source: string;
  /** This source's name, in errors and logs. Quotes keep the upstream's `source`. Default `nats:<source>`. */
  readonly name?: string;
  /** Demand lease, in ms: renewed every third of it; a relay drops the demand of a process silent for this long. Default 15 000. */
  readonly leaseMs?: number;
  /** JetStream KV bucket of the last quote per symbol: the relay's. Default `livetools_quotes`. */
  readonly bucket?: string;
  /** First token(s) of every subject: the relay's. Default `quotes`. */
  readonly subjectPrefix?: string;
  /** Where to log reconnections and (at debug level) refused messages. */
  readonly logger?: Logger;
  /**
   * How long a first watch waits for a relay to answer before failing with `NO_RELAY`, in ms.
   * `quote()` waits one second more for the price (then `NO_QUOTE_TIMEOUT`). Default 5 000.
   */
  readonly snapshotTimeoutMs?: number;
  /**
   * Normalises a symbol before it is asked for. Default: trim and upper-case, 1 to 64 printable
   * characters; the relay's upstream validates it further (and fails the watch with its error).
   */
  normalizeSymbol?(symbol: string): string;
}

/**
 * What a NATS quote source reports.
 *
 * @example
 * ```ts
 * const { subscriptions, ignoredMessages } = source.stats();
 * ```
 */
export interface NatsQuoteSourceStats extends QuoteSourceStats {
  /** NATS subscriptions for live quotes held by this process now: one per watched symbol. */
  readonly subscriptions: number;
  /** The watched symbols, sorted. */
  readonly symbols: string[];
  /** Relay messages dropped as duplicates or older than what was delivered. */
  readonly outOfOrder: number;
}

/**
 * A {@link QuoteSource} that reads a quote relay over NATS; dispose it or call `close()`.
 *
 * @example
 * ```ts
 * await using source = createNatsQuoteSource({ servers, source: 'simulated' });
 * console.log(source.stats().subscriptions);
 * ```
 */
export interface NatsQuoteSource extends QuoteSource, AsyncDisposable {
  /** Counts of refused and reordered input, and the symbols subscribed now. */
  stats(): NatsQuoteSourceStats;
  /** Ends every watch, says goodbye to the relay (its demand is released at once) and closes NATS. Idempotent. */
  close(): Promise<void>;
}

/**
 * A quote source for agent processes of a fleet: prices come from a quote relay
 * (`livetools-quote-relay`) over NATS, so the whole fleet shares one upstream subscription per
 * symbol. Drop-in for `createStockTools({ source })`.
 *
 * - One NATS subscription per watched symbol in the process, however many watchers.
 * - A new watcher gets the last quote from the relay's KV bucket at once, then live quotes, in
 *   order: duplicates and anything older than what was delivered are dropped (per-symbol
 *   `epoch`/`seq` from the relay).
 * - Demand is renewed every third of `leaseMs` and released as soon as the last watcher of a
 *   symbol leaves, or the source closes.
 * - Feed status: `reconnecting` while NATS is down, `stale` while no relay answers, `live` again
 *   once a relay answers; watches resume by themselves (a new relay picks the demand up at once).
 * - Errors ({@link NatsQuoteError}): `NATS_UNREACHABLE` when NATS cannot be reached at first,
 *   `NO_RELAY` when no relay serves the source within `snapshotTimeoutMs`, `RELAY_ERROR` with the
 *   upstream's code (e.g. `UNKNOWN_SYMBOL`).
 * - Unreadable or out-of-range messages are dropped and counted in `stats()`, never thrown.
 *
 * @param options - Servers, the relay's source name, lease, bucket, subject prefix, timeouts.
 * @returns The source. It connects on first use.
 *
 * @example
 * ```ts
 * import { createStockTools } from '@livetools/tools-stock';
 *
 * const source = createNatsQuoteSource({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', source: 'simulated' });
 * const tools = createStockTools({ source });
 * ```
 */
export function createNatsQuoteSource(options: NatsQuoteSourceOptions): NatsQuoteSource {
  const upstream = options.source;
  const name = options.name ?? `nats:${upstream}`;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const timeoutMs = options.snapshotTimeoutMs ?? DEFAULT_SNAPSHOT_TIMEOUT_MS;
  const subjects = relaySubjects(options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX);
  const { logger } = options;
  if (!(Number.isFinite(leaseMs) && leaseMs >= 100))
    throw new RangeError(`leaseMs must be at least 100 ms, got ${leaseMs}.`);
  if (typeof upstream !== 'string' || upstream.length === 0)
    throw new RangeError('source must name a source of the relay.');

  let ignoredMessages = 0;
  let outOfOrder = 0;
  let closed = false;
  const watched = new Set<string>();
  const feedStatus = new Subject<{ status: QuoteFeedStatus; reason: string }>();
  let link: Promise<FleetLink> | undefined;

  const linkOpen = (): Promise<FleetLink> => {
    if (closed) return Promise.reject(closedError());
    link ??= openFleetLink({
      servers: options.servers,
      source: upstream,
      name,
      leaseMs,
      bucket: options.bucket ?? DEFAULT_BUCKET,
      subjects,
      logger,
      wanted: () => [...watched],
      onStatus: (status, reason) => feedStatus.next({ status, reason }),
    }).catch((error: unknown) => {
      link = undefined; // the next watch tries again
      throw error;
    });
    return link;
  };

  const closedError = (): NatsQuoteError =>
    new NatsQuoteError(
      'CLOSED',
      'PROVIDER_ERROR',
      `The NATS quote source ${name} is closed. Create a new one.`,
      {
        source: name,
      },
    );

  const connect = (symbol: string): Observable<QuoteUpdate> =>
    new Observable<QuoteUpdate>((subscriber) => {
      let last: Ordered | undefined;
      let lastStatus: QuoteFeedStatus = 'live';
      let stopped = false;
      let release: (() => void) | undefined;

      const emitStatus = (status: QuoteFeedStatus, reason: string | undefined, time = Date.now()): void => {
        if (status === lastStatus) return;
        lastStatus = status;
        const change: QuoteStatusChange = {
          type: 'status',
          status,
          symbol,
          time,
          ...(reason === undefined ? {} : { reason }),
        };
        subscriber.next(change);
      };
      const deliver = (quote: Quote): void => {
        if (lastStatus !== 'live') emitStatus('live', 'quotes flowing again');
        subscriber.next({ type: 'quote', quote });
      };
      const onMessage = (data: Uint8Array): void => {
        const message = parseRelayMessage(data);
        if (message === undefined) {
          ignoredMessages += 1;
          logger?.debug(`${name}: ignored an unreadable message for ${symbol}`, { source: name, symbol });
          return;
        }
        if (message.kind === 'bad-quote') {
          ignoredMessages += 1;
          logger?.debug(`${name}: ignored a quote of the wrong shape for ${symbol}`, {
            source: name,
            symbol,
          });
          return;
        }
        if (message.kind === 'error') {
          subscriber.error(
            new NatsQuoteError('RELAY_ERROR', message.code, `${message.message} (relayed by ${name})`, {
              source: name,
              symbol,
            }),
          );
          return;
        }
        // An epoch is the ms its relay took the symbol: one a day ahead of this clock is forged or
        // broken, and would put every genuine message after it out of order.
        if (message.epoch > Date.now() + EPOCH_AHEAD_MS) {
          ignoredMessages += 1;
          logger?.debug(`${name}: ignored a message for ${symbol} from an epoch a day or more ahead`, {
            source: name,
            symbol,
            epoch: message.epoch,
          });
          return;
        }
        if (!isAfter(message, last)) {
          outOfOrder += 1;
          return;
        }
        // A quote that is dropped as unusable (counted by the source) does not move the order on.
        if (message.kind === 'quote' && quoteProblem(message.quote) !== undefined) {
          deliver(message.quote);
          return;
        }
        last = { epoch: message.epoch, seq: message.seq };
        if (message.kind === 'quote') deliver(message.quote);
        else if (message.kind === 'status') emitStatus(message.status, message.reason, message.time);
      };

      const statusSubscription = feedStatus.subscribe({
        next: ({ status, reason }) => emitStatus(status, reason),
        complete: () => subscriber.error(closedError()),
      });
      linkOpen()
        .then(async (fleet) => {
          if (stopped) return;
          const watch = fleet.watch(symbol, onMessage);
          release = () => watch.release();
          watched.add(symbol);
          const snapshot = fleet.snapshot(symbol);
          const answered = await fleet.announce(timeoutMs);
          if (stopped) return;
          if (!answered && !fleet.connected()) {
            subscriber.error(
              new NatsQuoteError(
                'NATS_UNREACHABLE',
                'PROVIDER_ERROR',
                `Lost the NATS connection to ${describeServers(options.servers)} and it did not come back within ${timeoutMs} ms. Check the NATS server; watches resume once it is back.`,
                { source: name, symbol },
              ),
            );
            return;
          }
          if (!answered && last !== undefined) {
            // quotes came, so a relay was there and left before answering this watch: stale, like
            // every watch while no relay answers; the next relay's hello renews the demand
            emitStatus('stale', `no quote relay for ${upstream} answers on NATS; waiting for one`);
            return;
          }
          if (!answered) {
            subscriber.error(
              new NatsQuoteError(
                'NO_RELAY',
                'PROVIDER_ERROR',
                `No quote relay for ${upstream} answered on NATS within ${timeoutMs} ms. Start one (livetools-quote-relay --source ${upstream}) or check the source name.`,
                { source: name, symbol },
              ),
            );
            return;
          }
          const entry = await snapshot;
          if (stopped || entry === undefined) return;
          onMessage(entry);
        })
        .catch((error: unknown) => {
          subscriber.error(
            QuoteSourceError.isInstance(error)
              ? error
              : new NatsQuoteError(
                  'NATS_UNREACHABLE',
                  'PROVIDER_ERROR',
                  `${name} failed: ${messageOf(error)}`,
                  {
                    source: name,
                    symbol,
                    cause: error,
                  },
                ),
          );
        });

      return () => {
        stopped = true;
        statusSubscription.unsubscribe();
        if (watched.delete(symbol)) release?.();
      };
    });

  const defined = defineQuoteSource({
    name,
    connect,
    // a missing relay is reported as NO_RELAY at `timeoutMs`, before a bare NO_QUOTE_TIMEOUT
    quoteTimeoutMs: timeoutMs + QUOTE_MARGIN_MS,
    normalizeSymbol: options.normalizeSymbol ?? normalizeAnySymbol(name),
    ...(logger === undefined ? {} : { logger }),
    stats: () => ({ ignoredQuotes: 0, ignoredMessages }),
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      closed = true;
      feedStatus.complete();
      const open = link;
      link = undefined;
      if (open) await open.then((fleet) => fleet.close()).catch(() => {});
    })();
    return closing;
  };

  return {
    name,
    watch: (symbol) => defined.watch(symbol),
    quote: (symbol, quoteOptions) => defined.quote(symbol, quoteOptions),
    stats: () => {
      const base = defined.stats?.() ?? { ignoredQuotes: 0, ignoredMessages: 0 };
      return { ...base, subscriptions: watched.size, symbols: [...watched].sort(), outOfOrder };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Trim, upper-case, 1 to 64 printable characters: any symbol an upstream might know. */
function normalizeAnySymbol(source: string): (symbol: string) => string {
  return (symbol) => {
    const normalized = typeof symbol === 'string' ? symbol.trim().toUpperCase() : '';
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (normalized.length === 0 || normalized.length > 64 || /[\u0000-\u001f\u007f]/.test(normalized)) {
      throw new QuoteSourceError(
        'UNKNOWN_SYMBOL',
        `"${typeof symbol === 'string' ? symbol.slice(0, 80) : typeof symbol}" is not a valid ticker symbol. Use an exchange ticker such as AAPL, MSFT or BTC-USD.`,
        { source },
      );
    }
    return normalized;
  };
}
