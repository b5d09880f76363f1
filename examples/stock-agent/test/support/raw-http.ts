/**
 * Test support: raw HTTP over a `net` socket, for requests an HTTP client refuses to send (malformed
 * request targets, control characters, foreign `Host` headers) and for telling an answer from a
 * dropped connection.
 */
import { connect } from 'node:net';

/** What came back for a raw request. */
export interface RawAnswer {
  /** The status code of the answer; `undefined` when the connection closed without one (lost). */
  readonly status: number | undefined;
  /** Everything received, header and whatever part of the body came with it. */
  readonly text: string;
}

/**
 * Sends `request` as is to 127.0.0.1:`port` and resolves with the answer's status once the whole
 * header has arrived, or with `status: undefined` if the server closes or resets first.
 */
export function rawRequest(port: number, request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve) => {
    let received = '';
    let settled = false;
    const settle = (status: number | undefined) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ status, text: received });
    };
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const match = /^HTTP\/1\.[01] (\d{3}) [^\r\n]*\r\n[\s\S]*?\r\n\r\n/.exec(received);
      if (match) settle(Number(match[1]));
    });
    socket.on('error', () => settle(undefined));
    socket.on('close', () => settle(undefined));
  });
}

/** A GET for `target` with the given headers (`Host` first); `Connection: close`. */
export function get(target: string, headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `GET ${target} HTTP/1.1\r\n${lines.join('')}Connection: close\r\n\r\n`;
}

/** A WebSocket upgrade request for `target` with the given extra headers (`Host` first). */
export function upgrade(target: string, headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return (
    `GET ${target} HTTP/1.1\r\n${lines.join('')}Connection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'
  );
}
