/**
 * How the console server answers what it refuses: a plain-text status with a message that says
 * what to do, on an HTTP response or on a socket whose WebSocket upgrade is refused.
 */
import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Headers on every HTTP answer: the page's content security policy and no caching or sniffing. */
export const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

/** A refusal: the status and the message sent as the body. */
export interface Refusal {
  readonly status: number;
  readonly message: string;
}

/** Answers an HTTP request with `status` and `message` as plain text, and closes the connection. */
export function answer(response: ServerResponse, { status, message }: Refusal): void {
  response
    .writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(message),
      connection: 'close',
      ...securityHeaders,
    })
    .end(message);
}

/** Refuses a WebSocket upgrade with `status` and `message`, then closes the socket once it is written. */
export function refuseUpgrade(socket: Duplex, { status, message }: Refusal): void {
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\nConnection: close\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n`;
  // destroyed once written: a client that never closes its side cannot hold the socket open
  socket.end(head + message, () => socket.destroy());
}
