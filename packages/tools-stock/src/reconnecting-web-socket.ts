import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import WebSocket from 'ws';
import { type BackoffOptions, backoffDelay } from './backoff-delay.js';
import type { QuoteFeedStatus } from './quote-source.js';
import { QuoteSourceError } from './quote-source-error.js';
import { scheduleAfter } from './schedule-after.js';
import type { WebSocketConstructorLike, WebSocketLike } from './web-socket-like.js';

/** The most one frame from a provider may be (see {@link ReconnectingWebSocketOptions.WebSocket}). */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** `ws`'s `WebSocket`, refusing frames larger than {@link MAX_FRAME_BYTES}. */
class BoundedWebSocket extends WebSocket {
  constructor(url: string) {
    super(url, { maxPayload: MAX_FRAME_BYTES });
  }
}

/**
 * How one connection ended, handed to {@link ReconnectingWebSocketOptions.classifyFailure}.
 *
 * @example
 * ```ts
 * const failure: ConnectionFailure = { opened: false, receivedMessage: false, httpStatus: 401, consecutiveFailures: 1, consecutiveEarlyCloses: 0 };
 * ```
 */
export interface ConnectionFailure {
  /** Whether the WebSocket handshake succeeded. */
  readonly opened: boolean;
  /** Whether a message arrived on this connection that `onMessage` read (did not return `false`). */
  readonly receivedMessage: boolean;
  /** HTTP status of a refused upgrade (e.g. 401), when the socket implementation reports it. */
  readonly httpStatus?: number;
  /** Close code, when the connection was closed. */
  readonly code?: number;
  /** Close reason or error message. */
  readonly reason?: string;
  /** Connections in a row, including this one, that ended without a message `onMessage` read. */
  readonly consecutiveFailures: number;
  /** Connections in a row that opened, received nothing and closed within `earlyCloseMs`. */
  readonly consecutiveEarlyCloses: number;
}

/**
 * Options of {@link createReconnectingWebSocket}.
 *
 * @example
 * ```ts
 * const options: ReconnectingWebSocketOptions = {
 *   url: () => 'wss://example.com/feed',
 *   onOpen: () => {}, onMessage: (text) => console.log(text), onStatus: () => {}, onFailure: console.error,
 * };
 * ```
 */
export interface ReconnectingWebSocketOptions {
  /** URL of each new connection (evaluated per connection). */
  url(): string;
  /**
   * Socket constructor. Default: `ws`'s `WebSocket`, refusing a frame larger than 4 MiB (it closes
   * the connection with code 1009, and the socket reconnects): a provider's message is far smaller,
   * and `ws` would otherwise buffer up to 100 MiB of one.
   */
  readonly WebSocket?: WebSocketConstructorLike;
  /** Scheduler of backoff and idle timers. Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Random numbers for the backoff jitter. Default: `Math.random`. */
  readonly random?: () => number;
  /** Reconnection backoff. Default: 500 ms doubling up to 30 s, half of it jitter. */
  readonly backoff?: BackoffOptions;
  /** No message for this long (ms) → status `stale`. Default: 30 000. `Infinity` disables. */
  readonly staleAfterMs?: number;
  /** No message for this long (ms) → drop the connection and reconnect. Default: 2 × `staleAfterMs`. */
  readonly deadAfterMs?: number;
  /** Connections in a row that may end without any message before giving up with `PROVIDER_ERROR`. Default: 10. */
  readonly maxConsecutiveFailures?: number;
  /** A connection that closes this soon after opening, having received nothing, counts as an early close. Default: 2000. */
  readonly earlyCloseMs?: number;
  /**
   * A connection not open this long (ms) after it was started is abandoned and counts as a failed
   * attempt (backoff, retry, and finally `PROVIDER_ERROR`): a server that accepts TCP but never
   * answers the WebSocket upgrade cannot keep the socket `reconnecting` forever. Default: 10 000.
   * `Infinity` disables.
   */
  readonly handshakeTimeoutMs?: number;
  /** Called when a connection opens (send subscriptions here). */
  onOpen(): void;
  /**
   * Called with every text message. Return `false` for one that could not be read (not the
   * provider's protocol); anything else (nothing, say) counts as read. Only a message read resets
   * the backoff, so that a server sending garbage and closing cannot keep the socket reconnecting
   * at once, forever.
   */
  onMessage(text: string): unknown;
  /** Called when the connection health changes: `stale`, `reconnecting`, `live` again. */
  onStatus(status: QuoteFeedStatus, reason?: string): void;
  /** Called once when the socket gives up (fatal failure or too many failures); it is stopped then. */
  onFailure(error: QuoteSourceError): void;
  /** Turns a connection failure into a fatal error (no retry), or `undefined` to retry with backoff. */
  classifyFailure?(failure: ConnectionFailure): QuoteSourceError | undefined;
  /** Name of the provider, for error messages. */
  readonly name: string;
}

/**
 * A WebSocket that stays connected: see {@link createReconnectingWebSocket}.
 *
 * @example
 * ```ts
 * socket.start();
 * socket.send(JSON.stringify({ type: 'subscribe', symbol: 'AAPL' }));
 * socket.stop();
 * ```
 */
export interface ReconnectingWebSocket {
  /** Connects, unless already started. */
  start(): void;
  /** Closes the connection and stops reconnecting. */
  stop(): void;
  /** Sends a text frame if the connection is open; returns whether it was sent. */
  send(text: string): boolean;
  /** Whether a connection is open now. */
  readonly isOpen: boolean;
  /** Whether the socket is started (connected or trying to). */
  readonly isRunning: boolean;
  /** Current health: `live`, `stale` or `reconnecting`. */
  readonly status: QuoteFeedStatus;
}

/**
 * Creates a WebSocket connection that reconnects by itself: after an unexpected close it waits an
 * exponential backoff with jitter and connects again (call `onOpen` to resubscribe). A connection
 * with no message for `staleAfterMs` is reported `stale`; after `deadAfterMs` it is dropped and
 * replaced; a connection whose upgrade is not answered within `handshakeTimeoutMs` is abandoned and
 * retried the same way. Failures that `classifyFailure` calls fatal (e.g. HTTP 401) stop it at
 * once, and so does `maxConsecutiveFailures` connections in a row without a single message. Every
 * timer runs on the injected scheduler.
 *
 * @param options - URL, handlers, timings.
 * @returns The controller; call `start()` to connect.
 *
 * @example
 * ```ts
 * const socket = createReconnectingWebSocket({
 *   name: 'example',
 *   url: () => 'wss://example.com/feed',
 *   onOpen: () => socket.send('{"type":"subscribe"}'),
 *   onMessage: (text) => console.log(text),
 *   onStatus: (status, reason) => console.log(status, reason),
 *   onFailure: (error) => console.error(error.message),
 * });
 * socket.start();
 * ```
 */
export function createReconnectingWebSocket(options: ReconnectingWebSocketOptions): ReconnectingWebSocket {
  const Socket: WebSocketConstructorLike = options.WebSocket ?? BoundedWebSocket;
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? Math.random;
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const deadAfterMs = options.deadAfterMs ?? staleAfterMs * 2;
  const maxFailures = options.maxConsecutiveFailures ?? 10;
  const earlyCloseMs = options.earlyCloseMs ?? 2000;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;

  let running = false;
  let socket: WebSocketLike | undefined;
  let status: QuoteFeedStatus = 'live';
  let consecutiveFailures = 0;
  let consecutiveEarlyCloses = 0;
  let retry: Subscription | undefined;
  let watchdog: Subscription | undefined;

  const setStatus = (next: QuoteFeedStatus, reason?: string): void => {
    if (next === status) return;
    status = next;
    options.onStatus(next, reason);
  };

  const clearTimers = (): void => {
    retry?.unsubscribe();
    retry = undefined;
    watchdog?.unsubscribe();
    watchdog = undefined;
  };

  const discard = (current: WebSocketLike): void => {
    try {
      if (current.terminate) current.terminate();
      else current.close(1000);
    } catch {
      // closing a socket that is still connecting may throw in some implementations
    }
  };

  const giveUp = (error: QuoteSourceError): void => {
    running = false;
    clearTimers();
    const current = socket;
    socket = undefined;
    if (current) discard(current);
    options.onFailure(error);
  };

  const connect = (): void => {
    let opened = false;
    let openedAt = 0;
    let receivedMessage = false;
    let lastActivity = scheduler.now();
    let errorMessage: string | undefined;
    let current: WebSocketLike;
    try {
      current = new Socket(options.url());
    } catch (error) {
      giveUp(
        new QuoteSourceError(
          'PROVIDER_ERROR',
          `Could not open a connection to ${options.name}: ${redact(String(error))}`,
          {
            source: options.name,
            cause: error,
          },
        ),
      );
      return;
    }
    socket = current;

    const ended = (failure: { code?: number; reason?: string }): void => {
      if (socket !== current) return;
      socket = undefined;
      clearTimers();
      if (!running) return;
      // the first message read on this connection already reset both counters
      if (!receivedMessage) {
        consecutiveFailures += 1;
        if (opened && scheduler.now() - openedAt < earlyCloseMs) consecutiveEarlyCloses += 1;
      }
      const reason = redact(failure.reason || errorMessage || '');
      const httpStatus = httpStatusOf(errorMessage);
      const info: ConnectionFailure = {
        opened,
        receivedMessage,
        consecutiveFailures,
        consecutiveEarlyCloses,
        ...(httpStatus === undefined ? {} : { httpStatus }),
        ...(failure.code === undefined ? {} : { code: failure.code }),
        ...(reason ? { reason } : {}),
      };
      const fatal = options.classifyFailure?.(info);
      if (fatal) {
        giveUp(fatal);
        return;
      }
      if (consecutiveFailures >= maxFailures) {
        giveUp(
          new QuoteSourceError(
            'PROVIDER_ERROR',
            `Lost the connection to ${options.name} and could not restore it after ${consecutiveFailures} attempts` +
              `${reason ? ` (last: ${reason})` : ''}. Check the network and the provider's status, then try again.`,
            { source: options.name },
          ),
        );
        return;
      }
      setStatus('reconnecting', describeEnd(info));
      retry = scheduleAfter(
        scheduler,
        backoffDelay(Math.max(consecutiveFailures - 1, 0), options.backoff, random),
        () => {
          retry = undefined;
          if (running) connect();
        },
      );
    };

    const checkIdle = (): void => {
      watchdog = undefined;
      if (socket !== current) return;
      const idle = scheduler.now() - lastActivity;
      if (idle >= deadAfterMs) {
        ended({ reason: `no data for ${Math.round(idle / 1000)} s` });
        discard(current);
        return;
      }
      if (idle >= staleAfterMs) setStatus('stale', `no data for ${Math.round(idle / 1000)} s`);
      watchdog = scheduleAfter(scheduler, watchdogPeriod, checkIdle);
    };
    const watchdogPeriod = Math.max(5, Math.min(staleAfterMs, deadAfterMs) / 4);

    // until `open`, the watchdog slot holds the handshake timer
    if (Number.isFinite(handshakeTimeoutMs)) {
      watchdog = scheduleAfter(scheduler, handshakeTimeoutMs, () => {
        watchdog = undefined;
        if (socket !== current || opened) return;
        ended({ reason: `no answer to the WebSocket upgrade within ${handshakeTimeoutMs} ms` });
        discard(current);
      });
    }

    current.addEventListener('open', () => {
      if (socket !== current) return;
      watchdog?.unsubscribe();
      watchdog = undefined;
      opened = true;
      openedAt = scheduler.now();
      lastActivity = openedAt;
      if (Number.isFinite(watchdogPeriod)) watchdog = scheduleAfter(scheduler, watchdogPeriod, checkIdle);
      options.onOpen();
    });
    current.addEventListener('message', (event) => {
      if (socket !== current) return;
      lastActivity = scheduler.now();
      setStatus('live');
      const text = textOf(event.data);
      if (text === undefined || options.onMessage(text) === false || receivedMessage) return;
      receivedMessage = true;
      consecutiveFailures = 0;
      consecutiveEarlyCloses = 0;
    });
    current.addEventListener('error', (event) => {
      if (socket !== current) return;
      errorMessage = event.message ?? (event.error instanceof Error ? event.error.message : undefined);
    });
    current.addEventListener('close', (event) => {
      ended({
        code: event.code,
        reason: typeof event.reason === 'string' ? event.reason : (textOf(event.reason) ?? ''),
      });
    });
  };

  return {
    start() {
      if (running) return;
      running = true;
      consecutiveFailures = 0;
      consecutiveEarlyCloses = 0;
      status = 'live';
      connect();
    },
    stop() {
      running = false;
      clearTimers();
      const current = socket;
      socket = undefined;
      if (current) {
        try {
          current.close(1000);
        } catch {
          discard(current);
        }
      }
    },
    send(text: string) {
      if (socket?.readyState !== 1) return false;
      socket.send(text);
      return true;
    },
    get isOpen() {
      return socket !== undefined && socket.readyState === 1;
    },
    get isRunning() {
      return running;
    },
    get status() {
      return status;
    },
  };
}

/** Hides credentials that a URL in an error message may carry. */
function redact(text: string): string {
  return text.replace(/([?&](?:token|apikey|api_key|key)=)[^&\s]+/gi, '$1***');
}

function httpStatusOf(message: string | undefined): number | undefined {
  const match = message?.match(/Unexpected server response: (\d{3})/);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function describeEnd(failure: ConnectionFailure): string {
  if (failure.httpStatus !== undefined) return `connection refused (HTTP ${failure.httpStatus})`;
  if (!failure.opened) return `could not connect${failure.reason ? `: ${failure.reason}` : ''}`;
  const code = failure.code === undefined ? '' : ` (${failure.code})`;
  return `connection closed${code}${failure.reason ? `: ${failure.reason}` : ''}`;
}

function textOf(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(bytesOf(data));
  if (Array.isArray(data) && data.every((chunk) => ArrayBuffer.isView(chunk))) {
    // One streaming decoder: a character split across two fragments is decoded whole.
    const decoder = new TextDecoder();
    const last = data.length - 1;
    return data
      .map((chunk: ArrayBufferView, i) => decoder.decode(bytesOf(chunk), { stream: i < last }))
      .join('');
  }
  return undefined;
}

/** The bytes a view covers, as the `Uint8Array` Node's `TextDecoder` takes (no copy). */
function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
