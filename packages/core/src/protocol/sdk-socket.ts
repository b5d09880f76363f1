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

/** The parts of a `ws` WebSocket used here. */
interface RawSocket {
  readonly readyState?: unknown;
  terminate?: unknown;
}

/** What the SDK's socket factory returns: a wrapper that keeps the raw socket in `ws` once connecting. */
interface SdkConnection {
  readonly ws?: RawSocket | undefined;
}

/** `ws` readyState CLOSED. */
const CLOSED = 3;

/**
 * @internal
 * The socket one `connect()` call of the SDK creates, as recorded by the view of `ai.live` that
 * `sdk-live.ts` makes ({@link SdkSocket.record}).
 */
export class SdkSocket {
  #connection: SdkConnection | undefined;
  #reachable = false;

  readonly #onCreate: () => void;

  /** `onCreate` runs once the SDK has made the socket (on the microtask after, when it is connecting). */
  constructor(onCreate: () => void = () => {}) {
    this.#onCreate = onCreate;
  }

  /** The SDK's socket factory could be wrapped: what it creates is recorded here. */
  markReachable(): void {
    this.#reachable = true;
  }

  /** Records what the SDK's socket factory returned for this call. */
  record(connection: unknown): void {
    if (typeof connection === 'object' && connection !== null) {
      this.#connection = connection as SdkConnection;
      // The SDK opens the socket right after creating its wrapper (`conn.connect()`).
      queueMicrotask(this.#onCreate);
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
