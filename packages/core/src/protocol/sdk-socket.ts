/**
 * Reaching the WebSocket behind one `ai.live.connect()` call, so that a connection attempt the
 * session abandons (a timeout, `close()` during a resumption) and a socket whose peer never
 * answers the close handshake can be ended for sure.
 *
 * `@google/genai` (2.x and 3.x) creates each socket through `ai.live.webSocketFactory.create()`,
 * and keeps the `ws` socket of Node in the returned connection's `ws` field. Neither is public API,
 * so every step is checked, and when one is missing (another SDK version, a stand-in client in
 * tests) the session falls back to `session.close()` alone.
 *
 * @internal
 * @packageDocumentation
 */

import type { GenAIClient } from './genai-like.js';

/** The parts of a `ws` WebSocket used here. */
interface RawSocket {
  readonly readyState?: unknown;
  terminate?: unknown;
}

/** What the SDK's socket factory returns: a wrapper that keeps the raw socket in `ws` once connecting. */
interface SdkConnection {
  readonly ws?: RawSocket | undefined;
}

interface SocketFactory {
  create(...args: unknown[]): unknown;
}

/** `ws` readyState CLOSED. */
const CLOSED = 3;

/**
 * @internal
 * Captures the socket one `connect()` call of the SDK creates. {@link SdkSocket.live} returns the
 * client's `live` object with a factory that records the connection it makes, without changing
 * the client itself (the stand-in inherits everything else from `ai.live`).
 */
export class SdkSocket {
  #connection: SdkConnection | undefined;
  #reachable = false;

  /** `onCreate` runs once the SDK has made the socket (on the microtask after, when it is connecting). */
  constructor(private readonly onCreate: () => void = () => {}) {}

  /** `live` (a client's `ai.live`), or a stand-in whose socket factory reports to this object. */
  live(live: GenAIClient['live']): GenAIClient['live'] {
    const factory = (live as unknown as { readonly webSocketFactory?: unknown }).webSocketFactory as
      | SocketFactory
      | undefined;
    if (typeof factory !== 'object' || factory === null || typeof factory.create !== 'function') return live;
    this.#reachable = true;
    const recording: SocketFactory = {
      create: (...args: unknown[]) => {
        const connection = factory.create.apply(factory, args);
        if (typeof connection === 'object' && connection !== null) {
          this.#connection = connection as SdkConnection;
          // The SDK opens the socket right after creating its wrapper (`conn.connect()`).
          queueMicrotask(this.onCreate);
        }
        return connection;
      },
    };
    try {
      return Object.create(live, { webSocketFactory: { value: recording } }) as GenAIClient['live'];
    } catch {
      this.#reachable = false;
      return live;
    }
  }

  /** True when the SDK's socket can be reached (the factory could be wrapped). */
  get reachable(): boolean {
    return this.#reachable;
  }

  /** True once the SDK created a socket for this call. */
  get created(): boolean {
    return this.#connection?.ws !== undefined;
  }

  /** True when the socket is known to be closed (or the SDK, whose factory was wrapped, created none). */
  get isClosed(): boolean {
    if (!this.#reachable) return false;
    const ws = this.#connection?.ws;
    return ws === undefined || ws.readyState === CLOSED;
  }

  /**
   * Ends the socket at once, without a close handshake (`ws.terminate()`); its `close` event
   * follows. Returns `false` when there is no socket to end or it cannot be reached.
   */
  terminate(): boolean {
    const ws = this.#connection?.ws;
    if (ws === undefined || ws.readyState === CLOSED || typeof ws.terminate !== 'function') return false;
    try {
      (ws.terminate as () => void).call(ws);
      return true;
    } catch {
      return false;
    }
  }
}
