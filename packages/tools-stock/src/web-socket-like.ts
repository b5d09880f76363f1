/**
 * The part of a WebSocket the real providers use: satisfied by the `ws` package's `WebSocket` (the
 * default under Node.js) and by the browser's `WebSocket`. Inject another constructor in tests.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const socket: WebSocketLike = new WebSocket('ws://127.0.0.1:8080');
 * ```
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Sends a text message. */
  send(data: string): void;
  /** Closes the socket. */
  close(code?: number, reason?: string): void;
  /** Closes at once without the closing handshake (available on `ws`). */
  terminate?(): void;
  /** Called once the socket is open. */
  addEventListener(type: 'open', listener: () => void): void;
  /** Called for each message. */
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  /** Called when the socket closed. */
  addEventListener(
    type: 'close',
    listener: (event: { readonly code: number; readonly reason: unknown }) => void,
  ): void;
  /** Called on a socket error. */
  addEventListener(
    type: 'error',
    listener: (event: { readonly message?: string; readonly error?: unknown }) => void,
  ): void;
}

/**
 * A constructor of {@link WebSocketLike} sockets, such as `ws`'s `WebSocket` or the browser's.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const Ctor: WebSocketConstructorLike = WebSocket;
 * ```
 */
export type WebSocketConstructorLike = new (url: string) => WebSocketLike;
