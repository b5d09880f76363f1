import type { Logger } from '@livetools/core';
import { asyncScheduler, Observable, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { DEFAULT_QUOTE_TIMEOUT_MS } from './define-quote-source.js';
import { createIgnoredInput } from './ignored-input.js';
import type { Quote, QuoteFeedStatus, QuoteSourceStats, QuoteUpdate } from './quote-source.js';
import { noQuoteTimeoutError, QuoteSourceError } from './quote-source-error.js';
import { quoteProblem } from './quote-validation.js';
import {
  type ConnectionFailure,
  createReconnectingWebSocket,
  type ReconnectingWebSocketOptions,
} from './reconnecting-web-socket.js';
import { scheduleAfter } from './schedule-after.js';

/**
 * Sends messages on the current connection of a {@link WebSocketQuoteFeed}.
 *
 * @example
 * ```ts
 * connection.send({ type: 'subscribe', symbol: 'AAPL' });
 * ```
 */
export interface WebSocketFeedConnection {
  /** JSON-encodes `message` and sends it; returns false when no connection is open. */
  send(message: unknown): boolean;
}

/**
 * What a {@link WebSocketQuoteProtocol} can do with the feed while handling a message.
 *
 * @example
 * ```ts
 * feed.quote({ symbol: 'AAPL', price: 231, time: Date.now(), source: 'example', marketOpen: true });
 * ```
 */
export interface WebSocketFeedContext {
  /**
   * Delivers a quote to the watchers of `quote.symbol` (ignored when nobody watches it). A quote
   * whose values cannot be used (see {@link QuoteSourceStats}) is dropped and counted instead.
   */
  quote(quote: Quote): void;
  /** Counts (and logs at debug level) a quote or trade the protocol refused, e.g. one without a symbol. */
  ignoreQuote(reason: string, data?: Record<string, unknown>): void;
  /** Counts (and logs at debug level) a message the protocol could not read, e.g. a known type in an unknown shape. */
  ignoreMessage(reason: string, data?: Record<string, unknown>): void;
  /** Fails one symbol's stream (e.g. the provider says it does not exist). */
  fail(symbol: string, error: QuoteSourceError): void;
  /** Fails every stream and closes the connection without retrying (e.g. a rejected key). */
  failAll(error: QuoteSourceError): void;
  /** Symbols watched now. */
  watched(): string[];
  /** Watched symbols that have not had a quote yet. */
  awaitingFirstQuote(): string[];
}

/**
 * One provider's WebSocket protocol: how to reach it, how to (un)subscribe a symbol, how to read its
 * messages. {@link createWebSocketQuoteFeed} adds connection management around it.
 *
 * @example
 * ```ts
 * const protocol: WebSocketQuoteProtocol = {
 *   name: 'example',
 *   url: () => 'wss://example.com/feed',
 *   subscribe: (symbol, connection) => connection.send({ op: 'sub', symbol }),
 *   unsubscribe: (symbol, connection) => connection.send({ op: 'unsub', symbol }),
 *   handleMessage: (message, feed) => {
 *     const m = message as { symbol: string; price: number; time: number };
 *     feed.quote({ symbol: m.symbol, price: m.price, time: m.time, source: 'example', marketOpen: true });
 *   },
 * };
 * ```
 */
export interface WebSocketQuoteProtocol {
  /** Provider name. */
  readonly name: string;
  /** URL of each new connection. */
  url(): string;
  /** Sends what makes the provider stream `symbol` (called on open for every watched symbol too). */
  subscribe(symbol: string, connection: WebSocketFeedConnection): void;
  /** Sends what stops the stream of `symbol`. */
  unsubscribe(symbol: string, connection: WebSocketFeedConnection): void;
  /**
   * Messages are JSON arrays (Alpaca sends every message as one): arrays reach
   * {@link WebSocketQuoteProtocol.handleMessage} as they are. Default: false (only objects do).
   */
  readonly arrays?: boolean;
  /**
   * Handles one parsed JSON message: always an object, or an array when `arrays` is set (other
   * JSON values, and text that is not JSON, are counted as ignored messages before they get here). Whatever it throws is caught and
   * counted as an ignored message: one bad message never costs the connection.
   */
  handleMessage(message: unknown, feed: WebSocketFeedContext): void;
  /** Called when a connection opens, before the symbols are subscribed again (reset per-connection state). */
  onConnectionOpen?(): void;
  /** Turns a connection failure into a fatal error (no retry), e.g. HTTP 401 → `REJECTED_API_KEY`. */
  classifyFailure?(failure: ConnectionFailure): QuoteSourceError | undefined;
  /**
   * A first price for a newly watched symbol (e.g. from REST), raced against the stream; resolve
   * `undefined` for none. Rejecting with `UNKNOWN_SYMBOL` or `NO_ACCESS` fails the symbol, with
   * `REJECTED_API_KEY` every symbol; other failures are ignored (the stream may still deliver
   * within the timeout).
   */
  snapshot?(symbol: string, signal: AbortSignal): Promise<Quote | undefined>;
  /**
   * Symbols the provider streams on one connection (e.g. 50 on Finnhub's free plan). A watch of
   * one more fails at once with {@link WebSocketQuoteProtocol.symbolLimitError}, before anything is
   * sent upstream; it can be watched once another symbol is unwatched. Default: no limit.
   */
  readonly maxSymbols?: number;
  /** The error of a watch beyond `maxSymbols`. Default: a `SYMBOL_LIMIT` error naming the limit. */
  symbolLimitError?(symbol: string, maxSymbols: number): QuoteSourceError;
  /**
   * Unsubscribe a symbol upstream whenever it fails, whatever the error: for providers that keep
   * a subscription to a symbol they do not know (it counts toward the plan's limit) and take an
   * unsubscribe of it quietly. Default: false (a symbol failed with `UNKNOWN_SYMBOL` is not
   * unsubscribed, since the provider refused it).
   */
  readonly unsubscribeFailedSymbols?: boolean;
  /** The error for a symbol that had no quote within the timeout. Default: `NO_QUOTE_TIMEOUT`. */
  noQuoteError?(symbol: string, timeoutMs: number): QuoteSourceError;
}

/**
 * Connection settings shared by the WebSocket providers.
 *
 * @example
 * ```ts
 * const options: WebSocketQuoteFeedOptions = { noQuoteTimeoutMs: 5_000, idleCloseMs: 0, backoff: { maxDelayMs: 10_000 } };
 * ```
 */
export interface WebSocketQuoteFeedOptions
  extends Pick<
    ReconnectingWebSocketOptions,
    'WebSocket' | 'random' | 'backoff' | 'deadAfterMs' | 'maxConsecutiveFailures' | 'handshakeTimeoutMs'
  > {
  /** Scheduler of every timer. Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** No message for this long (ms) → status `stale`. Provider default. `Infinity` disables. */
  readonly staleAfterMs?: number;
  /** A watched symbol with no quote within this time fails. Default: 10 000. */
  readonly noQuoteTimeoutMs?: number;
  /**
   * How long the connection stays open after the last symbol is unwatched, so that a symbol watched
   * again soon reuses it. Default: 5000; 0 closes it at once.
   */
  readonly idleCloseMs?: number;
  /** Wall clock for status times, epoch ms. Default: the scheduler's `now()`. */
  readonly now?: () => number;
  /** Where to log (at debug level) each quote and message the feed ignores. Default: none. */
  readonly logger?: Logger;
}

/**
 * Per-symbol streams over one shared WebSocket: see {@link createWebSocketQuoteFeed}.
 *
 * @example
 * ```ts
 * const subscription = feed.connect('AAPL').subscribe(console.log);
 * ```
 */
export interface WebSocketQuoteFeed {
  /** Streams one symbol; subscribing subscribes it upstream, unsubscribing the last watcher unsubscribes it. */
  connect(symbol: string): Observable<QuoteUpdate>;
  /** Counts of the quotes and messages the feed ignored so far. */
  stats(): QuoteSourceStats;
}

interface SymbolWatch {
  readonly subscribers: Set<Subscriber<QuoteUpdate>>;
  gotQuote: boolean;
  status: QuoteFeedStatus;
  timer: Subscription | undefined;
  readonly abort: AbortController;
}

/**
 * Runs a provider's WebSocket protocol over one reconnecting connection per feed: the connection
 * opens with the first watched symbol and closes `idleCloseMs` after the last one leaves; each
 * symbol is subscribed upstream when first watched and unsubscribed when its last watcher leaves;
 * after a reconnection every watched symbol is subscribed again. Connection health reaches every
 * symbol as `status` updates (`stale`, `reconnecting`, `live`). A symbol without a quote within
 * `noQuoteTimeoutMs` fails rather than waiting forever.
 *
 * @param protocol - The provider's protocol.
 * @param options - Connection settings.
 * @returns A feed whose `connect(symbol)` is the `connect` of {@link defineQuoteSource}.
 *
 * @example
 * ```ts
 * const feed = createWebSocketQuoteFeed(protocol, { noQuoteTimeoutMs: 5000 });
 * export const exampleSource = defineQuoteSource({ name: protocol.name, connect: feed.connect });
 * ```
 */
export function createWebSocketQuoteFeed(
  protocol: WebSocketQuoteProtocol,
  options: WebSocketQuoteFeedOptions = {},
): WebSocketQuoteFeed {
  const scheduler = options.scheduler ?? asyncScheduler;
  const now = options.now ?? (() => scheduler.now());
  const noQuoteTimeoutMs = options.noQuoteTimeoutMs ?? DEFAULT_QUOTE_TIMEOUT_MS;
  /** Why the last connection attempt reached nobody, until a connection opens. */
  let unreachable: string | undefined;
  const idleCloseMs = options.idleCloseMs ?? 5000;
  const watches = new Map<string, SymbolWatch>();
  const ignored = createIgnoredInput(options.logger);
  let idleClose: Subscription | undefined;

  const socket = createReconnectingWebSocket({
    name: protocol.name,
    url: () => protocol.url(),
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    scheduler,
    ...(options.random ? { random: options.random } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.staleAfterMs === undefined ? {} : { staleAfterMs: options.staleAfterMs }),
    ...(options.deadAfterMs === undefined ? {} : { deadAfterMs: options.deadAfterMs }),
    ...(options.maxConsecutiveFailures === undefined
      ? {}
      : { maxConsecutiveFailures: options.maxConsecutiveFailures }),
    ...(options.handshakeTimeoutMs === undefined ? {} : { handshakeTimeoutMs: options.handshakeTimeoutMs }),
    onOpen: () => {
      unreachable = undefined;
      protocol.onConnectionOpen?.();
      for (const symbol of watches.keys()) protocol.subscribe(symbol, connection);
    },
    onMessage: (text) => {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        ignored.message(protocol.name, 'not JSON', { length: text.length });
        return false;
      }
      if (typeof message !== 'object' || message === null || (Array.isArray(message) && !protocol.arrays)) {
        ignored.message(protocol.name, protocol.arrays ? 'not a JSON object or array' : 'not a JSON object', {
          length: text.length,
        });
        return false;
      }
      try {
        protocol.handleMessage(message, context);
      } catch (error) {
        ignored.message(protocol.name, `it could not be handled (${errorText(error)})`, {
          length: text.length,
        });
        return false;
      }
      return true;
    },
    onStatus: (status, reason) => {
      for (const [symbol, watch] of [...watches]) setStatus(symbol, watch, status, reason);
    },
    onFailure: (error) => failAll(error),
    classifyFailure: (failure) => {
      // No connection at all (no handshake, no HTTP answer): the provider could not be reached.
      if (!failure.opened && failure.httpStatus === undefined) {
        unreachable = failure.reason ?? `no connection (close code ${failure.code ?? 'none'})`;
      }
      return protocol.classifyFailure?.(failure);
    },
  });

  const connection: WebSocketFeedConnection = {
    send: (message) => socket.send(JSON.stringify(message)),
  };

  const setStatus = (symbol: string, watch: SymbolWatch, status: QuoteFeedStatus, reason?: string): void => {
    if (watch.status === status) return;
    watch.status = status;
    const update: QuoteUpdate = {
      type: 'status',
      status,
      symbol,
      time: now(),
      ...(reason ? { reason } : {}),
    };
    for (const subscriber of [...watch.subscribers]) subscriber.next(update);
  };

  const release = (symbol: string, watch: SymbolWatch, unsubscribeUpstream: boolean): void => {
    if (watches.get(symbol) !== watch) return;
    watches.delete(symbol);
    watch.timer?.unsubscribe();
    watch.abort.abort();
    if (unsubscribeUpstream && socket.isOpen) protocol.unsubscribe(symbol, connection);
    if (watches.size > 0 || !socket.isRunning) return;
    if (idleCloseMs <= 0) {
      socket.stop();
      return;
    }
    idleClose?.unsubscribe();
    idleClose = scheduleAfter(scheduler, idleCloseMs, () => {
      idleClose = undefined;
      if (watches.size === 0) socket.stop();
    });
  };

  const fail = (symbol: string, error: QuoteSourceError): void => {
    const watch = watches.get(symbol);
    if (!watch) return;
    release(symbol, watch, protocol.unsubscribeFailedSymbols === true || error.code !== 'UNKNOWN_SYMBOL');
    for (const subscriber of [...watch.subscribers]) subscriber.error(error);
  };

  const failAll = (error: QuoteSourceError): void => {
    socket.stop();
    const all = [...watches];
    for (const [symbol, watch] of all) release(symbol, watch, false);
    for (const [, watch] of all) for (const subscriber of [...watch.subscribers]) subscriber.error(error);
  };

  const deliver = (quote: Quote): void => {
    const problem = quoteProblem(quote);
    if (problem !== undefined) {
      ignored.quote(protocol.name, problem, {
        symbol: typeof quote?.symbol === 'string' ? quote.symbol : undefined,
      });
      return;
    }
    const watch = watches.get(quote.symbol);
    if (!watch) return;
    if (!watch.gotQuote) {
      watch.gotQuote = true;
      watch.timer?.unsubscribe();
      watch.timer = undefined;
    }
    for (const subscriber of [...watch.subscribers]) subscriber.next({ type: 'quote', quote });
  };

  const context: WebSocketFeedContext = {
    quote: deliver,
    ignoreQuote: (reason, data) => ignored.quote(protocol.name, reason, data),
    ignoreMessage: (reason, data) => ignored.message(protocol.name, reason, data),
    fail,
    failAll,
    watched: () => [...watches.keys()],
    awaitingFirstQuote: () => [...watches].filter(([, watch]) => !watch.gotQuote).map(([symbol]) => symbol),
  };

  const createWatch = (symbol: string): SymbolWatch => {
    idleClose?.unsubscribe();
    idleClose = undefined;
    const watch: SymbolWatch = {
      subscribers: new Set(),
      gotQuote: false,
      status: socket.isRunning ? socket.status : 'live',
      timer: undefined,
      abort: new AbortController(),
    };
    watches.set(symbol, watch);
    return watch;
  };

  const activate = (symbol: string, watch: SymbolWatch): void => {
    // cancelled by the first quote and by release: when it fires, the symbol has had no quote
    watch.timer = scheduleAfter(scheduler, noQuoteTimeoutMs, () => {
      watch.timer = undefined;
      fail(
        symbol,
        unreachable === undefined
          ? (protocol.noQuoteError?.(symbol, noQuoteTimeoutMs) ??
              noQuoteTimeoutError(protocol.name, symbol, noQuoteTimeoutMs))
          : new QuoteSourceError(
              'NO_QUOTE_TIMEOUT',
              `No price for ${symbol} from ${protocol.name} within ${noQuoteTimeoutMs} ms: ${protocol.name} ` +
                `could not be reached (${unreachable.slice(0, 200)}), so the network is likely down and the ` +
                'symbol may well be fine. Check the connection, then try again.',
              { source: protocol.name, symbol },
            ),
      );
    });
    if (protocol.snapshot) {
      protocol.snapshot(symbol, watch.abort.signal).then(
        (quote) => {
          if (quote && watches.get(symbol) === watch && !watch.gotQuote) deliver(quote);
        },
        (error: unknown) => {
          if (watches.get(symbol) !== watch || !QuoteSourceError.isInstance(error)) return;
          if (error.code === 'REJECTED_API_KEY') failAll(error);
          else if (error.code === 'UNKNOWN_SYMBOL' || error.code === 'NO_ACCESS') fail(symbol, error);
          // other snapshot failures are not decisive: the stream may still deliver, within the timeout
        },
      );
    }
    if (!socket.isRunning) socket.start();
    else if (socket.isOpen) protocol.subscribe(symbol, connection);
  };

  return {
    stats: () => ignored.stats(),
    connect: (symbol) =>
      new Observable<QuoteUpdate>((subscriber) => {
        const existing = watches.get(symbol);
        const maxSymbols = protocol.maxSymbols ?? Number.POSITIVE_INFINITY;
        if (!existing && watches.size >= maxSymbols) {
          subscriber.error(
            protocol.symbolLimitError?.(symbol, maxSymbols) ??
              new QuoteSourceError(
                'SYMBOL_LIMIT',
                `${protocol.name} streams at most ${maxSymbols} symbols on one connection, and as many are ` +
                  `watched: stop watching one before watching ${symbol}.`,
                { source: protocol.name, symbol },
              ),
          );
          return;
        }
        const watch = existing ?? createWatch(symbol);
        watch.subscribers.add(subscriber);
        if (watch.status !== 'live') {
          subscriber.next({ type: 'status', status: watch.status, symbol, time: now() });
        }
        if (!existing) activate(symbol, watch);
        return () => {
          watch.subscribers.delete(subscriber);
          if (watch.subscribers.size === 0) release(symbol, watch, true);
        };
      }),
  };
}

/** The message of whatever a protocol threw, without ever throwing itself. */
function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'a value that is not an Error';
}
